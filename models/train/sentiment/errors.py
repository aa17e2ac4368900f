"""sentiment/errors.py — a seeded sample of the dev rows a sentiment model gets wrong, for auditing.

    cd models/train && /usr/bin/python3 -m sentiment.errors --lang zh --n 60

Scores every binary dev row with the C core (the served path) and prints a
random sample (seed 1) of the misclassified ones: file, gold label, the
model's polarity P(pos) - P(neg) and the first 150 characters.  The audit
in models/sentiment.md reads this sample by hand to tell label noise from
model errors.
"""
import argparse
import os
import random

import numpy as np

from common import ROOT, ascii_lower
from common.ptcore import Sentiment, normalize
from sentiment import data as sentiment_data


def errors(path, lang):
    _, dev, _ = sentiment_data.load(lang, lambda t: ascii_lower(normalize(t)))
    binary = [r for r in dev if r[1] != 1]
    with Sentiment(path) as m:
        probs = np.asarray(m.probs([r[0] for r in binary]))
    wrong = [(r, float(p[2] - p[0])) for r, p in zip(binary, probs) if (p[2] > p[0]) != (r[1] == 2)]
    return wrong, len(binary)


def main():
    ap = argparse.ArgumentParser(prog="python3 -m sentiment.errors", description=__doc__.split("\n")[0])
    ap.add_argument("--lang", choices=("en", "zh"), required=True)
    ap.add_argument("--model", help="default: models/sentiment-<lang>.ptm")
    ap.add_argument("--n", type=int, default=60)
    args = ap.parse_args()
    wrong, total = errors(args.model or os.path.join(ROOT, "models", f"sentiment-{args.lang}.ptm"), args.lang)
    print(f"{len(wrong)} of {total} binary dev rows misclassified; a sample of {min(args.n, len(wrong))}:")
    random.Random(1).shuffle(wrong)
    for i, ((text, y, rel, _), polarity) in enumerate(wrong[:args.n], 1):
        gold = sentiment_data.CLASSES[y]
        print(f"{i:3d}. {os.path.basename(rel)} gold {gold} polarity {polarity:+.2f}: {text[:150]}")


if __name__ == "__main__":
    main()
