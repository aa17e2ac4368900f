"""common/decoder_shortlist.py — give the summarize model an output shortlist, the smallest that costs ≤ 0.5 points.

Every decoder step of every hypothesis multiplied the decoder's output by all 16,000 rows of the
tied embedding and normalized over them, although a summary's words are nearly all copied from
its source or among the words summaries use most.  With a shortlist (the tensor "shortlist", i32
[N], read by src/core/seq2seq.c) a batch scores only those N ids, every id of its sources, and
<eos>, and normalizes over them (vocabulary selection, as in Jean et al. 2015 and Marian's
shortlists).

The list: the ids of the training split's targets (summarize.data.load("train"), the split the
model was trained on; no dev row), most frequent first, cut at N.  The gate (issue 8): the C core
decodes every dev source as served (beam 4, 200 characters, the file's 8-bit layers) over all ids
and over the shortlist; the smallest N of SIZES whose ROUGE-L drops by no more than 0.5 points on
any dev set (2 on a set under 100 rows: decoder_quantize.excess_drop), and which invents no fact
the full vocabulary does not, is kept.

    cd models/train && /usr/bin/python3 -m common.decoder_shortlist --model ../../models/summarize-multi.ptm --version 1.2.0
"""
import argparse
import collections
import sys

import numpy as np

from common import ptcore
from common.decoder_quantize import dev_sets, excess_drop, outputs, score
from common.ptm import read_ptm, write_ptm
from summarize import data as summarize_data

SIZES = (1000, 2000, 3000, 4000, 6000)


def ranked_target_ids(tok, exclude=()):
    """Ids of the training targets (but those of the datasets in exclude), most frequent first
    (ties: lower id first)."""
    counts = collections.Counter()
    for row in summarize_data.load("train"):
        if row["ds"] not in exclude:
            counts.update(tok.encode(row["tgt"]))
    return [i for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def dev_scores(path, sets, shortlist):
    """{dev set: (ROUGE-L, invented facts)} of the C core's outputs as served."""
    result = {}
    for name, rows in sets.items():
        srcs, refs = [r["src"] for r in rows], [r["tgt"] for r in rows]
        _, value, invented = score("summarize", name, srcs, refs,
                                   outputs("summarize", path, srcs, True, shortlist))
        result[name] = (value, invented)
    return result


def main():
    ap = argparse.ArgumentParser(prog="python3 -m common.decoder_shortlist", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", help="default: rewrite --model in place")
    ap.add_argument("--version", help="the model version to record when a shortlist is kept")
    args = ap.parse_args()
    out = args.out or args.model
    meta, tensors = read_ptm(args.model)
    if meta["task"] != "summarize":
        raise SystemExit("a shortlist is for the summarize model")
    base = {k: v for k, v in tensors.items() if k != "shortlist"}
    ranked = ranked_target_ids(ptcore.Tokenizer.from_file(args.model))
    print(f"[shortlist] {len(ranked)} distinct ids in the training targets", flush=True)
    sets = dev_sets("summarize")
    write_ptm(out, meta, base)
    full = dev_scores(out, sets, False)
    for n in SIZES:
        if n >= len(ranked):
            break
        write_ptm(out, meta, {**base, "shortlist": np.array(ranked[:n], dtype=np.int32)})
        short = dev_scores(out, sets, True)
        worst = (-1e9, "")
        for name, (value, invented) in short.items():
            print(f"[shortlist] {n:5} ids: {name:12} ROUGE-L all ids {full[name][0]:6.2f}  shortlist {value:6.2f}  "
                  f"invented facts {full[name][1]} / {invented}", flush=True)
            worst = max(worst, (excess_drop(full[name][0] - value, len(sets[name])), f"{name} ROUGE-L"),
                        (100.0 if invented > full[name][1] else -1e9, f"{name} invented facts"))
        if worst[0] <= 0:
            if args.version:
                write_ptm(out, {**meta, "version": args.version},
                          {**base, "shortlist": np.array(ranked[:n], dtype=np.int32)})
            print(f"[shortlist] {n} ids: within the gate ({worst[1]} closest, {worst[0]:.2f} points from it): "
                  f"kept in {out}")
            return 0
        print(f"[shortlist] {n} ids: costs {worst[1]} ({worst[0]:.2f} points over the gate)")
    write_ptm(out, meta, base)
    print("[shortlist] none kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
