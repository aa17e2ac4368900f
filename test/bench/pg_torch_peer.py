"""The PL/Python + PyTorch peer: the sentiment model as a user would run it in the database without prodtext.

Imported by the plpython3u functions torch_sentiment(text) and
torch_sentiment(text[]) that test/bench/bench.py creates.  It sits in a
directory the server's OS user can read, next to common/ptm.py,
common/ptcore.py (models/train/common) and libptcore.so (copied there by the
benchmark).

The model is exactly prodtext's (models/train/sentiment/train.py): weights
read from the same .ptm file with read_ptm, text normalized, tokenized and
turned into character n-gram features by the same C code (ctypes), the CNN
run by PyTorch (one thread), the linear half as numpy gathers, the halves'
logits averaged with linear_weight; the language is detected by the same C
function and picks the en or zh model.  Each backend loads torch and a
model the first time it needs it, and keeps them.
"""
import ctypes
import os
import sys

DIR = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("PTCORE_LIB", os.path.join(DIR, "libptcore.so"))
# One BLAS thread, as prodtext runs by default (prodtext.threads = 1): libptcore.so and torch share
# Debian's libopenblas, whose idle pool threads would otherwise spin on the backend's CPU time.
# (prodtext.so, which links its own private OpenBLAS, used to share this library and set it to 1.)
os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, DIR)
# The backend may have prodtext.so loaded, which exports the same pt_* symbols
# (dlopen'd RTLD_GLOBAL by PostgreSQL, with a palloc allocator): bind the
# library to its own symbols first, so ptcore's CDLL() reuses this handle.
ctypes.CDLL(os.environ["PTCORE_LIB"], mode=os.RTLD_NOW | os.RTLD_DEEPBIND)
ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(1)  # in case it was loaded before

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from common.ptcore import Tokenizer, _lib, char_ngram_features, normalize  # noqa: E402
from common.ptm import read_ptm  # noqa: E402

torch.set_num_threads(1)
MAX_TOKENS = 256
BATCH = 256
_lib.pt_detect_lang.restype = ctypes.c_int
_lib.pt_detect_lang.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
PT_LANG_ZH = 2
ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


class TextCNN(nn.Module):
    """models/train/sentiment/train.py's TextCNN, inference only."""

    def __init__(self, vocab, embed, widths, filters, classes=3):
        super().__init__()
        self.widths = widths
        self.embed = nn.Embedding(vocab, embed, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(embed, filters, k) for k in widths)
        self.out = nn.Linear(filters * len(widths), classes)

    def forward(self, ids, lengths):
        x = self.embed(ids).transpose(1, 2)
        feats = []
        for k, conv in zip(self.widths, self.convs):
            y = F.relu(conv(x))
            pos = torch.arange(y.shape[2])
            y = y.masked_fill((pos[None, :] > (lengths[:, None] - k))[:, None, :], 0.0)
            feats.append(y.max(dim=2).values)
        return self.out(torch.cat(feats, 1))


class Model:
    def __init__(self, path):
        meta, t = read_ptm(path)
        widths = tuple(meta[f"width.{i}"] for i in range(meta["n_widths"]))
        self.cnn = TextCNN(t["embed.weight"].shape[0], meta["embed_dim"], widths, meta["filters"])
        sd = {"embed.weight": t["embed.weight"], "out.weight": t["out.weight"], "out.bias": t["out.bias"]}
        for i in range(len(widths)):
            sd[f"convs.{i}.weight"] = t[f"conv.{i}.weight"]
            sd[f"convs.{i}.bias"] = t[f"conv.{i}.bias"]
        self.cnn.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
        self.cnn.eval()
        self.lin_W, self.lin_b = t["linear.weight"], t["linear.bias"]
        self.meta = meta
        self.tok = Tokenizer.from_file(path)

    def polarity(self, prep):
        """Polarity of normalized, lower-cased texts; no tokens → 0."""
        m = self.meta
        ids = [self.tok.encode(p)[:MAX_TOKENS] for p in prep]
        live = [i for i, s in enumerate(ids) if s]
        out = [0.0] * len(prep)
        if not live:
            return out
        # length-sorted sub-batches of 32 rows: little padding, as a careful user would batch
        minw = max(self.cnn.widths)
        order = sorted(range(len(live)), key=lambda r: len(ids[live[r]]))
        cnn = np.empty((len(live), 3), dtype=np.float64)
        for s in range(0, len(order), 32):
            part = order[s:s + 32]
            lengths = [max(len(ids[live[r]]), minw) for r in part]
            x = torch.zeros(len(part), max(lengths), dtype=torch.long)
            for j, r in enumerate(part):
                x[j, :len(ids[live[r]])] = torch.tensor(ids[live[r]], dtype=torch.long)
            with torch.no_grad():
                cnn[part] = self.cnn(x, torch.tensor(lengths)).numpy()
        lin = np.empty_like(cnn)
        for r, i in enumerate(live):
            idx, val = char_ngram_features(prep[i], m["linear_ngram_min"], m["linear_ngram_max"],
                                           m["linear_buckets"])
            lin[r] = val @ self.lin_W[idx] + self.lin_b
        w = m["linear_weight"]
        z = (1 - w) * cnn + w * lin
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        for r, i in enumerate(live):
            out[i] = float(p[r, 2] - p[r, 0])
        return out


_models = {}


def model(lang):
    if lang not in _models:
        _models[lang] = Model(os.path.join(DIR, f"sentiment-{lang}.ptm"))
    return _models[lang]


def score(texts):
    """Polarity of each text (None stays None), one batched pass per language and 256 rows."""
    out = [None] * len(texts)
    groups = {"en": [], "zh": []}
    for i, t in enumerate(texts):
        if t is None:
            continue
        n = normalize(t, 20000)
        b = n.encode("utf-8")
        lang = "zh" if _lib.pt_detect_lang(b, len(b)) == PT_LANG_ZH else "en"
        groups[lang].append((i, n.translate(ASCII_LOWER)))
    for lang, rows in groups.items():
        for s in range(0, len(rows), BATCH):
            part = rows[s:s + BATCH]
            for (i, _), v in zip(part, model(lang).polarity([p for _, p in part])):
                out[i] = v
    return out
