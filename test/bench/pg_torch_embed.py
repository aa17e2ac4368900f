"""The PL/Python + PyTorch peer of embed(): the same model as a user would run it in the database without prodtext.

Imported by the plpython3u function torch_embed(text) that
test/bench/bench_embed.py creates, from the peer directory of
test/bench/run.sh (with common/ptm.py, common/ptcore.py, embed/model.py and
libptcore.so).  Weights are read from the same .ptm file; text is
normalized, tokenized and turned into character n-gram features by the same
C code (ctypes, through embed/model.py's Features); the pooling and the
projection run in PyTorch (one thread).
"""
import os
import sys

DIR = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("PTCORE_LIB", os.path.join(DIR, "libptcore.so"))
os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, DIR)
import pg_torch_peer  # noqa: E402,F401  (binds libptcore.so to its own symbols first, one BLAS thread)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from common.ptcore import Tokenizer  # noqa: E402
from common.ptm import read_ptm  # noqa: E402
from embed.model import Features  # noqa: E402

torch.set_num_threads(1)


class Embedder:
    def __init__(self, path):
        meta, t = read_ptm(path)
        self.meta = meta
        self.tok = Tokenizer.from_file(path)
        self.tok_w = torch.from_numpy(np.array(t["tok.weight"]))
        self.gate = torch.from_numpy(np.array(t["tok.gate"]))
        self.ng_w = torch.from_numpy(np.array(t["ngram.weight"]))
        self.proj_w = torch.from_numpy(np.array(t["proj.weight"]))
        self.proj_b = torch.from_numpy(np.array(t["proj.bias"]))

    def features(self, text):
        m = self.meta
        return Features(self.tok, text, m["max_chars"], m["max_tokens"], m["ngram_min"], m["ngram_max"],
                        m["ngram_buckets"])

    def __call__(self, texts):
        """list of unit vectors (lists of floats), one per text"""
        feats = [self.features(t) for t in texts]
        with torch.no_grad():
            ids = torch.from_numpy(np.concatenate([f.ids for f in feats]))
            offsets = torch.tensor(np.cumsum([0] + [len(f.ids) for f in feats[:-1]]))
            g = self.gate[ids]
            tok_sum = F.embedding_bag(ids, self.tok_w, offsets, mode="sum", per_sample_weights=g)
            g_sum = torch.zeros(len(feats)).index_add_(
                0, torch.repeat_interleave(torch.arange(len(feats)), torch.tensor([len(f.ids) for f in feats])), g)
            pool_tok = tok_sum / g_sum.clamp_min(1e-30)[:, None]
            ng = torch.from_numpy(np.concatenate([f.ng_idx for f in feats]))
            val = torch.from_numpy(np.concatenate([f.ng_val for f in feats]))
            ng_off = torch.tensor(np.cumsum([0] + [len(f.ng_idx) for f in feats[:-1]]))
            pool_ng = F.embedding_bag(ng, self.ng_w, ng_off, mode="sum", per_sample_weights=val)
            y = F.linear(torch.cat([pool_tok, pool_ng], 1), self.proj_w, self.proj_b)
            return F.normalize(y, dim=1).tolist()


_model = None


def embed(texts):
    global _model
    if _model is None:
        _model = Embedder(os.path.join(DIR, "embed-multi.ptm"))
    return _model(texts)
