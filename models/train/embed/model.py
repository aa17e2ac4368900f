"""embed/model.py — the encoder, its input features, and the same forward pass in numpy.

    text -> normalize (C) -> ASCII lower-case
      tokens:  ids of the shared tokenizer (first max_tokens); pool = sum g[id]·E_tok[id] / sum g[id],
               g = softplus(gate) a learned, IDF-like weight per token
      n-grams: hashed character n-grams (C ngrams.c: bucket, 1+ln tf, unit L2); pool = sum v·E_ng[bucket]
      y = W [pool_tok; pool_ng] + b,  output y / |y|
      (each n-gram's value is also scaled by a learned, IDF-like weight per bucket)
Text with neither tokens nor n-grams gives b / |b|.
"""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from common import ascii_lower
from common.ptcore import char_ngram_features, normalize


class Features:
    """The inputs of one text, as the C core computes them."""

    def __init__(self, tok, text, max_chars, max_tokens, nmin, nmax, buckets):
        prep = ascii_lower(normalize(text, max_chars))
        self.ids = np.asarray(tok.encode(prep)[:max_tokens], dtype=np.int64)
        idx, val = char_ngram_features(prep, nmin, nmax, buckets)
        self.ng_idx = idx.astype(np.int64)
        self.ng_val = val.astype(np.float32)


def inverse_softplus(x):
    return x + torch.log(-torch.expm1(-x))


def idf(counts, n_texts):
    """log((1 + N) / (1 + df)) + 1, as scikit-learn's smooth IDF"""
    return torch.log((1.0 + n_texts) / (1.0 + torch.as_tensor(counts, dtype=torch.float32))) + 1.0


class Encoder(nn.Module):
    """gate: the per-token weight before softplus; ngram_gate: the same per bucket (folded
    into ngram.weight at export).  Both start at the training texts' IDF."""

    def __init__(self, vocab, buckets, embed=64, dim=128, tok_idf=None, ngram_idf=None):
        super().__init__()
        # sparse: a batch touches few rows, and dense Adam would update every row each step
        self.tok = nn.Embedding(vocab, embed, sparse=True)
        self.gate = nn.Parameter(inverse_softplus(tok_idf) if tok_idf is not None else torch.zeros(vocab))
        self.ngram = nn.Embedding(buckets, embed, sparse=True)
        self.ngram_gate = nn.Parameter(inverse_softplus(ngram_idf) if ngram_idf is not None
                                       else torch.full((buckets,), 0.5413))   # softplus = 1
        self.proj = nn.Linear(2 * embed, dim)
        nn.init.normal_(self.tok.weight, std=0.1)
        nn.init.normal_(self.ngram.weight, std=0.1)

    def ngram_table(self):
        """the n-gram rows as the C core reads them: each scaled by its bucket's weight"""
        return self.ngram.weight * F.softplus(self.ngram_gate)[:, None]

    def forward(self, feats, drop=0.0):
        """L2-normalized [len(feats), dim] for a list of Features; drop: the share of
        tokens and n-grams left out at random (training only)."""
        dev = self.tok.weight.device
        B = len(feats)
        ids = torch.from_numpy(np.concatenate([f.ids for f in feats]) if B else np.zeros(0, np.int64))
        rows = torch.repeat_interleave(torch.arange(B), torch.tensor([len(f.ids) for f in feats]))
        g = F.softplus(self.gate[ids])
        if drop > 0:
            g = g * (torch.rand(len(ids)) >= drop)
        tok_sum = torch.zeros(B, self.tok.embedding_dim, device=dev).index_add_(0, rows, g[:, None] * self.tok(ids))
        g_sum = torch.zeros(B, device=dev).index_add_(0, rows, g)
        pool_tok = tok_sum / g_sum.clamp_min(1e-6)[:, None]
        ng = torch.from_numpy(np.concatenate([f.ng_idx for f in feats]))
        val = torch.from_numpy(np.concatenate([f.ng_val for f in feats])) * F.softplus(self.ngram_gate[ng])
        if drop > 0:
            val = val * (torch.rand(len(ng)) >= drop)
        ng_rows = torch.repeat_interleave(torch.arange(B), torch.tensor([len(f.ng_idx) for f in feats]))
        pool_ng = torch.zeros(B, self.ngram.embedding_dim, device=dev).index_add_(0, ng_rows, val[:, None] * self.ngram(ng))
        y = self.proj(torch.cat([pool_tok, pool_ng], 1))
        return F.normalize(y, dim=1)


class Exported:
    """The forward pass of an exported .ptm file in PyTorch (one thread is the caller's choice): the
    reference for the C golden test and the PL/Python peer of make bench.  8-bit tables (tok.i8,
    ngram.i8 with their i8_scale) are widened to fp32 once."""

    def __init__(self, meta, tensors):
        self.meta = meta
        self.tok_w = self._table(tensors, "tok")
        self.gate = torch.from_numpy(np.array(tensors["tok.gate"]))
        self.ng_w = self._table(tensors, "ngram")
        self.proj_w = torch.from_numpy(np.array(tensors["proj.weight"]))
        self.proj_b = torch.from_numpy(np.array(tensors["proj.bias"]))

    @staticmethod
    def _table(t, name):
        if f"{name}.weight" in t:
            return torch.from_numpy(np.array(t[f"{name}.weight"]))
        q = torch.from_numpy(np.array(t[f"{name}.i8"]).astype(np.float32))
        return q * torch.from_numpy(np.array(t[f"{name}.i8_scale"]))[:, None]

    def features(self, tok, text):
        m = self.meta
        return Features(tok, text, m["max_chars"], m["max_tokens"], m["ngram_min"], m["ngram_max"],
                        m["ngram_buckets"])

    def __call__(self, feats):
        """[len(feats), D] unit vectors"""
        with torch.no_grad():
            B = len(feats)
            ids = torch.from_numpy(np.concatenate([f.ids for f in feats]))
            rows = torch.repeat_interleave(torch.arange(B), torch.tensor([len(f.ids) for f in feats]))
            g = self.gate[ids]
            tok_sum = torch.zeros(B, self.tok_w.shape[1]).index_add_(0, rows, g[:, None] * self.tok_w[ids])
            g_sum = torch.zeros(B).index_add_(0, rows, g)
            pool_tok = tok_sum / torch.where(g_sum > 0, g_sum, torch.ones_like(g_sum))[:, None]
            ng = torch.from_numpy(np.concatenate([f.ng_idx for f in feats]))
            val = torch.from_numpy(np.concatenate([f.ng_val for f in feats]))
            ng_rows = torch.repeat_interleave(torch.arange(B), torch.tensor([len(f.ng_idx) for f in feats]))
            pool_ng = torch.zeros(B, self.ng_w.shape[1]).index_add_(0, ng_rows, val[:, None] * self.ng_w[ng])
            y = F.linear(torch.cat([pool_tok, pool_ng], 1), self.proj_w, self.proj_b)
            return F.normalize(y, dim=1)
