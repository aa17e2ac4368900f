"""sentiment/linear.py — the linear half of the sentiment ensemble.

Logistic regression over hashed character n-gram features computed by the C
core (pt_char_ngram_features: sublinear TF, unit L2 norm), so serving sees
exactly the features training saw.  Character n-grams need no word
segmentation, which suits Chinese, and carry sub-word cues in English.
"""
import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F

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


def fit(X, y, C=4.0, sample_weight=None, epochs=3, batch=256, lr=0.02, seed=0):
    """Return (W [buckets, 3], b [3]) so that logits = X @ W + b over (neg, neutral, pos).

    Minimizes C · Σ wᵢ · cross-entropy(xᵢ) + ½‖W‖² (scikit-learn's objective for
    LogisticRegression(C)) by mini-batch Adam over the sparse rows, a few
    passes: scikit-learn's full-batch solver needed ~16 minutes on 170,000
    English rows (char 1-5-grams, ~10⁸ non-zeros), too slow for a
    leave-one-domain-out table of ten folds; a pass here is one sweep of the
    non-zeros.  sample_weight: per-row weights of the loss, or None.  A
    binary fit (no neutral rows) gets a constant low neutral logit.
    """
    n, dim = X.shape
    X = X.tocsr()
    gen = torch.Generator().manual_seed(seed)
    wt = np.ones(n, dtype=np.float32) if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
    yt = torch.as_tensor(np.asarray(y), dtype=torch.long)
    absent = torch.tensor([c not in set(int(v) for v in y) for c in range(3)])
    W = torch.zeros(dim, 3, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    opt = torch.optim.Adam([W, b], lr=lr)
    l2 = 0.5 / (C * float(wt.sum()))  # the penalty's share per unit of row weight
    for _ in range(epochs):
        for idx in torch.randperm(n, generator=gen).split(batch):
            rows = X[idx.numpy()]
            z = F.embedding_bag(torch.as_tensor(rows.indices, dtype=torch.long), W,
                                torch.as_tensor(rows.indptr[:-1], dtype=torch.long), mode="sum",
                                per_sample_weights=torch.as_tensor(rows.data, dtype=torch.float32)) + b
            w = torch.as_tensor(wt[idx.numpy()])
            loss = (w * F.cross_entropy(z.masked_fill(absent, NEUTRAL_ABSENT), yt[idx], reduction="none")).sum() \
                + l2 * float(w.sum()) * (W * W).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    W, b = W.detach().clone(), b.detach().clone()
    W[:, absent] = 0.0
    b[absent] = NEUTRAL_ABSENT
    return W.numpy(), b.numpy()


def logits(X, W, b):
    return np.asarray(X @ W) + b
