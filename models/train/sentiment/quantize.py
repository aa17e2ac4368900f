"""sentiment/quantize.py — add 8-bit convolutions to a sentiment model, if they cost ≤ 0.5 points.

The quantization is the one src/core/conv_q8.h describes: one scale per
embedding dimension, s_d = max |E[:, d]| / 127 (the C core quantizes the
looked-up embeddings with it at run time), folded into the convolution
weights, which get one int8 scale per filter.  Weights are packed as
[k][embed / 4][filters][4] for vpdpbusd.

The gate (issue 8): the C core scores every dev row with the fp32 weights
and with the 8-bit ones; the tensors stay in the file only when no dev
file's binary accuracy or macro-F1 drops by more than 0.5 points.  Files
with fewer than MIN_ROWS dev rows are left out of the gate (both columns
are still printed): on the 105 dev rows of en_amazon_alexa one neutral row moves
macro-F1 by ~5 points.  The file keeps its fp32 weights either way
(explain, CPUs without VNNI).

    cd models/train && /usr/bin/python3 -m sentiment.quantize --model ../../models/sentiment-en.ptm
"""
import argparse
import sys

import numpy as np

from common import ascii_lower
from common.ptcore import Sentiment, normalize
from common.ptm import read_ptm, write_ptm
from sentiment import data as sentiment_data
from sentiment.eval import evaluate

MAX_DROP = 0.005   # 0.5 points
MIN_ROWS = 400     # dev rows a file needs for its drop to count


def quantize(meta, tensors):
    """The q8 tensors of a sentiment model: embed.q8_scale, conv.N.q8, conv.N.q8_scale."""
    E = tensors["embed.weight"]
    s = np.abs(E).max(axis=0) / 127.0
    s[s == 0] = 1.0
    out = {"embed.q8_scale": s.astype(np.float32)}
    for i in range(meta["n_widths"]):
        W = tensors[f"conv.{i}.weight"].astype(np.float64) * s[None, :, None]   # [F, E, k]
        t = np.abs(W).max(axis=(1, 2)) / 127.0
        t[t == 0] = 1.0
        r = np.clip(np.rint(W / t[:, None, None]), -127, 127).astype(np.int8)
        F, D, k = r.shape
        out[f"conv.{i}.q8"] = np.ascontiguousarray(r.reshape(F, D // 4, 4, k).transpose(3, 1, 0, 2))
        out[f"conv.{i}.q8_scale"] = t.astype(np.float32)
    return out


def without_q8(tensors):
    return {k: v for k, v in tensors.items() if ".q8" not in k}


def dev_reports(path, lang):
    """evaluate() of the dev rows with the fp32 and the 8-bit convolutions, scored by the C core."""
    _, dev, _ = sentiment_data.load(lang, lambda t: ascii_lower(normalize(t)))
    texts = [r[0] for r in dev]
    with Sentiment(path) as m:
        m.set_int8(False)
        fp32 = evaluate(dev, m.probs(texts))
        m.set_int8(True)
        q8 = evaluate(dev, m.probs(texts))
    return fp32, q8


def largest_drop(fp32, q8):
    drops = []
    for name, e in fp32["files"].items():
        if e["rows"] < MIN_ROWS:
            continue
        for metric in ("binary_acc", "macro_f1"):
            if metric in e:
                drops.append((e[metric] - q8["files"][name][metric], f"{name} {metric}"))
    return max(drops)


def main():
    ap = argparse.ArgumentParser(prog="python3 -m sentiment.quantize", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", help="default: rewrite --model in place")
    args = ap.parse_args()
    out = args.out or args.model
    meta, tensors = read_ptm(args.model)
    base = without_q8(tensors)
    write_ptm(out, meta, {**base, **quantize(meta, base)})
    fp32, q8 = dev_reports(out, meta["language"])
    drop, where = largest_drop(fp32, q8)
    print(f"[{meta['language']}] dev fp32: {fp32['summary']}")
    print(f"[{meta['language']}] dev int8: {q8['summary']}")
    if drop > MAX_DROP:
        write_ptm(out, meta, base)
        print(f"[{meta['language']}] int8 drops {where} by {100 * drop:.2f} points > 0.5: fp32 only")
        return 0
    print(f"[{meta['language']}] largest drop {100 * drop:.2f} points ({where}): {out} carries 8-bit convolutions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
