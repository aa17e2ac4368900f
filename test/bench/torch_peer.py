"""The same sentiment model run by PyTorch in Python: the peer prodtext is measured against.

    /usr/bin/python3 test/bench/torch_peer.py MODEL.ptm TEXTS.txt

Loads the weights from the .ptm file, tokenizes and computes the n-gram
features through the same C code (ctypes), runs the CNN in PyTorch and the
linear half as a scipy sparse product, one thread, and prints rows/s for one
row per call and 256 rows per call (the whole path, as in the C benchmark).
"""
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "models", "train"))
from common import ascii_lower  # noqa: E402
from ptcore import Tokenizer, normalize  # noqa: E402
from ptm import read_ptm  # noqa: E402
from sentiment_train import MAX_TOKENS, TextCNN, batchify, softmax  # noqa: E402
import sentiment_linear  # noqa: E402


def load(path):
    meta, t = read_ptm(path)
    widths = tuple(meta[f"width.{i}"] for i in range(meta["n_widths"]))
    model = TextCNN(t["embed.weight"].shape[0], meta["embed_dim"], widths, meta["filters"])
    sd = {"embed.weight": t["embed.weight"], "out.weight": t["out.weight"], "out.bias": t["out.bias"]}
    for i in range(len(widths)):
        sd[f"convs.{i}.weight"] = t[f"conv.{i}.weight"]
        sd[f"convs.{i}.bias"] = t[f"conv.{i}.bias"]
    model.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    return model.eval(), meta, t["linear.weight"], t["linear.bias"]


def score(peer, tok, texts):
    model, meta, W, b = peer
    prep = [ascii_lower(normalize(t)) for t in texts]
    ids = [tok.encode(p)[:MAX_TOKENS] for p in prep]
    x, lengths = batchify(ids, max(model.widths))
    with torch.no_grad():
        cnn = model(x, lengths).numpy()
    X = sentiment_linear.featurize(prep, meta["linear_ngram_min"], meta["linear_ngram_max"],
                                   meta["linear_buckets"])
    w = meta["linear_weight"]
    p = softmax((1 - w) * cnn + w * sentiment_linear.logits(X, W, b))
    return (p[:, 2] - p[:, 0]).tolist()


def main():
    torch.set_num_threads(1)
    peer = load(sys.argv[1])
    tok = Tokenizer.from_file(sys.argv[1])
    texts = [line.rstrip("\n") for line in open(sys.argv[2], encoding="utf-8")]
    texts = [t for t in texts if t]
    t0 = time.perf_counter()
    single = texts[:2000]
    for t in single:
        score(peer, tok, [t])
    t_single = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(0, len(texts), 256):
        score(peer, tok, texts[i:i + 256])
    t_batch = time.perf_counter() - t0
    print("rows_per_s_single,rows_per_s_batch256")
    print(f"{len(single) / t_single:.0f},{len(texts) / t_batch:.0f}")


if __name__ == "__main__":
    main()
