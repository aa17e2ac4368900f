"""embed/metrics.py — recall@1 and MRR of a retrieval task, and the TF-IDF baselines.

Every query's right answer is its own target; the candidates are all
targets of the task plus its extra texts.  Vectors are compared by cosine.
"""
import re

import numpy as np

WORD_RE = re.compile(r"[\u3400-\u9fff]|[^\W_]+")


def ranks(q, c):
    """1-based rank of candidate i for query i (rows L2-normalized; ties count against)."""
    sims = q @ c.T
    right = sims[np.arange(len(q)), np.arange(len(q))]
    return 1 + (sims > right[:, None]).sum(1)


def scores(r):
    """(recall@1, MRR) in percent of an array of ranks"""
    return 100.0 * float(np.mean(r == 1)), 100.0 * float(np.mean(1.0 / r))


def evaluate(encode, dev, extra):
    """{task: ranks} for encode(list of texts) -> L2-normalized rows."""
    out = {}
    for task, pairs in dev.items():
        qs = [q for q, _ in pairs]
        cands = [t for _, t in pairs] + extra[task]
        out[task] = ranks(np.asarray(encode(qs)), np.asarray(encode(cands)))
    return out


def words(text):
    """Words for the word-level baseline: runs of letters/digits, one Han character each."""
    return WORD_RE.findall(text.lower())


def tfidf_encoder(kind):
    """encode(texts) with a TF-IDF vectorizer fitted per call on the texts of one task side;
    the fit sees queries and candidates of the task together (see tfidf_evaluate)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    if kind == "word":
        return TfidfVectorizer(analyzer=lambda t: _ngrams(words(t), 1, 2), sublinear_tf=True)
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, lowercase=True)


def _ngrams(ws, lo, hi):
    return [" ".join(ws[i:i + n]) for n in range(lo, hi + 1) for i in range(len(ws) - n + 1)]


def tfidf_evaluate(kind, dev, extra):
    """{task: ranks} of TF-IDF cosine, the vectorizer fitted on the task's queries and candidates."""
    out = {}
    for task, pairs in dev.items():
        qs = [q for q, _ in pairs]
        cands = [t for _, t in pairs] + extra[task]
        vec = tfidf_encoder(kind).fit(qs + cands)
        q = vec.transform(qs)
        c = vec.transform(cands)
        sims = (q @ c.T).toarray()
        right = sims[np.arange(len(qs)), np.arange(len(qs))]
        out[task] = 1 + (sims > right[:, None]).sum(1)
    return out


def table(results):
    """Markdown rows: task, then recall@1 / MRR per method; pooled over all queries last.
    results: {method: {task: ranks}}"""
    methods = list(results)
    tasks = list(next(iter(results.values())))
    lines = ["| task | queries | " + " | ".join(f"{m} R@1 | {m} MRR" for m in methods) + " |",
             "|---|---|" + "---|---|" * len(methods)]
    for task in tasks + ["pooled"]:
        cells = []
        for m in methods:
            r = np.concatenate(list(results[m].values())) if task == "pooled" else results[m][task]
            cells += ["%.1f" % s for s in scores(r)]
        n = sum(len(v) for v in results[methods[0]].values()) if task == "pooled" else len(results[methods[0]][task])
        lines.append(f"| {task} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
