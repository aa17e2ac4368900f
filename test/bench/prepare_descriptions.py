"""Write N real product descriptions, one per line, for the summarize benchmark.

    /usr/bin/python3 test/bench/prepare_descriptions.py OUT_DIR [N]

Reads ../shared/data/products/en_myntra.jsonl (a seeded sample of the
descriptions); without it, repeats the demo's own product descriptions so
the benchmark still runs.
"""
import os
import random
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "models", "train"))
from common import DATA, read_jsonl  # noqa: E402

FILE = "products/en_myntra.jsonl"


def demo_descriptions():
    sql = open(os.path.join(os.path.dirname(__file__), "..", "..", "demo", "sample.sql"), encoding="utf-8").read()
    texts = re.findall(r"\(\d+, '[^']*',\s*'([^']*)'\)", sql)
    return [t for t in texts if re.search(r"[\u4e00-\u9fff]", t) is None]


def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = random.Random(7)
    if os.path.exists(os.path.join(DATA, FILE)):
        texts = [r["description"] for r in read_jsonl(FILE) if r.get("description")]
        texts = rng.sample(texts, min(n, len(texts)))
    else:
        base = demo_descriptions()
        texts = [base[i % len(base)] for i in range(n)]
    with open(os.path.join(out, "descriptions-en.txt"), "w", encoding="utf-8") as f:
        for t in texts:
            f.write(" ".join(t.split()) + "\n")


if __name__ == "__main__":
    main()
