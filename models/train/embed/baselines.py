"""embed/baselines.py — TF-IDF cosine (word 1-2-grams; character 1-4-grams) on the dev tasks.

    cd models/train && /usr/bin/python3 -m embed.baselines
"""
from embed import data, metrics


def main():
    _, dev, extra = data.load()
    print(metrics.table({k: metrics.tfidf_evaluate(k, dev, extra) for k in ("word", "char")}))


if __name__ == "__main__":
    main()
