"""summarize/loco.py — a leave-one-catalog-out model made as the shipped one is served.

    cd models/train && /usr/bin/python3 -m summarize.train --exclude leipzig --out work/summarize-no-leipzig.ptm
    (then summarize.calibrate reads work/summarize-no-leipzig.served.ptm, made here on first use)

The trainer exports fp32 weights.  The shipped model then gets, through the gates of
common.decoder_quantize and common.decoder_shortlist, its 8-bit layers and an output shortlist.
A held-out model takes the same steps without their gates (which score dev sets, the held-out
catalog's among them): the 8-bit layers the shipped model kept, and a shortlist as long as the
shipped model's, of the ids of the training targets of every catalog but the held-out one.
"""
import os

import numpy as np

from common import ROOT
from common.decoder_quantize import candidates, without_q8
from common.decoder_shortlist import ranked_target_ids
from common.ptcore import Tokenizer
from common.ptm import read_ptm, write_ptm

SHIPPED = os.path.join(ROOT, "models", "summarize-multi.ptm")


def served_path(fp32_path, held_out):
    """The served copy of fp32_path (a model trained without the catalog held_out), made when
    missing or older than either model."""
    out = os.path.splitext(fp32_path)[0] + ".served.ptm"
    if os.path.exists(out) and os.path.getmtime(out) >= max(os.path.getmtime(fp32_path), os.path.getmtime(SHIPPED)):
        return out
    meta, tensors = read_ptm(fp32_path)
    base = without_q8(tensors)
    tok = Tokenizer.from_file(fp32_path)
    shipped = read_ptm(SHIPPED)[1]
    shipped_q8 = {k for k in shipped if ".q8" in k}
    # the 8-bit layers the shipped model kept (its gate's choice), or none
    q8 = next((q for _, q in candidates(meta, base, tok) if set(q) == shipped_q8), {})
    n = len(shipped.get("shortlist", []))
    extra = {"shortlist": np.array(ranked_target_ids(tok, {held_out})[:n], dtype=np.int32)} if n else {}
    write_ptm(out, meta, {**base, **q8, **extra})
    return out
