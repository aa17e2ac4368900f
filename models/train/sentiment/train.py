"""sentiment/train.py — train the review sentiment CNN of one language and export it.

    cd models/train && /usr/bin/python3 -m sentiment.train --lang en

Model: an ensemble of two halves whose logits are averaged —
  * a text CNN (Kim 2014) over subword embeddings: embedding E → parallel
    Conv1d of several widths → ReLU → max over the valid positions →
    dropout → linear to 3 classes;
  * logistic regression over hashed character n-grams (sentiment/linear.py).
sentiment = P(positive) − P(negative) of the averaged logits.

Every sequence is padded with <pad> (id 0, a zero embedding) to at least the
widest kernel, and pooling only sees windows that lie inside the sequence:
exactly what the C forward pass (src/core/sentiment.c) computes, so the two
agree to float rounding (test/golden).
"""
import argparse
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import ROOT, SEED, ascii_lower
from common.ptcore import Tokenizer, normalize
from common.ptm import read_ptm, write_ptm
from sentiment import data as sentiment_data
from sentiment import linear as sentiment_linear
from sentiment.eval import evaluate

MAX_TOKENS = 256


class TextCNN(nn.Module):
    def __init__(self, vocab, embed=96, widths=(2, 3, 4, 5), filters=128, classes=3, dropout=0.5):
        super().__init__()
        self.widths = widths
        self.embed = nn.Embedding(vocab, embed, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(embed, filters, k) for k in widths)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(filters * len(widths), classes)

    def features(self, ids, lengths):
        """Pooled features [B, filters*len(widths)] and the argmax positions."""
        x = self.embed(ids).transpose(1, 2)  # [B, E, T]
        feats, where = [], []
        for k, conv in zip(self.widths, self.convs):
            y = F.relu(conv(x))  # [B, F, T-k+1]
            pos = torch.arange(y.shape[2], device=y.device)
            invalid = pos[None, :] > (lengths[:, None] - k)
            y = y.masked_fill(invalid[:, None, :], 0.0)  # ReLU ≥ 0, so 0 never wins over a valid max
            v, i = y.max(dim=2)
            feats.append(v)
            where.append(i)
        return torch.cat(feats, 1), where

    def forward(self, ids, lengths):
        h, _ = self.features(ids, lengths)
        return self.out(self.drop(h))


def encode_rows(tok, rows):
    return [tok.encode(text)[:MAX_TOKENS] for text, *_ in rows]


def batchify(seqs, min_len, pad_to=None):
    """Pad to a [B, T] LongTensor; lengths are max(len, min_len) (short rows are <pad>-padded)."""
    lengths = [max(len(s), min_len) for s in seqs]
    T = pad_to or max(lengths)
    ids = torch.zeros(len(seqs), T, dtype=torch.long)
    for b, s in enumerate(seqs):
        ids[b, :len(s)] = torch.tensor(s, dtype=torch.long)
    return ids, torch.tensor(lengths, dtype=torch.long)


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cnn_logits(model, seqs, batch=256):
    model.eval()
    out = []
    min_len = max(model.widths)
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    with torch.no_grad():
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            ids, lengths = batchify([seqs[i] for i in idx], min_len)
            out.extend(zip(idx, model(ids, lengths).numpy()))
    logits = np.zeros((len(seqs), 3), dtype=np.float64)
    for i, v in out:
        logits[i] = v
    return logits


def ensemble(cnn, lin, weight):
    """Probabilities of the averaged logits: (1 - weight) · CNN + weight · linear."""
    return softmax((1 - weight) * cnn + weight * lin)


def class_weights(y):
    """Inverse square-root class frequency, mean 1 over the classes present; 0 for absent ones."""
    counts = torch.bincount(y, minlength=3).float()
    w = torch.where(counts > 0, (counts.sum() / counts.clamp(min=1)).sqrt(), torch.zeros(3))
    return w / w[counts > 0].mean()


def fit_linear(feats, rows, y, cw, args):
    """The linear half on the training rows: each row weighed by its domain's cap (and its class, if balanced)."""
    w = np.array(sentiment_data.domain_weights(rows), dtype=np.float64)
    if args.linear_balanced:
        w *= cw.numpy()[y.numpy()]
    return sentiment_linear.fit(feats, y.numpy(), C=args.linear_c, sample_weight=w)


def epoch_batches(rows, seqs, rng, batch):
    """One epoch: every domain contributes at most DOMAIN_CAP rows (a fresh draw each epoch), in
    length-bucketed batches (shuffled, sorted within chunks of 50 batches, batches shuffled)."""
    by_domain = {}
    for i, r in enumerate(rows):
        by_domain.setdefault(r[2], []).append(i)
    order = []
    for idx in by_domain.values():
        order += rng.sample(idx, min(len(idx), sentiment_data.DOMAIN_CAP))
    rng.shuffle(order)
    chunk = batch * 50
    batches = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c:c + chunk], key=lambda i: len(seqs[i]))
        batches += [part[s:s + batch] for s in range(0, len(part), batch)]
    rng.shuffle(batches)
    return batches


def fit_cnn(tok, rows, seqs, y, cw, emb, args, log=print):
    """The CNN half, trained for args.epochs epochs (the count chosen by leave-one-domain-out)."""
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    model = TextCNN(tok.vocab_size, embed=args.embed, filters=args.filters)
    if emb is not None:
        model.embed.weight.data.copy_(torch.from_numpy(emb))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    lossf = nn.CrossEntropyLoss(weight=cw)
    min_len = max(model.widths)
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0, total = time.time(), 0.0
        batches = epoch_batches(rows, seqs, rng, args.batch)
        for idx in batches:
            batch = [seqs[i] for i in idx]
            if args.word_dropout > 0:
                batch = [[t if rng.random() >= args.word_dropout else 0 for t in s] for s in batch]
            ids, lengths = batchify(batch, min_len)
            loss = lossf(model(ids, lengths), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        log(f"epoch {epoch}: loss {total / len(batches):.4f}, {time.time() - t0:.0f}s")
    return model


def fit(tok, train_rows, emb, args, log=print):
    """Both halves on the training rows: (CNN, linear W, linear b)."""
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    y = torch.tensor([r[1] for r in train_rows])
    cw = class_weights(y)
    t0 = time.time()
    X = sentiment_linear.featurize([r[0] for r in train_rows], args.ngram_min, args.ngram_max, args.buckets)
    lin_W, lin_b = fit_linear(X, train_rows, y, cw, args)
    log(f"linear half fitted in {time.time() - t0:.0f}s")
    model = fit_cnn(tok, train_rows, encode_rows(tok, train_rows), y, cw, emb, args, log)
    return model, lin_W, lin_b


def half_logits(model, lin_W, lin_b, tok, rows, args):
    """The raw logits of both halves on rows: (CNN [N, 3], linear [N, 3])."""
    X = sentiment_linear.featurize([r[0] for r in rows], args.ngram_min, args.ngram_max, args.buckets)
    return cnn_logits(model, encode_rows(tok, rows)), sentiment_linear.logits(X, lin_W, lin_b)


def predict(model, lin_W, lin_b, tok, rows, args):
    """Per-half and ensemble probabilities of rows: {"cnn", "linear", "ensemble"} → [N, 3]."""
    cnn, lin = half_logits(model, lin_W, lin_b, tok, rows, args)
    return {"cnn": softmax(cnn), "linear": softmax(lin), "ensemble": ensemble(cnn, lin, args.linear_weight)}


def train(args):
    torch.set_num_threads(args.threads)
    tok = Tokenizer.from_file(args.tokenizer)
    prep = lambda s: ascii_lower(normalize(s))  # noqa: E731
    train_rows, dev_rows, held_rows = sentiment_data.load(args.lang, prep, args.hold_out)
    log = lambda m: print(f"[{args.lang}] {m}", flush=True)  # noqa: E731
    log(f"{len(train_rows)} train, {len(dev_rows)} dev, {len(held_rows)} held-out rows")
    emb = np.load(args.init_embeddings) if args.init_embeddings else None
    model, lin_W, lin_b = fit(tok, train_rows, emb, args, log)
    for name, rows in (("dev", dev_rows), ("held-out files", held_rows)):
        if rows:
            for half, probs in predict(model, lin_W, lin_b, tok, rows, args).items():
                log(f"{name}, {half}: {evaluate(rows, probs)['summary']}")
    export(model, tok, lin_W, lin_b, args)


def export(model, tok, lin_W, lin_b, args):
    _, tok_tensors = read_ptm(args.tokenizer)
    sd = model.state_dict()
    tensors = {k: v for k, v in tok_tensors.items() if k.startswith("tokenizer.")}
    tensors["embed.weight"] = sd["embed.weight"].numpy()
    for i in range(len(model.widths)):
        tensors[f"conv.{i}.weight"] = sd[f"convs.{i}.weight"].numpy()
        tensors[f"conv.{i}.bias"] = sd[f"convs.{i}.bias"].numpy()
    tensors["out.weight"] = sd["out.weight"].numpy()
    tensors["out.bias"] = sd["out.bias"].numpy()
    tensors["linear.weight"] = lin_W
    tensors["linear.bias"] = lin_b
    meta = {"task": "sentiment", "language": args.lang, "name": f"sentiment-{args.lang}-textcnn",
            "version": args.version, "classes": ",".join(sentiment_data.CLASSES),
            "embed_dim": args.embed, "filters": args.filters, "n_widths": len(model.widths),
            "max_tokens": MAX_TOKENS, "lowercase": 1, "seed": args.seed,
            "linear_buckets": args.buckets, "linear_ngram_min": args.ngram_min,
            "linear_ngram_max": args.ngram_max, "linear_weight": args.linear_weight}
    for i, k in enumerate(model.widths):
        meta[f"width.{i}"] = k
    size = write_ptm(args.out, meta, tensors)
    print(f"[{args.lang}] wrote {args.out}: {size} bytes, "
          f"{sum(v.numel() for v in sd.values())} parameters", flush=True)
    write_golden(model, tok, lin_W, lin_b, args)


GOLDEN_TEXTS = {
    "en": ["Great cooler, excellent air flow. Love it!", "terrible quality, broke after 2 days",
           "It's okay, nothing special.", "ok", "NOT worth the money!!! <b>avoid</b>",
           "The dress fits well but the fabric feels cheap and the color faded after one wash."],
    "zh": ["质量很好，物流也快，非常满意！", "太差了，用了两天就坏了", "一般般吧", "好",
           "送货速度快，但是味道一般，不会再买了。", "This phone 很不错 5星好评"],
}


def write_golden(model, tok, lin_W, lin_b, args):
    """Fixed inputs with their token ids and the ensemble's logits, for the C golden test."""
    model.eval()
    path = args.golden
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(f"# sentiment-{args.lang} golden cases: hex(raw input) | token ids | "
                "ensemble logits (PyTorch fp32 CNN + linear half)\n")
        for text in GOLDEN_TEXTS[args.lang]:
            prep = ascii_lower(normalize(text))
            ids = tok.encode(prep)[:MAX_TOKENS]
            t, lengths = batchify([ids], max(model.widths))
            with torch.no_grad():
                cnn = model(t, lengths)[0].numpy().astype(np.float64)
            lin = sentiment_linear.logits(
                sentiment_linear.featurize([prep], args.ngram_min, args.ngram_max, args.buckets), lin_W, lin_b)[0]
            logits = ((1 - args.linear_weight) * cnn + args.linear_weight * lin).tolist()
            f.write(text.encode().hex() + " | " + " ".join(map(str, ids)) + " | "
                    + " ".join(f"{v:.7g}" for v in logits) + "\n")


def add_model_arguments(ap):
    """The settings of a model, shared by sentiment.train and sentiment.lodo (argparse)."""
    ap.add_argument("--lang", choices=("en", "zh"), required=True)
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "models", "tokenizer.ptm"))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--embed", type=int, default=64)
    ap.add_argument("--filters", type=int, default=128)
    ap.add_argument("--word-dropout", type=float, default=0.1)
    ap.add_argument("--buckets", type=int, default=1 << 18, help="hashed n-gram buckets of the linear half")
    ap.add_argument("--ngram-min", type=int, default=1)
    ap.add_argument("--ngram-max", type=int, help="longest character n-gram (default: en 5, zh 3)")
    ap.add_argument("--linear-weight", type=float,
                    help="share of the linear half in the logits (default, chosen by leave-one-domain-out: "
                         "en 0.5, zh 0.7)")
    ap.add_argument("--linear-c", type=float, default=16.0, help="inverse L2 strength of the linear half")
    ap.add_argument("--linear-balanced", type=int,
                    help="1: the linear half's loss weighs classes as the CNN's does (inverse square-root "
                         "frequency; default: en 1, zh 0)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=SEED)


def resolve_model_arguments(args):
    args.ngram_max = args.ngram_max or {"en": 5, "zh": 3}[args.lang]
    if args.linear_weight is None:
        args.linear_weight = {"en": 0.5, "zh": 0.7}[args.lang]
    if args.linear_balanced is None:
        args.linear_balanced = {"en": 1, "zh": 0}[args.lang]
    return args


def main():
    ap = argparse.ArgumentParser(prog="python3 -m sentiment.train", description=__doc__.split("\n")[0])
    add_model_arguments(ap)
    ap.add_argument("--out")
    ap.add_argument("--version", default="1.2.0")
    sentiment_data.add_hold_out_argument(ap)
    ap.add_argument("--init-embeddings", help=".npy [vocab, embed] from common.embeddings_train")
    args = resolve_model_arguments(ap.parse_args())
    args.out = args.out or os.path.join(ROOT, "models", f"sentiment-{args.lang}.ptm")
    # the golden fixture belongs to the committed model; experiments keep theirs beside their output
    default_out = os.path.join(ROOT, "models", f"sentiment-{args.lang}.ptm")
    args.golden = os.path.join(ROOT, "test", "golden", f"sentiment-{args.lang}.txt") \
        if os.path.abspath(args.out) == default_out else os.path.splitext(args.out)[0] + ".golden.txt"
    train(args)


if __name__ == "__main__":
    main()
