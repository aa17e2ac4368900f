"""common/embeddings_train.py — subword embeddings from all the unlabelled text, for initializing models.

    cd models/train && /usr/bin/python3 -m common.embeddings_train --dim 64 --out work/emb64.npy

Every text of ../shared/data (reviews, product copy, pairs; both languages),
normalized and lower-cased as the sentiment model sees it, minus the texts
that fall in any dev split (common.is_dev), is tokenized with the shared
tokenizer.  Co-occurrence counts within ±WINDOW tokens (weighted 1/distance)
give a positive PMI matrix (context distribution smoothed by α = 0.75),
whose truncated SVD (U·√S) is the embedding — the classic count-based
counterpart of skip-gram (Levy & Goldberg 2014), deterministic and a few
minutes on one core.
"""
import argparse
import os
import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

from common import ROOT, SEED, DATA, ascii_lower, is_dev
from common.ptcore import Tokenizer
from common.tokenizer_train import load_texts

WINDOW = 3


def cooccurrence(seqs, vocab):
    rows, cols, vals = [], [], []
    flat = np.concatenate([np.asarray(s, dtype=np.int64) for s in seqs if s])
    doc = np.concatenate([np.full(len(s), i, dtype=np.int64) for i, s in enumerate(seqs) if s])
    for d in range(1, WINDOW + 1):
        same = doc[d:] == doc[:-d]
        a, b = flat[:-d][same], flat[d:][same]
        w = np.full(len(a), 1.0 / d, dtype=np.float32)
        rows += [a, b]
        cols += [b, a]
        vals += [w, w]
    return sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(vocab, vocab)).tocsr()


def ppmi(C, alpha=0.75):
    total = C.sum()
    row = np.asarray(C.sum(axis=1)).ravel()
    ctx = np.asarray(C.sum(axis=0)).ravel() ** alpha
    ctx = ctx / ctx.sum()
    C = C.tocoo()
    pmi = np.log(np.maximum(C.data * 1.0, 1e-12) / total) - np.log(row[C.row] / total) - np.log(ctx[C.col])
    keep = pmi > 0
    return sp.csr_matrix((pmi[keep].astype(np.float32), (C.row[keep], C.col[keep])), shape=C.shape)


def embeddings(tok, dim, exclude=frozenset()):
    """[vocab, dim] float32 embeddings from every non-dev text whose lower-cased form is not in `exclude`."""
    t0 = time.time()
    texts, _ = load_texts(DATA)
    seqs = [tok.encode(low) for lang in sorted(texts) for low in map(ascii_lower, texts[lang])
            if not is_dev(low) and low not in exclude]
    print(f"{len(seqs)} texts, {sum(map(len, seqs))} tokens in {time.time() - t0:.0f}s", flush=True)
    M = ppmi(cooccurrence(seqs, tok.vocab_size))
    u, s, _ = svds(M, k=dim, v0=np.random.RandomState(SEED).rand(min(M.shape)))
    emb = (u * np.sqrt(s)).astype(np.float32)
    emb[0] = 0.0  # <pad>
    emb /= max(float(np.abs(emb).std()), 1e-6)  # unit scale, like nn.Embedding's N(0, 1) init
    return emb


def main():
    ap = argparse.ArgumentParser(prog="python3 -m common.embeddings_train", description=__doc__.split("\n")[0])
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "models", "tokenizer.ptm"))
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    t0 = time.time()
    emb = embeddings(Tokenizer.from_file(args.tokenizer), args.dim)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    np.save(args.out, emb)
    print(f"wrote {args.out}: {emb.shape} in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
