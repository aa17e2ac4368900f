"""embed/quantize.py — the shipped embed model: the trained fp32 file with its two embedding tables
in 8 bits (one scale per row), scored on the dev tasks by the C core next to the fp32 file and the
TF-IDF baselines; writes test/golden/embed.txt for the file it writes.

    cd models/train && /usr/bin/python3 -m embed.quantize --model work/embed-fp32.ptm

Why 8 bits: fp32 tables of this width (16,000 tokens and 32,768 n-gram buckets × 128) would make a
25 MB file; in 8 bits it is ~7 MB (the card gives what it costs on dev).
"""
import argparse
import os

import numpy as np
import torch

from common import ROOT
from common.ptcore import Embedder, Tokenizer
from common.ptm import read_ptm, write_ptm
from embed import data, metrics
from embed.model import Exported

GOLDEN_TEXTS = ["Sony Turntable - PSLX350H", "Black and grey printed medium trolley bag, secured with a TSA lock",
                "晨光（M&G）ADB98377儿童画板双面白板黑板", "<p>Linksys EtherFast&nbsp;8-Port 10/100 Switch</p>",
                "", "!!!", "这款连衣裙 with a V-neck, 三分袖", "类型:裙 版型:显瘦 风格:文艺 图案:印花"]


def quantize_rows(w):
    """(int8 rows, f32 scale per row): row r ≈ scale[r] · q[r], |q| ≤ 127"""
    scale = np.abs(w).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def quantize(src, dst):
    meta, t = read_ptm(src)
    out = {k: v for k, v in t.items() if k not in ("tok.weight", "ngram.weight")}
    for name in ("tok", "ngram"):
        out[f"{name}.i8"], out[f"{name}.i8_scale"] = quantize_rows(np.asarray(t[f"{name}.weight"]))
    meta = dict(meta, tables="i8")
    return write_ptm(dst, meta, out)


def write_golden(path, model_path):
    """Fixed inputs and the PyTorch forward pass of the file's own weights."""
    torch.set_num_threads(1)
    meta, t = read_ptm(model_path)
    ref = Exported(meta, t)
    tok = Tokenizer.from_file(model_path)
    with open(path, "w") as f:
        f.write("# embed golden cases: hex(raw input) | vector (PyTorch fp32 over the file's weights)\n")
        for text in GOLDEN_TEXTS:
            y = ref([ref.features(tok, text)])[0].numpy()
            f.write(text.encode().hex() + " | " + " ".join(f"{v:.7g}" for v in y) + "\n")


def main():
    ap = argparse.ArgumentParser(prog="python3 -m embed.quantize", description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=os.path.join("work", "embed-fp32.ptm"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "embed-multi.ptm"))
    ap.add_argument("--golden", default=os.path.join(ROOT, "test", "golden", "embed.txt"))
    args = ap.parse_args()
    size = quantize(args.model, args.out)
    print(f"wrote {args.out}: {size} bytes", flush=True)
    write_golden(args.golden, args.out)
    _, dev, extra = data.load()
    results = {}
    for name, path in (("embed", args.out), ("embed-fp32", args.model)):
        with Embedder(path) as e:
            results[name] = metrics.evaluate(e.embed, dev, extra)
    for kind in ("word", "char"):
        results[f"tfidf-{kind}"] = metrics.tfidf_evaluate(kind, dev, extra)
    print(metrics.table(results), flush=True)


if __name__ == "__main__":
    main()
