"""rewrite/train.py — train the rewrite model (rewrite/model.py) and export models/rewrite-multi.ptm.

    cd models/train && nohup /usr/bin/python3 -m rewrite.train --minutes 66 --fresh \
        > work/rewrite_train.log 2>&1 &

Pairs: rewrite/data.py (train, dev_en, dev_zh; cached in models/train/work/).  Every
--export-minutes (and at the end of each epoch and of the time budget) it evaluates the dev
loss, saves a resumable checkpoint (models/train/work/rewrite_ckpt.pt, including the position
inside the epoch) and, when the dev loss improved, exports the model (+ the golden file
test/golden/rewrite.txt when --out is the default path).  Rerunning the same command resumes
where it stopped; --minutes bounds the wall time of one run.  Adam, linear warmup then
inverse-square-root decay, gradient clipping, no label smoothing, fixed seeds, batches
bucketed by length.  The training forward pass runs under bf16 autocast (--bf16 1; the
output log-softmax and the copy mixture in fp32); weights, dev loss, export and the golden
file are fp32.  One thread by default, two while the load average says the machine is idle
(the machine is shared with other training jobs: two threads on a loaded machine were slower).
"""
import argparse
import os
import random
import time

import numpy as np
import torch

from common import ROOT, SEED, WORK
from common.ptcore import Tokenizer, tidy
from rewrite import data as rewrite_data
from rewrite.model import LN_EPS, Rewriter
from summarize.train import batches_of, batchify, dev_loss, log, token_pairs, write_model
DEFAULT_OUT = os.path.join(ROOT, "models", "rewrite-multi.ptm")
DEV_SPLITS = ("dev_en", "dev_zh")

GOLDEN_TEXTS = [
    "HOT SALE!!! Navy blue solid casual shirt, has a spread collar, long sleeves. NAVY BLUE SOLID CASUAL SHIRT. "
    "100% cotton. Free shipping on all orders!!! 🔥🔥🔥",
    "<b>BEST PRICE</b> Black and grey printed medium trolley bag,, secured with a TSA lock. Warranty: 5 years "
    "★★★ Contact us for wholesale.",
    "【爆款】这款连衣裙采用柔软的针织面料，简约的纯色设计，尽显优雅气质！！！包邮 亲，欢迎光临本店",
    "限时抢购 这款BRAND牛仔裤采用高腰设计，显瘦又显高。这款BRAND牛仔裤采用高腰设计。七天无理由退换",
]


def prepare(tok, S, T):
    """Token ids of every split.  The source is tidied (ptcore.tidy, src/core/tidy.h) as rewrite()
    tidies it before the model: the model learns the noise the rules leave (spam, boilerplate,
    keyword lists).  Rows are normalized already (normalize is idempotent)."""
    splits = ("train",) + DEV_SPLITS
    return token_pairs(tok, {s: rewrite_data.load(s) for s in splits}, S, T, "rewrite_tok.pt",
                       src_of=tidy, tag="tidy")


def build_model(vocab, args):
    return Rewriter(vocab, args.d_model, args.heads, args.ffn, args.enc_layers, args.dec_layers,
                    args.max_src, args.max_tgt, dropout=args.dropout)


def export(model, args, meta_extra, tok):
    meta = {"task": "rewrite", "arch": "tf-copy", "language": "multi", "languages": "en,zh",
            "name": "rewrite-multi-tf-copy", "version": args.version,
            "vocab": model.V, "d_model": model.d, "heads": model.h, "ffn": model.F,
            "enc_layers": model.Le, "dec_layers": model.Ld,
            "max_src_tokens": args.max_src, "max_tgt_tokens": args.max_tgt, "ln_eps": float(LN_EPS),
            "seed": args.seed}
    write_model(model, args, {**meta, **meta_extra}, tok, GOLDEN_TEXTS)


def show_samples(model, data, tok, n=1):
    model.eval()
    for name in DEV_SPLITS:
        for s, t in data[name][:n]:
            ids, _ = model.greedy(s, min(len(s) + 8, 100))
            log(f"  [{name}] {tok.decode(s)!r}\n      -> {tok.decode(ids)!r}\n      ref {tok.decode(t)!r}")
    model.train()


def main():
    ap = argparse.ArgumentParser(prog="python3 -m rewrite.train", description=__doc__.split("\n")[0])
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "models", "tokenizer.ptm"))
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--version", default="1.1.0")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--minutes", type=float, default=70, help="wall-time budget of this run")
    ap.add_argument("--export-minutes", type=float, default=10, help="evaluate+checkpoint at least this often")
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--lr", type=float, default=1.5e-3, help="peak learning rate")
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=512)
    ap.add_argument("--enc-layers", type=int, default=3)
    ap.add_argument("--dec-layers", type=int, default=3)
    ap.add_argument("--max-src", type=int, default=160)
    ap.add_argument("--max-tgt", type=int, default=160)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dev-pairs", type=int, default=300, help="dev pairs per language for the dev loss "
                    "(the first of each dev file; 0 = all)")
    ap.add_argument("--threads-when-idle", type=int, default=2,
                    help="threads while the 1-minute load average is low (0 = always --threads)")
    ap.add_argument("--bf16", type=int, default=1, help="bf16 autocast of the training forward pass "
                    "(weights, dev loss, export and golden file stay fp32)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    args = ap.parse_args()
    default = os.path.abspath(args.out) == DEFAULT_OUT
    args.golden = os.path.join(ROOT, "test", "golden", "rewrite.txt") if default \
        else os.path.splitext(args.out)[0] + ".golden.txt"
    ckpt_path = os.path.join(WORK, "rewrite_ckpt.pt") if default else os.path.splitext(args.out)[0] + ".ckpt.pt"
    best_path = os.path.join(WORK, "rewrite_best.pt") if default else os.path.splitext(args.out)[0] + ".best.pt"

    t_start = time.time()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    tok = Tokenizer.from_file(args.tokenizer)
    data = prepare(tok, args.max_src, args.max_tgt)
    log("pairs: " + ", ".join(f"{k} {len(v)}" for k, v in data.items()))

    model = build_model(tok.vocab_size, args)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.98), eps=1e-9)
    state = {"epoch": 1, "pos": 0, "step": 0, "best": float("inf"), "minutes": 0.0, "history": []}
    if os.path.exists(ckpt_path) and not args.fresh:
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
        torch.set_rng_state(ck["torch_rng"])
        log(f"resumed from {ckpt_path}: epoch {state['epoch']} batch {state['pos']}, step {state['step']}, "
            f"best dev loss {state['best']:.4f}")
    log(f"{sum(p.numel() for p in model.parameters())} parameters")

    def lr_at(step):
        step = max(step, 1)
        return args.lr * min(step / args.warmup, (args.warmup / step) ** 0.5)

    def checkpoint(n_batches):
        dl, per = dev_loss(model, {n: data[n][:args.dev_pairs or None] for n in DEV_SPLITS}, batch=64)
        state["minutes"] += (time.time() - checkpoint.t) / 60
        checkpoint.t = time.time()
        ep = state["epoch"] - 1 + state["pos"] / n_batches
        state["history"].append({"step": state["step"], "epoch": round(ep, 3), "dev": dl, "per": per,
                                 "minutes": round(state["minutes"], 1)})
        log(f"step {state['step']} (epoch {ep:.2f}): dev loss {dl:.4f} "
            + " ".join(f"{k} {v:.3f}" for k, v in per.items())
            + f", {state['minutes']:.1f} training minutes in all")
        improved = dl < state["best"]
        if improved:
            state["best"] = dl
            state["best_step"] = state["step"]
            torch.save(model.state_dict(), best_path)
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state,
                    "torch_rng": torch.get_rng_state()}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)
        if improved:
            export(model, args, {"dev_loss": float(dl), "epochs": float(round(ep, 3)), "steps": state["step"],
                                 "train_minutes": float(round(state["minutes"], 1))}, tok)
            show_samples(model, data, tok)
    checkpoint.t = time.time()

    model.train()
    deadline = t_start + args.minutes * 60
    train = data["train"]
    out_of_time = False
    while state["epoch"] <= args.epochs and not out_of_time:
        epoch = state["epoch"]
        batches = batches_of(train, args.batch, random.Random(args.seed + epoch))
        t0, tot, done, last_export = time.time(), 0.0, 0, time.time()
        while state["pos"] < len(batches):
            idx = batches[state["pos"]]
            for g in opt.param_groups:
                g["lr"] = lr_at(state["step"] + 1)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(args.bf16)):
                loss, _ = model(*batchify([train[i] for i in idx]))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            state["pos"] += 1
            state["step"] += 1
            tot += loss.item()
            done += 1
            if done % 25 == 0 and args.threads_when_idle:
                # the machine is shared: more threads only pay when the other jobs are gone
                want = args.threads_when_idle if os.getloadavg()[0] < args.threads_when_idle + 1.5 \
                    else args.threads
                if want != torch.get_num_threads():
                    torch.set_num_threads(want)
                    log(f"now {want} threads (load {os.getloadavg()[0]:.1f})")
            if done % 50 == 0:
                log(f"epoch {epoch} batch {state['pos']}/{len(batches)} step {state['step']}: train loss "
                    f"{tot / done:.4f}, {(time.time() - t0) / done:.2f}s/batch, lr {lr_at(state['step']):.2e}")
            if time.time() > deadline:
                out_of_time = True
                break
            if time.time() - last_export > args.export_minutes * 60:
                checkpoint(len(batches))
                last_export = time.time()
        if out_of_time:
            log(f"time budget of {args.minutes} minutes reached in epoch {epoch}")
            checkpoint(len(batches))
            break
        state["epoch"] += 1
        state["pos"] = 0
        checkpoint(len(batches))
    log(f"done: best dev loss {state['best']:.4f} at step {state.get('best_step')}; "
        f"{state['minutes']:.1f} training minutes")


if __name__ == "__main__":
    main()
