"""embed/train.py — train the product-text encoder contrastively and export it in fp32.

    cd models/train && /usr/bin/python3 -m embed.train        # work/embed-fp32.ptm, ~25 minutes, one thread
    cd models/train && /usr/bin/python3 -m embed.quantize     # models/embed-multi.ptm, test/golden/embed.txt

Objective: symmetric InfoNCE with in-batch negatives over pairs of texts of
the same product (embed/data.py).  Each batch draws from one source, so its
negatives are products of the same kind (the hard ones).  Fixed seed, fixed
number of epochs (no checkpoint is picked by its dev score).  Prints the
dev table of the PyTorch model (embed vs the TF-IDF baselines).
"""
import argparse
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import ROOT
from common.ptcore import Tokenizer
from common.ptm import read_ptm, write_ptm
from embed import data, metrics
from embed.model import Encoder, Features, idf

SEED = 20261207


def featurize(tok, texts, args, cache):
    out = []
    for t in texts:
        f = cache.get(t)
        if f is None:
            f = cache[t] = Features(tok, t, args.max_chars, args.max_tokens, args.ngram_min,
                                    args.ngram_max, args.buckets)
        out.append(f)
    return out


def batches(train, bs, rng, min_pairs):
    """One epoch: every pair at least once (sources smaller than min_pairs repeated up to
    it), in batches of one source each, sources interleaved."""
    out = []
    for src, pairs in train.items():
        order = list(range(len(pairs))) * max(1, -(-min_pairs // max(len(pairs), 1)))
        rng.shuffle(order)
        for i in range(0, len(order), bs):
            chunk = [pairs[j] for j in order[i:i + bs]]
            if len(chunk) >= 8:
                out.append(chunk)
    rng.shuffle(out)
    return out


def document_frequencies(tok, train_pairs, args, cache):
    """IDF of every token and n-gram bucket over the distinct training texts"""
    texts = sorted({t for pairs in train_pairs.values() for pair in pairs for t in pair})
    tok_df = np.zeros(tok.vocab_size, np.int64)
    ng_df = np.zeros(args.buckets, np.int64)
    for f in featurize(tok, texts, args, cache):
        tok_df[np.unique(f.ids)] += 1
        ng_df[f.ng_idx] += 1
    return idf(tok_df, len(texts)), idf(ng_df, len(texts))


def info_nce(a, b, scale):
    logits = scale * a @ b.T
    target = torch.arange(len(a))
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


def encoder_fn(model, tok, args, cache):
    def encode(texts):
        model.eval()
        with torch.no_grad():
            return np.concatenate([model(featurize(tok, texts[i:i + 512], args, cache)).numpy()
                                   for i in range(0, len(texts), 512)])
    return encode


def train(args):
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    torch.set_num_threads(args.threads)
    tok = Tokenizer.from_file(args.tokenizer)
    train_pairs, dev, extra = data.load(args.crops)
    for src, pairs in train_pairs.items():
        print(f"train {src}: {len(pairs)} pairs", flush=True)
    cache = {}
    tok_idf, ngram_idf = document_frequencies(tok, train_pairs, args, cache)
    model = Encoder(tok.vocab_size, args.buckets, args.embed, args.dim, tok_idf, ngram_idf)
    sparse = [model.tok.weight, model.ngram.weight]
    dense = [p for p in model.parameters() if all(p is not q for q in sparse)]
    opts = [torch.optim.SparseAdam(sparse, lr=args.lr),
            torch.optim.AdamW(dense, lr=args.lr, weight_decay=args.weight_decay)]
    epoch_batches = [batches(train_pairs, args.batch, rng, args.min_pairs) for _ in range(args.epochs)]
    steps = sum(len(b) for b in epoch_batches)
    scheds = [torch.optim.lr_scheduler.OneCycleLR(o, max_lr=args.lr, total_steps=steps, pct_start=0.1,
                                                  cycle_momentum=False) for o in opts]
    t0 = time.time()
    for epoch, bl in enumerate(epoch_batches):
        model.train()
        total = 0.0
        for chunk in bl:
            a = model(featurize(tok, [q for q, _ in chunk], args, cache), args.drop)
            b = model(featurize(tok, [t for _, t in chunk], args, cache), args.drop)
            loss = info_nce(a, b, args.scale)
            for o in opts:
                o.zero_grad()
            loss.backward()
            for o, sc in zip(opts, scheds):
                o.step()
                sc.step()
            total += loss.item()
        res = metrics.evaluate(encoder_fn(model, tok, args, cache), dev, extra)
        pooled = metrics.scores(np.concatenate(list(res.values())))
        tasks = " ".join(f"{k} {metrics.scores(r)[0]:.1f}" for k, r in res.items())
        print(f"epoch {epoch + 1}: loss {total / len(bl):.3f}, dev R@1 pooled {pooled[0]:.1f} ({tasks}) "
              f"MRR {pooled[1]:.1f} ({time.time() - t0:.0f} s)", flush=True)
    return model, tok, dev, extra, cache


def export(model, args):
    _, tok_tensors = read_ptm(args.tokenizer)
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    tensors = {k: v for k, v in tok_tensors.items() if k.startswith("tokenizer.")}
    tensors["tok.weight"] = sd["tok.weight"]
    tensors["tok.gate"] = F.softplus(model.gate).detach().numpy().astype(np.float32)
    tensors["ngram.weight"] = model.ngram_table().detach().numpy().astype(np.float32)
    tensors["proj.weight"] = sd["proj.weight"]
    tensors["proj.bias"] = sd["proj.bias"]
    meta = {"task": "embed", "language": "multi", "name": f"embed-multi-d{args.dim}", "version": args.version,
            "embed_dim": args.embed, "dim": args.dim, "max_tokens": args.max_tokens,
            "max_chars": args.max_chars, "lowercase": 1, "ngram_min": args.ngram_min,
            "ngram_max": args.ngram_max, "ngram_buckets": args.buckets, "seed": args.seed}
    size = write_ptm(args.out, meta, tensors)
    print(f"wrote {args.out}: {size} bytes", flush=True)


def main():
    ap = argparse.ArgumentParser(prog="python3 -m embed.train", description=__doc__.split("\n")[0])
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "models", "tokenizer.ptm"))
    ap.add_argument("--out", default=os.path.join("work", "embed-fp32.ptm"),
                    help="the fp32 model; embed.quantize makes the shipped file from it")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--min-pairs", type=int, default=3000, help="smaller sources are repeated up to it")
    ap.add_argument("--drop", type=float, default=0.1, help="tokens and n-grams dropped in training")
    ap.add_argument("--crops", type=int, default=0, help="pairs of two crops of one training text (data.crop_pairs)")
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--scale", type=float, default=20.0, help="InfoNCE inverse temperature")
    ap.add_argument("--embed", type=int, default=128)
    ap.add_argument("--dim", type=int, default=256, help="D, the output dimension")
    ap.add_argument("--buckets", type=int, default=32768)
    ap.add_argument("--ngram-min", type=int, default=1)
    ap.add_argument("--ngram-max", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--max-chars", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    model, tok, dev, extra, cache = train(args)
    res = metrics.evaluate(encoder_fn(model, tok, args, cache), dev, extra)
    print(metrics.table({"embed": res, **{f"tfidf-{k}": metrics.tfidf_evaluate(k, dev, extra)
                                          for k in ("word", "char")}}), flush=True)
    export(model, args)


if __name__ == "__main__":
    main()
