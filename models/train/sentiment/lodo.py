"""sentiment/lodo.py — leave-one-domain-out: the number that predicts a shop never seen.

    cd models/train && /usr/bin/python3 -m sentiment.lodo --lang en [--domain reviews/en_amazon_alexa.jsonl]

For every labelled review file of the language (sentiment.data.FILES): train
the served recipe without it — its labels, and its text in the pre-trained
embeddings — and score every row of it; TF-IDF + logistic regression
(sentiment.baselines) is trained on the same rows and scored on the same
rows.  Each fold's per-row outputs (CNN and linear logits, TF-IDF
probabilities) are stored in work/lodo-<lang>/<domain>.npz as it finishes
(a rerun skips finished folds unless --fresh), so that the ensemble's
weight (--linear-weight) is chosen on this table without retraining.  The table:
binary accuracy and macro-F1 per domain, pooled over every row, and the
share of `neutral` labels on 3-star and on 1-2 / 4-5-star rows.
"""
import argparse
import os
import time

import numpy as np
import torch

from common import WORK, ascii_lower
from common.embeddings_train import embeddings
from common.ptcore import Tokenizer, normalize
from sentiment import data as sentiment_data
from sentiment.baselines import lr_probs
from sentiment.eval import macro_f1
from sentiment.train import add_model_arguments, ensemble, fit, half_logits, resolve_model_arguments, softmax

SYSTEMS = ("ensemble", "cnn", "linear", "tfidf+lr")


def scores(gold, three, probs):
    """Counts for one domain and system: binary hits, 3-class predictions, neutral labels by star class."""
    pred = probs.argmax(1)
    polar = gold != 1
    return {"binary_rows": int(polar.sum()),
            "binary_hits": int(((probs[:, 2] > probs[:, 0]) == (gold == 2))[polar].sum()),
            "macro_f1": macro_f1(gold.tolist(), pred.tolist()) if three else None,
            "neutral_on_3": [int((pred[~polar] == 1).sum()), int((~polar).sum())],
            "neutral_on_polar": [int((pred[polar] == 1).sum()), int(polar.sum())]}


def run_fold(lang, held_file, tok, args):
    """Train without held_file, return its rows' outputs: {gold, three, cnn, linear, tfidf}."""
    prep = lambda s: ascii_lower(normalize(s))  # noqa: E731
    train_rows, _, held_rows = sentiment_data.load(lang, prep, [held_file])
    t0 = time.time()
    log = lambda m: print(f"[{lang} -{os.path.basename(held_file)}] {m}", flush=True)  # noqa: E731
    log(f"{len(train_rows)} training rows, {len(held_rows)} held-out rows")
    emb = embeddings(tok, args.embed, exclude=sentiment_data.file_texts(held_file, prep)) \
        if args.pretrained else None
    model, lin_W, lin_b = fit(tok, train_rows, emb, args, log)
    out = {"gold": np.array([r[1] for r in held_rows]), "three": np.array(held_rows[0][3])}
    out["cnn"], out["linear"] = half_logits(model, lin_W, lin_b, tok, held_rows, args)
    out["tfidf"] = lr_probs(train_rows, held_rows, lang)
    log(f"done in {time.time() - t0:.0f}s")
    return out


def systems(fold, args):
    """Probabilities of each system on a fold, the ensemble weighed by --linear-weight."""
    return {"ensemble": ensemble(fold["cnn"], fold["linear"], args.linear_weight), "cnn": softmax(fold["cnn"]),
            "linear": softmax(fold["linear"]), "tfidf+lr": fold["tfidf"]}


def table(folds, args):
    """Markdown: binary accuracy (macro-F1) per domain and system, pooled, and the neutral shares."""
    results = {}
    for dom, fold in folds.items():
        probs = systems(fold, args)
        results[dom] = {s: scores(fold["gold"], bool(fold["three"]), probs[s]) for s in SYSTEMS}
    lines = ["| held-out domain (rows) | " + " | ".join(SYSTEMS) + " | ensemble − TF-IDF |",
             "|---" * (len(SYSTEMS) + 2) + "|"]
    pooled = {s: [0, 0] for s in SYSTEMS}
    for dom, fold in results.items():
        cells = []
        for s in SYSTEMS:
            f = fold[s]
            pooled[s][0] += f["binary_hits"]
            pooled[s][1] += f["binary_rows"]
            acc = f["binary_hits"] / f["binary_rows"]
            cells.append(f"{acc:.4f}" + (f" / {f['macro_f1']:.4f}" if f["macro_f1"] is not None else ""))
        diff = (fold["ensemble"]["binary_hits"] - fold["tfidf+lr"]["binary_hits"]) / fold["ensemble"]["binary_rows"]
        lines.append(f"| {os.path.basename(dom)} ({fold['ensemble']['binary_rows']:,}) | " + " | ".join(cells)
                     + f" | {100 * diff:+.2f} |")
    acc = {s: pooled[s][0] / pooled[s][1] for s in SYSTEMS}
    means = {s: np.mean([f[s]["binary_hits"] / f[s]["binary_rows"] for f in results.values()]) for s in SYSTEMS}
    lines.append("| **pooled** (every row) | " + " | ".join(f"**{acc[s]:.4f}**" for s in SYSTEMS)
                 + f" | **{100 * (acc['ensemble'] - acc['tfidf+lr']):+.2f}** |")
    lines.append("| mean of the domains | " + " | ".join(f"{means[s]:.4f}" for s in SYSTEMS)
                 + f" | {100 * (means['ensemble'] - means['tfidf+lr']):+.2f} |")
    starred = [(dom, f["ensemble"]) for dom, f in results.items() if f["ensemble"]["neutral_on_3"][1]]
    if starred:             # binary files have no 3-star rows to calibrate on
        lines += ["", "| held-out domain | neutral on 3-star rows | neutral on 1-2 / 4-5-star rows |", "|---|---|---|"]
    for dom, f in starred:
        n3, t3 = f["neutral_on_3"]
        npol, tpol = f["neutral_on_polar"]
        lines.append(f"| {os.path.basename(dom)} | {n3 / t3:.1%} ({n3:,} of {t3:,}) | {npol / tpol:.1%} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(prog="python3 -m sentiment.lodo", description=__doc__.split("\n")[0])
    add_model_arguments(ap)
    ap.add_argument("--domain", action="append", metavar="FILE", help="only these folds (default: every file)")
    ap.add_argument("--pretrained", type=int, default=1, help="1: PPMI-SVD embeddings without the held-out text")
    ap.add_argument("--out", help="folder of the folds' outputs (default work/lodo-<lang>)")
    ap.add_argument("--fresh", action="store_true", help="recompute folds already stored")
    args = resolve_model_arguments(ap.parse_args())
    torch.set_num_threads(args.threads)
    out = args.out or os.path.join(WORK, f"lodo-{args.lang}")
    os.makedirs(out, exist_ok=True)
    tok = Tokenizer.from_file(args.tokenizer)
    folds = {}
    for dom in args.domain or sentiment_data.FILES[args.lang]:
        path = os.path.join(out, os.path.basename(dom).replace(".jsonl", ".npz"))
        if args.fresh or not os.path.exists(path):
            np.savez(path, **run_fold(args.lang, dom, tok, args))
        folds[dom] = dict(np.load(path))
    print(table(folds, args))


if __name__ == "__main__":
    main()
