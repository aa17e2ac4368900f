"""common/ptcore.py — ctypes bindings to the prodtext inference core (build/libptcore.so).

Training calls the same C normalizer, pre-tokenizer and tokenizer that serve
queries, so training and serving can never disagree.  Build the library with
`make core-lib` in the repository root; PTCORE_LIB overrides its path.

    from common.ptcore import normalize, pretokenize, Tokenizer
    tok = Tokenizer.from_file("../../models/tokenizer.ptm")     # from models/train
    ids = tok.encode(normalize("<p>Great&nbsp;value!</p>"))
    assert tok.decode(ids) == "Great value!"
"""
import ctypes
import os
from ctypes import POINTER, byref, c_char, c_char_p, c_int, c_int32, c_size_t, c_uint8, c_uint32, c_void_p

import numpy as np

from common import ROOT

LIB_PATH = os.environ.get("PTCORE_LIB", os.path.join(ROOT, "build", "libptcore.so"))

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
        raise OSError(f"{LIB_PATH} not found: run `make core-lib` in {ROOT}")
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


def _core_text(fn, b, *args):
    """The text a core function writes into a pt_alloc'd buffer: fn(b, len(b), *args, &out, &len, &err)."""
    out, out_len, err = c_void_p(), c_size_t(), PtErr()
    _check(fn(b, len(b), *args, byref(out), byref(out_len), byref(err)), err)
    try:
        return ctypes.string_at(out, out_len.value).decode("utf-8")
    finally:
        _lib.pt_free(out)


def normalize(text, max_chars=0):
    """pt_text_normalize: the text every model sees (HTML, entities, white space...)."""
    b = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    return _core_text(_lib.pt_text_normalize, b, max_chars)


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


class _Closing:
    """A core object released by close(): on garbage collection and at the end of a with block."""

    def close(self):
        raise NotImplementedError

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Tokenizer(_Closing):
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


class _ModelHandle(_Closing):
    """An open pt_model that a tokenizer points into; closed after the tokenizer."""

    def __init__(self, handle):
        self._m = handle

    def close(self):
        if self._m:
            _lib.pt_model_close(self._m)
            self._m = None


# ---------------------------------------------------------------- summarize and facts
# Bound lazily: these symbols exist once src/core/summarize.c and facts.c are built
# (`make core-lib`); everything above works without them.

class PtSummarizeOpts(ctypes.Structure):
    """pt_summarize_opts from summarize.h"""
    _fields_ = [("max_chars", c_size_t), ("beam_width", c_int), ("max_input_chars", c_size_t),
                ("extractive_fill", c_int), ("boiler", c_void_p)]


_LAZY_SIGS = {
    "pt_embed_load": (c_int, [c_void_p, POINTER(c_void_p), POINTER(PtErr)]),
    "pt_embed_free": (None, [c_void_p]),
    "pt_embed_dim": (c_int, [c_void_p]),
    "pt_embed_texts": (c_int, [c_void_p, c_void_p, c_void_p, c_size_t, c_size_t, c_void_p, POINTER(PtErr)]),
    "pt_summarizer_load": (c_int, [c_void_p, POINTER(c_void_p), POINTER(PtErr)]),
    "pt_summarizer_free": (None, [c_void_p]),
    "pt_summarize": (c_int, [c_void_p, POINTER(c_char_p), POINTER(c_size_t), c_size_t,
                             POINTER(PtSummarizeOpts), POINTER(c_void_p), POINTER(c_size_t),
                             POINTER(PtErr)]),
    "pt_summarizer_greedy": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(c_int32), POINTER(c_int),
                                     POINTER(c_int32), POINTER(c_int), c_void_p, c_int,
                                     POINTER(PtErr)]),
    "pt_summarizer_max_src": (c_int, [c_void_p]),
    "pt_summarizer_max_tgt": (c_int, [c_void_p]),
    "pt_summarizer_vocab": (c_int, [c_void_p]),
    "pt_sentiment_load": (c_int, [c_void_p, POINTER(c_void_p), POINTER(PtErr)]),
    "pt_sentiment_free": (None, [c_void_p]),
    "pt_sentiment_score": (c_int, [c_void_p, POINTER(c_char_p), POINTER(c_size_t), c_size_t, c_size_t,
                                   c_void_p, POINTER(PtErr)]),
    "pt_sentiment_set_int8": (c_int, [c_void_p, c_int]),
    "pt_summarizer_set_int8": (c_int, [c_void_p, c_int]),
    "pt_summarizer_set_shortlist": (c_int, [c_void_p, c_int]),
    "pt_summarizer_set_min_margin": (None, [c_void_p, ctypes.c_float]),
    "pt_rewriter_set_int8": (c_int, [c_void_p, c_int]),
    "pt_text_tidy": (c_int, [c_char_p, c_size_t, POINTER(c_void_p), POINTER(c_size_t), POINTER(PtErr)]),
    "pt_facts_build": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(c_void_p), POINTER(PtErr)]),
    "pt_facts_free": (None, [c_void_p]),
    "pt_facts_unsupported": (c_size_t, [c_void_p, c_char_p, c_size_t]),
    "pt_facts_is_fact_word": (c_int, [c_void_p, c_char_p, c_size_t]),
}


def _fn(name):
    """The core function `name` with its signature; a clear error when the library lacks it."""
    try:
        fn = getattr(_lib, name)
    except AttributeError:
        raise OSError(f"{LIB_PATH} has no {name}: rebuild it with `make core-lib`") from None
    restype, argtypes = _LAZY_SIGS[name]
    fn.restype = restype
    fn.argtypes = argtypes
    return fn


def has_symbol(name):
    return hasattr(_lib, name)


class _TaskModel(_Closing):
    """A core task object (pt_<task>_load / pt_<task>_free) over an opened model file."""
    _load = _free = _set_int8 = None   # names of the core functions, set by subclasses

    def __init__(self, path):
        self._path = path
        self._model, self._obj, err = c_void_p(), c_void_p(), PtErr()
        _check(_lib.pt_model_open(os.fsencode(path), byref(self._model), byref(err)), err)
        status = _fn(self._load)(self._model, byref(self._obj), byref(err))
        if status != 0:
            _lib.pt_model_close(self._model)
            self._model = None
            _check(status, err)

    def close(self):
        if getattr(self, "_obj", None):
            _fn(self._free)(self._obj)
            self._obj = None
        if getattr(self, "_model", None):
            _lib.pt_model_close(self._model)
            self._model = None

    def set_int8(self, on):
        """Use the file's 8-bit weights (True, where the CPU runs VNNI) or its fp32 ones; True when 8-bit is in use."""
        return bool(_fn(self._set_int8)(self._obj, int(on)))


def tidy(text):
    """pt_text_tidy of normalize(text): the rules rewrite() applies before its model (tidy.h)."""
    return _core_text(_fn("pt_text_tidy"), normalize(text).encode("utf-8"))


class Sentiment(_TaskModel):
    """A pt_sentiment over a model file (models/sentiment-<lang>.ptm)."""
    _load, _free, _set_int8 = "pt_sentiment_load", "pt_sentiment_free", "pt_sentiment_set_int8"

    def probs(self, texts, batch=256):
        """[N, 3] probabilities (negative, neutral, positive) of raw texts, as sentiment() sees them."""
        out = np.zeros((len(texts), 3), dtype=np.float32)
        for s in range(0, len(texts), batch):
            enc = [t.encode("utf-8") for t in texts[s:s + batch]]
            arr = (c_char_p * len(enc))(*enc)
            lens = (c_size_t * len(enc))(*[len(b) for b in enc])
            part = np.zeros((len(enc), 3), dtype=np.float32)
            err = PtErr()
            _check(_fn("pt_sentiment_score")(self._obj, arr, lens, len(enc), 0,
                                             part.ctypes.data_as(c_void_p), byref(err)), err)
            out[s:s + len(enc)] = part
        return out


class Embedder(_TaskModel):
    """A pt_embed over a model file (models/embed-multi.ptm): embed()'s vectors."""
    _load, _free = "pt_embed_load", "pt_embed_free"

    def embed(self, texts, max_chars=0, batch=256):
        """[N, D] unit vectors of raw texts, as embed() computes them."""
        out = np.zeros((len(texts), _fn("pt_embed_dim")(self._obj)), dtype=np.float32)
        for s in range(0, len(texts), batch):
            n, arr, lens, _, _ = _text_batch(texts[s:s + batch])
            part = np.zeros((n, out.shape[1]), dtype=np.float32)
            err = PtErr()
            _check(_fn("pt_embed_texts")(self._obj, arr, lens, n, max_chars, part.ctypes.data_as(c_void_p),
                                         byref(err)), err)
            out[s:s + n] = part
        return out


class Summarizer(_TaskModel):
    """A pt_summarizer over a model file (e.g. models/summarize-multi.ptm)."""
    _load, _free, _set_int8 = "pt_summarizer_load", "pt_summarizer_free", "pt_summarizer_set_int8"

    def summarize(self, texts, max_chars=200, beam_width=4, max_input_chars=0, extractive_fill=1, boiler=None):
        return summarize(texts, self, max_chars, beam_width, max_input_chars, extractive_fill, boiler)

    def set_min_margin(self, margin):
        """Abstracts whose beam score does not beat the lead's forced score by this margin give
        way to extraction (-inf keeps all; the file's abstract_min_margin is the default)."""
        _fn("pt_summarizer_set_min_margin")(self._obj, margin)

    def set_shortlist(self, on):
        """Score only the file's output shortlist and the sources' ids (True) or every id; True when in use."""
        return bool(_fn("pt_summarizer_set_shortlist")(self._obj, int(on)))

    def greedy(self, text, steps=0):
        """(source ids, greedy ids, logp rows [steps][vocab]) as the C model computes them."""
        import numpy as np
        f = _fn
        b = text.encode("utf-8")
        S, T, V = f("pt_summarizer_max_src")(self._obj), f("pt_summarizer_max_tgt")(self._obj), \
            f("pt_summarizer_vocab")(self._obj)
        src, out = (c_int32 * S)(), (c_int32 * T)()
        n_src, n_out, err = c_int(), c_int(), PtErr()
        logp = np.zeros((max(steps, 1), V), dtype=np.float32)
        _check(f("pt_summarizer_greedy")(self._obj, b, len(b), src, byref(n_src), out, byref(n_out),
                                         logp.ctypes.data if steps else None, steps, byref(err)), err)
        return list(src[:n_src.value]), list(out[:n_out.value]), logp[:steps]


def summarize(texts, summarizer=None, max_chars=200, beam_width=4, max_input_chars=0, extractive_fill=1,
              boiler=None):
    """pt_summarize over a list of str (None -> None); summarizer None = extractive path only;
    boiler: a Boiler that drops seller boilerplate first."""
    n, arr, lens, outs, out_lens = _text_batch(texts)
    err = PtErr()
    opts = PtSummarizeOpts(max_chars, beam_width, max_input_chars, extractive_fill,
                           boiler._obj if boiler is not None else None)
    handle = summarizer._obj if summarizer is not None else None
    _check(_fn("pt_summarize")(handle, arr, lens, n, byref(opts), outs, out_lens, byref(err)), err)
    return _take_texts(outs, out_lens, n)


def _text_batch(texts):
    """(n, texts, lengths, outputs, output lengths) ctypes arrays for a core call over str or None."""
    n = len(texts)
    enc = [None if t is None else t.encode("utf-8") for t in texts]
    arr = (c_char_p * max(n, 1))(*enc)
    lens = (c_size_t * max(n, 1))(*[0 if b is None else len(b) for b in enc])
    return n, arr, lens, (c_void_p * max(n, 1))(), (c_size_t * max(n, 1))()


def _take_texts(outs, out_lens, n):
    """The core's pt_alloc'd outputs as str (NULL -> None), freed."""
    res = []
    for i in range(n):
        if not outs[i]:
            res.append(None)
            continue
        res.append(ctypes.string_at(outs[i], out_lens[i]).decode("utf-8"))
        _lib.pt_free(outs[i])
    return res


def facts_unsupported(tok, source, output):
    """pt_facts_unsupported: fact words / number-unit pairs of `output` that `source` lacks.
    `source` should be normalized text (what the summarizer saw)."""
    sb, ob = source.encode("utf-8"), output.encode("utf-8")
    f, err = c_void_p(), PtErr()
    _check(_fn("pt_facts_build")(tok._handle(), sb, len(sb), byref(f), byref(err)), err)
    try:
        return _fn("pt_facts_unsupported")(f, ob, len(ob))
    finally:
        _fn("pt_facts_free")(f)


def is_fact_word(tok, word):
    b = word.encode("utf-8")
    return bool(_fn("pt_facts_is_fact_word")(tok._handle(), b, len(b)))


# ---------------------------------------------------------------- rewrite (src/core/rewrite.h)
# Bound lazily like summarize: the symbols exist once src/core/rewrite.c is built.

class PtRewriteOpts(ctypes.Structure):
    """pt_rewrite_opts from rewrite.h (max_chars 0 = no limit beyond the input's length)"""
    _fields_ = [("max_chars", c_size_t), ("beam_width", c_int), ("max_input_chars", c_size_t),
                ("boiler", c_void_p)]


_LAZY_SIGS.update({
    "pt_rewriter_load": (c_int, [c_void_p, POINTER(c_void_p), POINTER(PtErr)]),
    "pt_rewriter_free": (None, [c_void_p]),
    "pt_rewrite": (c_int, [c_void_p, POINTER(c_char_p), POINTER(c_size_t), c_size_t,
                           POINTER(PtRewriteOpts), POINTER(c_void_p), POINTER(c_size_t), POINTER(PtErr)]),
    "pt_rewriter_greedy": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(c_int32), POINTER(c_int),
                                   POINTER(c_int32), POINTER(c_int), c_void_p, c_int, POINTER(PtErr)]),
    "pt_rewriter_max_src": (c_int, [c_void_p]),
    "pt_rewriter_max_tgt": (c_int, [c_void_p]),
    "pt_rewriter_vocab": (c_int, [c_void_p]),
    "pt_facts_allowed": (c_int, [c_void_p, c_char_p, c_size_t, c_int]),
})


class Rewriter(_TaskModel):
    """A pt_rewriter over a model file (e.g. models/rewrite-multi.ptm)."""
    _load, _free, _set_int8 = "pt_rewriter_load", "pt_rewriter_free", "pt_rewriter_set_int8"

    def rewrite(self, texts, max_chars=0, beam_width=4, max_input_chars=0, boiler=None):
        """pt_rewrite over a list of str (None -> None); boiler: a Boiler that drops boilerplate first."""
        n, arr, lens, outs, out_lens = _text_batch(texts)
        err = PtErr()
        opts = PtRewriteOpts(max_chars, beam_width, max_input_chars, boiler._obj if boiler else None)
        _check(_fn("pt_rewrite")(self._obj, arr, lens, n, byref(opts), outs, out_lens, byref(err)), err)
        return _take_texts(outs, out_lens, n)

    def _dims(self):
        if all(has_symbol(f"pt_rewriter_{k}") for k in ("max_src", "max_tgt", "vocab")):
            return (_fn("pt_rewriter_max_src")(self._obj), _fn("pt_rewriter_max_tgt")(self._obj),
                    _fn("pt_rewriter_vocab")(self._obj))
        from common.ptm import read_ptm
        meta, _ = read_ptm(self._path)
        return meta["max_src_tokens"], meta["max_tgt_tokens"], meta["vocab"]

    def greedy(self, text, steps=0):
        """(source ids, unconstrained greedy ids, logp rows [steps][vocab]) as the C model computes them."""
        import numpy as np
        b = text.encode("utf-8")
        S, T, V = self._dims()
        src, out = (c_int32 * S)(), (c_int32 * T)()
        n_src, n_out, err = c_int(), c_int(), PtErr()
        logp = np.zeros((max(steps, 1), V), dtype=np.float32)
        _check(_fn("pt_rewriter_greedy")(self._obj, b, len(b), src, byref(n_src), out, byref(n_out),
                                         logp.ctypes.data if steps else None, steps, byref(err)), err)
        return list(src[:n_src.value]), list(out[:n_out.value]), logp[:steps]


class Facts(_Closing):
    """pt_facts of one input text: allowed(output, final) is the decoder's faithfulness test."""

    def __init__(self, tok, source):
        b = source.encode("utf-8")
        self._f, err = c_void_p(), PtErr()
        self._tok = tok
        _check(_fn("pt_facts_build")(tok._handle(), b, len(b), byref(self._f), byref(err)), err)

    def allowed(self, text, final=False):
        b = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        return bool(_fn("pt_facts_allowed")(self._f, b, len(b), 1 if final else 0))

    def unsupported(self, text):
        b = text.encode("utf-8")
        return _fn("pt_facts_unsupported")(self._f, b, len(b))

    def close(self):
        if getattr(self, "_f", None):
            _fn("pt_facts_free")(self._f)
            self._f = None


# ---------------------------------------------------------------- boilerplate (src/core/boiler.h)

_LAZY_SIGS.update({
    "pt_boiler_load": (c_int, [c_void_p, POINTER(c_void_p), POINTER(PtErr)]),
    "pt_boiler_free": (None, [c_void_p]),
    "pt_boiler_threshold": (ctypes.c_float, [c_void_p]),
    "pt_boiler_prob": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(ctypes.c_float), POINTER(PtErr)]),
    "pt_boiler_units": (c_int, [c_char_p, c_size_t, POINTER(c_void_p), POINTER(c_size_t), POINTER(PtErr)]),
    "pt_boiler_strip": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(c_void_p), POINTER(c_size_t),
                                POINTER(c_size_t), POINTER(PtErr)]),
})


def boiler_units(text):
    """pt_boiler_units of normalized text: its units (sentences, cut finer in Chinese copy)."""
    b = text.encode("utf-8")
    spans, n, err = c_void_p(), c_size_t(), PtErr()
    _check(_fn("pt_boiler_units")(b, len(b), byref(spans), byref(n), byref(err)), err)
    try:
        flat = ctypes.cast(spans, POINTER(c_size_t))
        return [b[flat[2 * i]:flat[2 * i + 1]].decode("utf-8") for i in range(n.value)]
    finally:
        _lib.pt_free(spans)


class Boiler(_TaskModel):
    """A pt_boiler over a model file (models/boilerplate-multi.ptm)."""
    _load, _free = "pt_boiler_load", "pt_boiler_free"

    @property
    def threshold(self):
        """the file's threshold: a unit scoring at least this is boilerplate"""
        return _fn("pt_boiler_threshold")(self._obj)

    def prob(self, unit):
        b = unit.encode("utf-8")
        p, err = ctypes.c_float(), PtErr()
        _check(_fn("pt_boiler_prob")(self._obj, b, len(b), byref(p), byref(err)), err)
        return p.value

    def strip(self, text):
        """pt_boiler_strip: (normalized text without its boilerplate units, units dropped)."""
        b = text.encode("utf-8")
        out, out_len, dropped, err = c_void_p(), c_size_t(), c_size_t(), PtErr()
        _check(_fn("pt_boiler_strip")(self._obj, b, len(b), byref(out), byref(out_len), byref(dropped),
                                      byref(err)), err)
        try:
            return ctypes.string_at(out, out_len.value).decode("utf-8"), dropped.value
        finally:
            _lib.pt_free(out)
