"""summarize/train.py — train the summarize model (summarize/model.py) and export models/summarize-multi.ptm.

    cd models/train && nohup /usr/bin/python3 -m summarize.train --minutes 70 \
        > work/summarize_train.log 2>&1 &

Pairs: summarize/data.py (train + one dev file per dataset, cached in models/train/work/).
Every epoch (and every --export-minutes inside a long epoch) it evaluates the dev loss,
saves a resumable checkpoint (models/train/work/summarize_ckpt.pt) and, when the dev loss
improved, exports the model (+ the golden file, when --out is the default path).  Rerunning
the same command resumes from the checkpoint; --minutes bounds the wall time of one run.
"""
import argparse
import os
import random
import time

import numpy as np
import torch

from common import ROOT, SEED, WORK
from common.ptcore import Tokenizer, normalize
from common.ptm import read_ptm, write_ptm
from summarize import data as summarize_data
from summarize.model import EOS, Summarizer
DEFAULT_OUT = os.path.join(ROOT, "models", "summarize-multi.ptm")

GOLDEN_TEXTS = [
    "Navy blue solid casual shirt, has a spread collar, long sleeves, button placket, curved hem, "
    "one patch pocket; 100% cotton; Machine wash",
    "I love this dress! The fabric is soft and the fit is perfect, but it runs a little long for me at 5'2\".",
    "这款连衣裙采用柔软的针织面料，简约的纯色设计，尽显优雅气质，搭配腰带更显身材。",
    "小米（MI）Redmi Note 12 5G手机 8GB+256GB 子夜黑 智能拍照游戏学生老人手机",
]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def src_ids_of(tok, text, S):
    return tok.encode(normalize(text))[:S - 1] + [EOS]


def token_pairs(tok, rows, S, T, cache_name, src_of=lambda src: src, tag=""):
    """(source ids, target ids) of every split's rows ({split: [{"src", "tgt"}]}), cached in
    work/cache_name, keyed by S, T, tag and the splits' sizes.  src_of maps a row's source
    to the text the model sees."""
    key = (S, T, tag, tuple((s, len(r)) for s, r in rows.items()))
    cache = os.path.join(WORK, cache_name)
    if os.path.exists(cache):
        c = torch.load(cache)
        if c.get("key") == key:
            return c["data"]
    data = {s: [(tok.encode(src_of(r["src"]))[:S - 1] + [EOS], tok.encode(r["tgt"])[:T - 1] + [EOS])
                for r in split_rows]
            for s, split_rows in rows.items()}
    torch.save({"key": key, "data": data}, cache)
    return data


def prepare(tok, S, T):
    """Token ids of every split (rows are already normalized by summarize_data)."""
    splits = ["train"] + [f"dev_{d}" for d in summarize_data.DATASETS]
    return token_pairs(tok, {s: summarize_data.load(s) for s in splits}, S, T, "summarize_tok.pt")


def parse_caps(spec):
    """"myntra=5000,womens=4000" -> {"myntra": 5000, "womens": 4000}."""
    return {k: int(v) for k, v in (kv.split("=") for kv in spec.split(",") if kv)}


def epoch_mix(train_ds, rng, args):
    """Indices of one epoch's training pairs: every pair of a dataset, PromptCloud's (818 pairs)
    --promptcloud-repeat times, and a fresh sample of --cap pairs of the large datasets (Myntra
    titles are learned early; review headlines are noisy and their sources long), so that no
    catalog dominates.  Datasets in --exclude (a leave-one-catalog-out run) take no part."""
    by_ds = {}
    for i, d in enumerate(train_ds):
        if d not in args.exclude:
            by_ds.setdefault(d, []).append(i)
    caps = parse_caps(args.cap)
    idx = []
    for d, rows in sorted(by_ds.items()):
        if d in caps and caps[d] < len(rows):
            rows = rng.sample(rows, caps[d])
        idx += rows * (args.promptcloud_repeat if d == "promptcloud" else 1)
    return idx


def batchify(pairs):
    B = len(pairs)
    S = max(len(p[0]) for p in pairs)
    T = max(len(p[1]) for p in pairs)
    src = torch.zeros(B, S, dtype=torch.long)
    tgt = torch.zeros(B, T, dtype=torch.long)
    for b, (s, t) in enumerate(pairs):
        src[b, :len(s)] = torch.tensor(s)
        tgt[b, :len(t)] = torch.tensor(t)
    return src, torch.tensor([len(p[0]) for p in pairs]), tgt


def batches_of(pairs, batch, rng, shuffle=True, group=8):
    """Length-bucketed batches: within chunks of 50 batches, sort by target length, then sort
    groups of `group` batches by source length (the cost of a batch grows with both)."""
    order = list(range(len(pairs)))
    if shuffle:
        rng.shuffle(order)
    chunk = batch * 50
    out = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c:c + chunk], key=lambda i: (len(pairs[i][1]), len(pairs[i][0])))
        for g in range(0, len(part), batch * group):
            grp = sorted(part[g:g + batch * group], key=lambda i: (len(pairs[i][0]), len(pairs[i][1])))
            out += [grp[s:s + batch] for s in range(0, len(grp), batch)]
    if shuffle:
        rng.shuffle(out)
    return out


@torch.no_grad()
def dev_loss(model, dev_sets, batch=128):
    """Mean loss per target token over {name: pairs}, and per set."""
    model.eval()
    res = {}
    tot_l = tot_n = 0.0
    for name, pairs in dev_sets.items():
        sl = sn = 0.0
        for idx in batches_of(pairs, batch, None, shuffle=False):
            loss, n = model(*batchify([pairs[i] for i in idx]))
            sl += loss.item() * n.item()
            sn += n.item()
        res[name] = sl / max(sn, 1)
        tot_l += sl
        tot_n += sn
    model.train()
    return tot_l / tot_n, res


def write_model(model, args, meta, tok, golden_texts=None):
    """The .ptm of a decoder (its tensors, the tokenizer's, meta + parameters) and its golden file."""
    model.eval()
    _, tok_tensors = read_ptm(args.tokenizer)
    tensors = model.export_tensors()
    tensors.update({k: v for k, v in tok_tensors.items() if k.startswith("tokenizer.")})
    n_params = sum(p.numel() for p in model.parameters())
    tmp = args.out + ".tmp"
    size = write_ptm(tmp, {**meta, "parameters": n_params}, tensors)
    os.replace(tmp, args.out)
    log(f"wrote {args.out}: {size} bytes, {n_params} parameters")
    write_golden(model, args, tok, golden_texts)
    model.train()


def export(model, args, meta_extra, tok):
    meta = {"task": "summarize", "arch": "lstm-pg", "language": "multi", "languages": "en,zh",
            "name": "summarize-multi-lstm-pg", "version": args.version,
            "vocab": model.V, "embed_dim": model.E, "enc_hidden": model.H, "dec_hidden": model.D,
            "max_src_tokens": args.max_src, "max_tgt_tokens": args.max_tgt, "seed": args.seed}
    write_model(model, args, {**meta, **meta_extra}, tok)


def write_golden(model, args, tok, texts=None):
    """The golden file of a decoder (test/unit/golden_decoder.h): per text its source ids, the
    unconstrained greedy ids and the 10 best log P of the first three steps."""
    os.makedirs(os.path.dirname(args.golden), exist_ok=True)
    esc = lambda s: s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")  # noqa: E731
    lines = []
    for text in texts or GOLDEN_TEXTS:
        src = src_ids_of(tok, text, args.max_src)
        ids, trace = model.greedy(src, args.max_tgt, trace_steps=3)
        lines.append("text\t" + esc(text))
        lines.append("src\t" + " ".join(map(str, src)))
        lines.append("greedy\t" + " ".join(map(str, ids)))
        for s in range(3):
            if s < len(trace):
                v, i = torch.topk(trace[s], 10)
                lines.append(f"step{s}\t" + " ".join(f"{int(a)}:{float(b):.6f}" for a, b in zip(i, v)))
            else:
                lines.append(f"step{s}\t")
        lines.append("")
    tmp = args.golden + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, args.golden)


def show_samples(model, data, tok, n=3):
    model.eval()
    for name in summarize_data.DATASETS:
        for s, t in data[f"dev_{name}"][:n]:
            ids, _ = model.greedy(s, 40)
            log(f"  [{name}] {tok.decode(t)!r} -> {tok.decode(ids)!r}")
    model.train()


def main():
    ap = argparse.ArgumentParser(prog="python3 -m summarize.train", description=__doc__.split("\n")[0])
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "models", "tokenizer.ptm"))
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--epochs", type=int, default=30, help="total epochs (resumed runs count the done ones)")
    ap.add_argument("--minutes", type=float, default=70, help="wall-time budget of this run")
    ap.add_argument("--export-minutes", type=float, default=12, help="evaluate+checkpoint at least this often")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--max-src", type=int, default=192)
    ap.add_argument("--max-tgt", type=int, default=40)
    ap.add_argument("--cap", default="myntra=5000,womens=4000",
                    help="pairs per epoch of the large datasets, sampled afresh every epoch")
    ap.add_argument("--exclude", default="", help="datasets left out of training and model selection "
                    "(comma-separated: the leave-one-catalog-out runs)")
    ap.add_argument("--promptcloud-repeat", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--reset-best", action="store_true", help="on resume, forget the best dev loss")
    ap.add_argument("--from-ptm", help="no training: re-export the weights of this .ptm (a kept "
                    "earlier export) to --out, with its golden file")
    ap.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    args = ap.parse_args()
    args.exclude = set(filter(None, args.exclude.split(",")))
    args.golden = os.path.join(ROOT, "test", "golden", "summarize.txt") \
        if os.path.abspath(args.out) == DEFAULT_OUT else os.path.splitext(args.out)[0] + ".golden.txt"
    default_out = os.path.abspath(args.out) == DEFAULT_OUT
    ckpt_path = os.path.join(WORK, "summarize_ckpt.pt") if default_out else os.path.splitext(args.out)[0] + ".ckpt.pt"
    best_path = os.path.join(WORK, "summarize_best.pt") if default_out else os.path.splitext(args.out)[0] + ".best.pt"

    if args.from_ptm:
        tok = Tokenizer.from_file(args.tokenizer)
        meta, tensors = read_ptm(args.from_ptm)
        model = Summarizer(tok.vocab_size, meta["embed_dim"], meta["enc_hidden"], meta["dec_hidden"])
        model.import_tensors(tensors)
        export(model, args, {k: meta[k] for k in ("dev_loss", "epochs", "train_minutes") if k in meta}, tok)
        return
    t_start = time.time()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    tok = Tokenizer.from_file(args.tokenizer)
    data = prepare(tok, args.max_src, args.max_tgt)
    train_ds = [r["ds"] for r in summarize_data.load("train")]
    assert len(train_ds) == len(data["train"])
    log("pairs: " + ", ".join(f"{k} {len(v)}" for k, v in data.items()))

    model = Summarizer(tok.vocab_size, 128, 128, 256, dropout=args.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    state = {"epoch": 0, "best": float("inf"), "lr": args.lr, "minutes": 0.0, "history": []}
    if os.path.exists(ckpt_path) and not args.fresh:
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
        if args.reset_best:      # the dev targets changed: earlier dev losses do not compare
            state["best"] = float("inf")
        log(f"resumed from {ckpt_path}: epoch {state['epoch']}, best dev loss {state['best']:.4f}")
    log(f"{sum(p.numel() for p in model.parameters())} parameters")

    def checkpoint(epoch_done, partial):
        dl, per = dev_loss(model, {d: data[f"dev_{d}"] for d in summarize_data.DATASETS
                                   if d not in args.exclude})
        state["minutes"] += (time.time() - checkpoint.t) / 60
        checkpoint.t = time.time()
        state["history"].append({"epoch": epoch_done, "partial": partial, "dev": dl, "per": per,
                                 "lr": state["lr"], "minutes": round(state["minutes"], 1)})
        log(f"epoch {epoch_done}{' (partial)' if partial else ''}: dev loss {dl:.4f} "
            + " ".join(f"{k} {v:.3f}" for k, v in per.items()) + f", lr {state['lr']:.2e}, "
            f"{state['minutes']:.1f} training minutes in all")
        improved = dl < state["best"]
        if improved:
            state["best"] = dl
            state["best_epoch"] = epoch_done
            torch.save(model.state_dict(), best_path)
        elif not partial:
            state["lr"] *= 0.5
            for g in opt.param_groups:
                g["lr"] = state["lr"]
        state["epoch"] = epoch_done if not partial else state["epoch"]
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)
        if improved:
            export(model, args, {"dev_loss": float(dl), "epochs": float(epoch_done),
                                 "train_minutes": float(round(state["minutes"], 1))}, tok)
            show_samples(model, data, tok)
    checkpoint.t = time.time()

    for g in opt.param_groups:
        g["lr"] = state["lr"]
    model.train()
    deadline = t_start + args.minutes * 60
    out_of_time = False
    for epoch in range(state["epoch"] + 1, args.epochs + 1):
        rng = random.Random(args.seed + epoch)
        torch.manual_seed(args.seed + epoch)
        epoch_idx = epoch_mix(train_ds, rng, args)
        epoch_pairs = [data["train"][i] for i in epoch_idx]
        batches = batches_of(epoch_pairs, args.batch, rng)
        t0, tot, last_export = time.time(), 0.0, time.time()
        for step, idx in enumerate(batches):
            loss, _ = model(*batchify([epoch_pairs[i] for i in idx]))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            tot += loss.item()
            if (step + 1) % 25 == 0:
                log(f"epoch {epoch} step {step + 1}/{len(batches)}: train loss {tot / (step + 1):.4f}, "
                    f"{(time.time() - t0) / (step + 1):.2f}s/batch")
            if time.time() > deadline:
                out_of_time = True
                break
            if time.time() - last_export > args.export_minutes * 60 and step < len(batches) - 50:
                checkpoint(epoch - 1 + (step + 1) / len(batches), True)
                last_export = time.time()
        if out_of_time:
            log(f"time budget of {args.minutes} minutes reached in epoch {epoch}")
            checkpoint(epoch - 1 + (step + 1) / len(batches), True)
            break
        checkpoint(epoch, False)
    log(f"done: best dev loss {state['best']:.4f} at epoch {state.get('best_epoch')}; "
        f"{state['minutes']:.1f} training minutes")


if __name__ == "__main__":
    main()
