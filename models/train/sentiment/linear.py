"""sentiment/linear.py — the linear half of the sentiment ensemble.

Logistic regression over hashed character n-gram features computed by the C
core (pt_char_ngram_features: sublinear TF, unit L2 norm), so serving sees
exactly the features training saw.  Character n-grams need no word
segmentation, which suits Chinese, and carry sub-word cues in English.
"""
import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from common.ptcore import char_ngram_features

NEUTRAL_ABSENT = -10.0  # neutral logit of a model trained without neutral rows


def featurize(texts, nmin, nmax, buckets):
    data, ind, ptr = [], [], [0]
    for t in texts:
        i, v = char_ngram_features(t, nmin, nmax, buckets)
        ind.append(i)
        data.append(v)
        ptr.append(ptr[-1] + len(i))
    if not texts:
        return sp.csr_matrix((0, buckets), dtype=np.float32)
    return sp.csr_matrix((np.concatenate(data), np.concatenate(ind), np.array(ptr)),
                         shape=(len(texts), buckets), dtype=np.float32)


def fit(X, y, C=4.0, class_weight=None):
    """Return (W [buckets, 3], b [3]) so that logits = X @ W + b over (neg, neutral, pos).

    class_weight: {class: weight} for the loss, or None.  A binary fit (no
    neutral rows) puts half its decision value on each side and a constant
    low logit on neutral.
    """
    clf = LogisticRegression(C=C, max_iter=2000, class_weight=class_weight)
    clf.fit(X, y)
    classes = list(clf.classes_)
    W = np.zeros((X.shape[1], 3), dtype=np.float32)
    b = np.zeros(3, dtype=np.float32)
    if len(classes) == 2:
        d, d0 = clf.coef_[0], clf.intercept_[0]
        W[:, classes[0]], W[:, classes[1]] = -d / 2, d / 2
        b[classes[0]], b[classes[1]] = -d0 / 2, d0 / 2
        for c in set(range(3)) - set(classes):
            b[c] = NEUTRAL_ABSENT
    else:
        for j, c in enumerate(classes):
            W[:, c] = clf.coef_[j]
            b[c] = clf.intercept_[j]
    return W, b


def logits(X, W, b):
    return np.asarray(X @ W) + b
