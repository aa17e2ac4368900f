"""The PL/Python + PyTorch peer of summarize() and rewrite(): the same models as a user would run them in
the database without prodtext.

Imported by the plpython3u functions torch_summarize(text[, text[]]) and torch_rewrite(...) that
test/bench/bench.py creates, from the directory pg_torch_peer.py sits in (with summarize/model.py,
rewrite/model.py, common/beam_torch.py, common/ptm.py, common/ptcore.py of models/train, libptcore.so
and the model files).

The weights come from the same .ptm files, loaded into the training code's own modules
(models/train/summarize/model.py, rewrite/model.py); the text is normalized (rewrite: also tidied)
and tokenized by the same C code, and decoded with a batch of rows at a time, with the beam width the
setting of the prodtext function sets (prodtext.beam_width, prodtext.rewrite_beam_width): beam_batch
(models/train/common/beam_torch.py) or, for 1, greedy_batch.  The peer does less than prodtext does: one model pass per row
(prodtext rewrites sentence chunks and guards every one, and extends summaries extractively) and no
fact constraints, so its rate is an upper bound for a Python implementation of the same functions.
"""
import os

from pg_torch_peer import DIR  # importing it binds libptcore.so before ptcore loads the library
import torch  # noqa: E402

from common.ptcore import Tokenizer, normalize, tidy  # noqa: E402
from common.ptm import read_ptm  # noqa: E402
from rewrite.model import Rewriter  # noqa: E402
from summarize.model import Summarizer  # noqa: E402

EOS = 2
BATCH = 64
REWRITE_EXTRA_TOKENS = 8  # as src/core/rewrite.c: output tokens allowed beyond the source's


def _summarizer(meta):
    return Summarizer(meta["vocab"], meta["embed_dim"], meta["enc_hidden"], meta["dec_hidden"])


def _rewriter(meta):
    return Rewriter(meta["vocab"], meta["d_model"], meta["heads"], meta["ffn"], meta["enc_layers"],
                    meta["dec_layers"], meta["max_src_tokens"], meta["max_tgt_tokens"])


class Decoder:
    """A decoder model read from its .ptm, with the tokenizer it carries."""

    def __init__(self, task, build, source):
        path = os.path.join(DIR, f"{task}-multi.ptm")
        meta, tensors = read_ptm(path)
        self.model = build(meta)
        self.model.import_tensors(tensors)
        self.model.eval()
        self.tok = Tokenizer.from_file(path)
        self.S, self.T = meta["max_src_tokens"], meta["max_tgt_tokens"]
        self.source = source

    def run(self, texts, beam=1):
        """Outputs of texts (None stays None), BATCH rows per pass."""
        out = [None] * len(texts)
        live = [i for i, t in enumerate(texts) if t is not None]
        for s in range(0, len(live), BATCH):
            part = live[s:s + BATCH]
            srcs = [self.tok.encode(self.source(texts[i]))[:self.S - 1] + [EOS] for i in part]
            for i, ids in zip(part, self._decode(srcs, beam)):
                out[i] = self.tok.decode(ids)
        return out

    def _decode(self, srcs, beam):
        limit = self.T
        if isinstance(self.model, Rewriter):
            limit = min(max(len(s) for s in srcs) + REWRITE_EXTRA_TOKENS, self.T)
        if beam > 1:
            return self.model.beam_batch(srcs, limit, beam)
        return self.model.greedy_batch(srcs, limit)


_decoders = {}
SOURCES = {"summarize": (_summarizer, normalize), "rewrite": (_rewriter, tidy)}


def run(task, texts, beam=1):
    if task not in _decoders:
        torch.set_num_threads(1)
        _decoders[task] = Decoder(task, *SOURCES[task])
    return _decoders[task].run(texts, beam)
