"""Write N real reviews per language, one per line, for the benchmarks.

    /usr/bin/python3 test/bench/prepare_reviews.py OUT_DIR [N]

Reads ../shared/data/reviews (seeded sample); without it, repeats the demo's
own sample reviews so the benchmark still runs.
"""
import os
import random
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "models", "train"))
from common import DATA, read_jsonl  # noqa: E402

FILES = {"en": ["reviews/en_flipkart.jsonl", "reviews/en_womens_clothing.jsonl"],
         "zh": ["reviews/zh_online_shopping.jsonl", "reviews/zh_waimai.jsonl"]}


def demo_reviews(lang):
    sql = open(os.path.join(os.path.dirname(__file__), "..", "..", "demo", "sample.sql"), encoding="utf-8").read()
    bodies = re.findall(r"\(\d+, '([^']*)'\)", sql)
    return [b for b in bodies if (re.search(r"[\u4e00-\u9fff]", b) is not None) == (lang == "zh")]


def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(7)
    for lang, files in FILES.items():
        if os.path.isdir(DATA):
            texts = [r["text"] for f in files for r in read_jsonl(f) if r.get("text")]
            texts = rng.sample(texts, min(n, len(texts)))
        else:
            base = demo_reviews(lang)
            texts = [base[i % len(base)] for i in range(n)]
        with open(os.path.join(out, f"reviews-{lang}.txt"), "w", encoding="utf-8") as f:
            for t in texts:
                f.write(" ".join(t.split()) + "\n")


if __name__ == "__main__":
    main()
