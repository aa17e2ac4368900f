"""ptcore.py — ctypes bindings to the prodtext inference core (build/libptcore.so).

Training calls the same C normalizer, pre-tokenizer and tokenizer that serve
queries, so training and serving can never disagree.  Build the library with
`make core-lib` in the repository root; PTCORE_LIB overrides its path.

    from ptcore import normalize, pretokenize, Tokenizer
    tok = Tokenizer.from_file("models/tokenizer.ptm")
    ids = tok.encode(normalize("<p>Great&nbsp;value!</p>"))
    assert tok.decode(ids) == "Great value!"
"""
import ctypes
import os
from ctypes import POINTER, byref, c_char, c_char_p, c_int, c_int32, c_size_t, c_uint8, c_uint32, c_void_p

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB_PATH = os.environ.get("PTCORE_LIB", os.path.join(_ROOT, "build", "libptcore.so"))

PAD, BOS, EOS, SEP = 0, 1, 2, 3
BYTE0 = 4
FIRST_MERGE = 260


class PtErr(ctypes.Structure):
    """pt_err from pt_common.h"""
    _fields_ = [("code", c_int), ("sys_errno", c_int), ("msg", c_char * 512)]


class PtError(ValueError):
    """A failed core call: `code` is the pt_status, the message is the core's."""

    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


def _load():
    if not os.path.exists(LIB_PATH):
        raise OSError(f"{LIB_PATH} not found: run `make core-lib` in {_ROOT}")
    lib = ctypes.CDLL(LIB_PATH)
    err_p = POINTER(PtErr)
    sigs = {
        "pt_free": (None, [c_void_p]),
        "pt_text_normalize": (c_int, [c_char_p, c_size_t, c_size_t, POINTER(c_void_p),
                                      POINTER(c_size_t), err_p]),
        "pt_model_open": (c_int, [c_char_p, POINTER(c_void_p), err_p]),
        "pt_model_close": (None, [c_void_p]),
        "pt_tokenizer_create": (c_int, [c_void_p, c_size_t, c_void_p, c_int32, c_void_p,
                                        c_int32, POINTER(c_void_p), err_p]),
        "pt_tokenizer_from_model": (c_int, [c_void_p, POINTER(c_void_p), err_p]),
        "pt_tokenizer_free": (None, [c_void_p]),
        "pt_tokenizer_vocab_size": (c_int32, [c_void_p]),
        "pt_tokenizer_piece": (POINTER(c_uint8), [c_void_p, c_int32, POINTER(c_size_t)]),
        "pt_tokenize": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(c_int32), c_size_t,
                                POINTER(c_size_t), err_p]),
        "pt_detokenize": (c_int, [c_void_p, POINTER(c_int32), c_size_t, c_char_p, c_size_t,
                                  POINTER(c_size_t), err_p]),
        "pt_pretokenize": (c_size_t, [c_char_p, c_size_t, POINTER(c_uint32), c_size_t]),
        "pt_char_ngram_max_features": (c_size_t, [c_size_t, c_int, c_int]),
        "pt_char_ngram_features": (c_int, [c_char_p, c_size_t, c_int, c_int, c_int, c_void_p,
                                           c_void_p, c_size_t, POINTER(c_size_t), err_p]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


_lib = _load()


def _check(status, err):
    if status != 0:
        raise PtError(status, err.msg.decode("utf-8", "replace"))


def normalize(text, max_chars=0):
    """pt_text_normalize: the text every model sees (HTML, entities, white space...)."""
    b = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    out, out_len, err = c_void_p(), c_size_t(), PtErr()
    _check(_lib.pt_text_normalize(b, len(b), max_chars, byref(out), byref(out_len), byref(err)), err)
    try:
        return ctypes.string_at(out, out_len.value).decode("utf-8")
    finally:
        _lib.pt_free(out)


def char_ngram_features(text, nmin, nmax, buckets):
    """pt_char_ngram_features: (bucket ids int32, values float32), as the sentiment model sees them."""
    import numpy as np
    b = text.encode("utf-8")
    cap = _lib.pt_char_ngram_max_features(len(b), nmin, nmax)
    idx = np.zeros(max(cap, 1), dtype=np.int32)
    val = np.zeros(max(cap, 1), dtype=np.float32)
    n, err = c_size_t(), PtErr()
    _check(_lib.pt_char_ngram_features(b, len(b), nmin, nmax, buckets, idx.ctypes.data, val.ctypes.data,
                                       cap, byref(n), byref(err)), err)
    return idx[:n.value], val[:n.value]


def pretokenize_bytes(b):
    """Pieces of UTF-8 bytes `b` (a list of bytes objects), as pt_pretokenize cuts them."""
    ends = (c_uint32 * max(len(b), 1))()      # never more pieces than bytes
    n = _lib.pt_pretokenize(b, len(b), ends, len(b))
    out, start = [], 0
    for end in ends[:n]:
        out.append(b[start:end])
        start = end
    return out


def pretokenize(text):
    """Pieces of `text` (a list of str) as the tokenizer sees them."""
    return [p.decode("utf-8") for p in pretokenize_bytes(text.encode("utf-8"))]


class Tokenizer:
    """A pt_tokenizer; build with from_file() or from_arrays(), release with close()."""

    def __init__(self, handle, owner):
        self._t = handle
        self._owner = owner          # what the C side points into: a model or arrays
        self._buf = (c_int32 * 0)()
        self.vocab_size = _lib.pt_tokenizer_vocab_size(handle)

    @classmethod
    def from_file(cls, path):
        """Open a .ptm file (pt_model_open) and build its tokenizer."""
        model, tok, err = c_void_p(), c_void_p(), PtErr()
        _check(_lib.pt_model_open(os.fsencode(path), byref(model), byref(err)), err)
        status = _lib.pt_tokenizer_from_model(model, byref(tok), byref(err))
        if status != 0:
            _lib.pt_model_close(model)
            _check(status, err)
        return cls(tok, _ModelHandle(model))

    @classmethod
    def from_arrays(cls, vocab, offsets, merges):
        """Build from bytes `vocab`, int32 `offsets` [n_vocab + 1] and `merges` [n, 2] (numpy)."""
        import numpy as np
        vocab = np.ascontiguousarray(np.frombuffer(bytes(vocab), dtype=np.uint8))
        offsets = np.ascontiguousarray(offsets, dtype=np.int32)
        merges = np.ascontiguousarray(merges, dtype=np.int32).reshape(-1, 2)
        tok, err = c_void_p(), PtErr()
        _check(_lib.pt_tokenizer_create(vocab.ctypes.data, vocab.size, offsets.ctypes.data,
                                        offsets.size - 1, merges.ctypes.data, merges.shape[0],
                                        byref(tok), byref(err)), err)
        return cls(tok, (vocab, offsets, merges))

    def close(self):
        if self._t:
            _lib.pt_tokenizer_free(self._t)
            self._t = None
        if isinstance(self._owner, _ModelHandle):
            self._owner.close()
        self._owner = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if not self._t:
            raise ValueError("tokenizer is closed")
        return self._t

    def encode(self, text):
        """Ids of `text` (str or UTF-8 bytes), no <bos>/<eos>."""
        b = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
        if len(self._buf) < len(b):
            self._buf = (c_int32 * max(len(b), 2 * len(self._buf)))()
        n, err = c_size_t(), PtErr()
        _check(_lib.pt_tokenize(self._handle(), b, len(b), self._buf, len(b), byref(n),
                                byref(err)), err)
        return self._buf[:n.value]

    def encode_batch(self, texts):
        return [self.encode(t) for t in texts]

    def decode(self, ids):
        """Text of `ids`; specials vanish and invalid byte orders are repaired (see tokenizer.h)."""
        arr = (c_int32 * len(ids))(*ids)
        need, err = c_size_t(), PtErr()
        _check(_lib.pt_detokenize(self._handle(), arr, len(ids), None, 0, byref(need), byref(err)), err)
        out = ctypes.create_string_buffer(need.value + 1)
        _check(_lib.pt_detokenize(self._handle(), arr, len(ids), out, need.value + 1,
                                  byref(need), byref(err)), err)
        return out.raw[:need.value].decode("utf-8")

    def piece(self, token_id):
        """Byte string of one token."""
        n = c_size_t()
        p = _lib.pt_tokenizer_piece(self._handle(), token_id, byref(n))
        if not p:
            raise IndexError(f"token id {token_id} outside the vocabulary of {self.vocab_size}")
        return ctypes.string_at(p, n.value)


class _ModelHandle:
    """An open pt_model that a tokenizer points into; closed after the tokenizer."""

    def __init__(self, handle):
        self._m = handle

    def close(self):
        if self._m:
            _lib.pt_model_close(self._m)
            self._m = None

    def __del__(self):
        self.close()
