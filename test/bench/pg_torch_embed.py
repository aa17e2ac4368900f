"""The PL/Python + PyTorch peer of embed(): the same model as a user would run it in the database without prodtext.

Imported by the plpython3u function torch_embed(text) that
test/bench/bench_embed.py creates, from the peer directory of
test/bench/run.sh (with common/ptm.py, common/ptcore.py, embed/model.py and
libptcore.so).  Weights are read from the same .ptm file; text is
normalized, tokenized and turned into character n-gram features by the same
C code (ctypes), and the pooling and projection run in PyTorch (one
thread): embed/model.py's Features and Exported, the golden test's reference.
"""
import os
import sys

DIR = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("PTCORE_LIB", os.path.join(DIR, "libptcore.so"))
os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, DIR)
import pg_torch_peer  # noqa: E402,F401  (binds libptcore.so to its own symbols first, one BLAS thread)

import torch  # noqa: E402

from common.ptcore import Tokenizer  # noqa: E402
from common.ptm import read_ptm  # noqa: E402
from embed.model import Exported  # noqa: E402

torch.set_num_threads(1)
_model = None


def embed(texts):
    """unit vectors (lists of floats) of raw texts"""
    global _model
    if _model is None:
        path = os.path.join(DIR, "embed-multi.ptm")
        _model = (Exported(*read_ptm(path)), Tokenizer.from_file(path))
    ref, tok = _model
    return ref([ref.features(tok, t) for t in texts]).tolist()
