"""sentiment/baselines.py — the baselines the sentiment CNN must beat, on the same splits.

    cd models/train && /usr/bin/python3 -m sentiment.baselines --lang en

TF-IDF + logistic regression (scikit-learn; words 1-2 grams for English,
characters 1-3 for Chinese) trained on the CNN's training rows, and a
lexicon baseline (AFINN-style word scores, a small hand-written list), both
scored by sentiment.eval.evaluate on the dev rows and held-out files.
"""
import argparse
import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from common import ascii_lower
from common.ptcore import normalize
from sentiment import data as sentiment_data
from sentiment.eval import evaluate

# AFINN-style: word → score in [-5, 5]; written for this baseline
LEXICON = {
    "en": {"love": 3, "loved": 3, "great": 3, "excellent": 3, "amazing": 4, "awesome": 4, "perfect": 3,
           "good": 3, "nice": 3, "best": 3, "happy": 3, "wonderful": 4, "beautiful": 3, "comfortable": 2,
           "recommend": 2, "worth": 2, "super": 3, "fantastic": 4, "fine": 2, "pretty": 1, "cute": 2,
           "flattering": 2, "soft": 1, "bad": -3, "worst": -3, "poor": -2, "terrible": -3, "horrible": -3,
           "awful": -3, "waste": -2, "broken": -2, "broke": -2, "disappointed": -2, "disappointing": -2,
           "return": -1, "returned": -1, "cheap": -1, "useless": -2, "defective": -3, "hate": -3,
           "unhappy": -2, "wrong": -2, "fake": -3, "not": -1, "never": -1, "problem": -2, "issue": -1,
           "small": -1, "tight": -1, "itchy": -2, "unflattering": -2, "scratchy": -2, "ok": 1, "okay": 1},
    "zh": {"好": 2, "喜欢": 3, "满意": 3, "不错": 3, "推荐": 2, "快": 1, "好吃": 3, "值": 2, "赞": 3,
           "棒": 3, "舒服": 2, "漂亮": 3, "划算": 2, "差": -3, "慢": -2, "失望": -3, "垃圾": -4, "坏": -3,
           "退": -2, "难吃": -3, "贵": -1, "不好": -3, "假": -3, "烂": -3, "问题": -2, "不满意": -3,
           "不会再": -3, "太差": -4, "一般": -1},
}


def lexicon_probs(texts, lang):
    lex = LEXICON[lang]
    out = []
    for t in texts:
        if lang == "en":
            score = sum(lex.get(w, 0) for w in re.findall(r"[a-z']+", t))
        else:
            score = sum(v * t.count(w) for w, v in lex.items())
        p = 1.0 / (1.0 + np.exp(-score))
        out.append([1 - p, 0.0, p])
    return np.array(out)


def lr_probs(train, rows, lang):
    analyzer = dict(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b") if lang == "en" \
        else dict(analyzer="char", ngram_range=(1, 3))
    vec = TfidfVectorizer(min_df=2, sublinear_tf=True, max_features=300000, **analyzer)
    X = vec.fit_transform([t for t, *_ in train])
    y = np.array([c for _, c, *_ in train])
    clf = LogisticRegression(C=4.0, max_iter=2000)
    clf.fit(X, y)
    p = clf.predict_proba(vec.transform([t for t, *_ in rows]))
    full = np.zeros((len(rows), 3))
    for j, c in enumerate(clf.classes_):
        full[:, c] = p[:, j]
    return full


def main():
    ap = argparse.ArgumentParser(prog="python3 -m sentiment.baselines", description=__doc__.split("\n")[0])
    ap.add_argument("--lang", choices=("en", "zh"), required=True)
    sentiment_data.add_hold_out_argument(ap)
    args = ap.parse_args()
    train, dev, held = sentiment_data.load(args.lang, lambda s: ascii_lower(normalize(s)), args.hold_out)
    for name, fn in (("tfidf+lr", lambda rows: lr_probs(train, rows, args.lang)),
                     ("lexicon", lambda rows: lexicon_probs([t for t, *_ in rows], args.lang))):
        print(f"[{args.lang}] {name} dev: {evaluate(dev, fn(dev))['summary']}", flush=True)
        if held:
            print(f"[{args.lang}] {name} held-out files: {evaluate(held, fn(held))['summary']}", flush=True)


if __name__ == "__main__":
    main()
