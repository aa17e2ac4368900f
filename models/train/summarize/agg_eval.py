"""summarize/agg_eval.py — pt_summarize_many (summarize_agg) on FewSum against lead and TextRank.

Each FewSum row is 8 reviews of one product (src, joined by " </s> ") and a
human opinion summary (tgt); a product has 3 references, one row each.  The
C function gets the 8 reviews as 8 texts; the baselines get src as one
text.  Budgets: N = the split's mean reference length, in words for the
baselines (ROUGE units) and in characters for the C function (its
max_chars), so all three write summaries of the references' length.

    make core-lib
    cd models/train && /usr/bin/python3 -m summarize.agg_eval          # train and val
    cd models/train && /usr/bin/python3 -m summarize.agg_eval --split train --lib /tmp/variant.so -q

The parameters of summarize_agg.c were tuned on train only; val is the
held-out report.  Each review's polarity (the C sentiment model,
models/sentiment-en.ptm, as summarize_agg() gets it from sentiment()) is passed
along, so negative and positive points follow the group's sentiment; --no-polarity
leaves it out (summarize_agg without a sentiment model).  Prints ROUGE-1/2/L F1 (x100, mean over rows) and the count
of output facts not found in the reviews (common.metrics.unsupported_facts).
"""
import argparse
import ctypes
import json
import os
from ctypes import POINTER, byref, c_char, c_char_p, c_float, c_int, c_size_t, c_void_p

from common import DATA, ROOT
from common import metrics as sm

FEWSUM = os.path.join(DATA, "pairs", "en_fewsum_reviews2summary.jsonl")
SEP = " </s> "


class PtErr(ctypes.Structure):
    _fields_ = [("code", c_int), ("sys_errno", c_int), ("msg", c_char * 512)]


class SummarizeMany:
    """The one binding this script needs: pt_summarize_many (summarize.h)."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        f = lib.pt_summarize_many
        f.restype = c_int
        f.argtypes = [POINTER(c_char_p), POINTER(c_size_t), c_size_t, c_size_t, c_size_t,
                      POINTER(c_float), POINTER(c_void_p), POINTER(c_size_t), POINTER(PtErr)]
        lib.pt_free.restype = None
        lib.pt_free.argtypes = [c_void_p]
        self.lib = lib

    def __call__(self, texts, max_chars, max_input_chars=0, polarity=None):
        enc = [t.encode("utf-8") for t in texts]
        n = len(enc)
        arr = (c_char_p * max(n, 1))(*enc)
        lens = (c_size_t * max(n, 1))(*[len(b) for b in enc])
        pol = None if polarity is None else (c_float * max(n, 1))(*polarity)
        out, out_len, err = c_void_p(), c_size_t(), PtErr()
        rc = self.lib.pt_summarize_many(arr, lens, n, max_chars, max_input_chars, pol,
                                        byref(out), byref(out_len), byref(err))
        if rc != 0:
            raise ValueError(f"pt_summarize_many: {err.msg.decode(errors='replace')} ({rc})")
        s = ctypes.string_at(out, out_len.value).decode("utf-8")
        self.lib.pt_free(out)
        return s


def load(split):
    with open(FEWSUM, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [r for r in rows if r["split"] == split]


def polarities(reviews, sentiment):
    """sentiment(text) of each review: P(positive) - P(negative) of the C model; None without one."""
    if sentiment is None:
        return None
    p = sentiment.probs(reviews)
    return [float(x[2] - x[0]) for x in p]


def evaluate(rows, summarize, show=0, chars=None, sentiment=None):
    refs = [r["tgt"] for r in rows]
    n_words = round(sum(sm.n_units(t, "en") for t in refs) / len(refs))
    n_chars = chars or round(sum(len(t) for t in refs) / len(refs))
    systems = {"summarize_agg": [], "lead": [], "textrank": []}
    cache = {}
    for r in rows:
        src = r["src"]
        if src not in cache:
            reviews = src.split(SEP)
            cache[src] = (summarize(reviews, n_chars, polarity=polarities(reviews, sentiment)),
                          sm.lead(src, n_words),
                          sm.textrank(src, n_words))
        for name, out in zip(systems, cache[src]):
            systems[name].append(out)
    res = {}
    for name, outs in systems.items():
        sc = sm.rouge_corpus(outs, refs, ["en"] * len(refs))
        facts = 0
        over = 0
        for r, o in zip(rows, outs):
            facts += len(sm.unsupported_facts(r["src"].replace(SEP, " "), o))
        if name == "summarize_agg":
            over = sum(len(o) > n_chars for o in outs)
        sc["facts"] = facts
        sc["over_budget"] = over
        sc["mean_words"] = sum(sm.n_units(o, "en") for o in outs) / len(outs)
        res[name] = sc
    for i in range(min(show, len(rows))):
        print("--- ", rows[i]["id"])
        print("REF:", refs[i])
        print("OUT:", systems["summarize_agg"][i])
    return res, n_words, n_chars


def main():
    ap = argparse.ArgumentParser(prog="python3 -m summarize.agg_eval", description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["train", "val", "both"], default="both")
    ap.add_argument("--lib", default=os.environ.get("PTCORE_LIB",
                                                    os.path.join(ROOT, "build", "libptcore.so")))
    ap.add_argument("--chars", type=int, default=None, help="budget override (characters)")
    ap.add_argument("--show", type=int, default=0, help="print this many outputs")
    ap.add_argument("-q", action="store_true", help="one line per split")
    ap.add_argument("--no-polarity", action="store_true", help="no review polarities (no sentiment model)")
    args = ap.parse_args()
    summarize = SummarizeMany(args.lib)
    sentiment = None
    if not args.no_polarity:
        from common.ptcore import Sentiment
        sentiment = Sentiment(os.path.join(ROOT, "models", "sentiment-en.ptm"))
    for split in (["train", "val"] if args.split == "both" else [args.split]):
        rows = load(split)
        res, n_words, n_chars = evaluate(rows, summarize, args.show, args.chars, sentiment)
        if args.q:
            s = res["summarize_agg"]
            print(f"{split} R1 {s['rouge1']:.2f} R2 {s['rouge2']:.2f} RL {s['rougeL']:.2f} "
                  f"facts {s['facts']} words {s['mean_words']:.1f}")
            continue
        print(f"FewSum {split}: {len(rows)} rows; N = {n_words} words (baselines), "
              f"{n_chars} characters (summarize_agg)")
        print(f"  {'system':<14} {'R-1':>6} {'R-2':>6} {'R-L':>6} {'facts':>6} {'words':>6}")
        for name, s in res.items():
            print(f"  {name:<14} {s['rouge1']:6.2f} {s['rouge2']:6.2f} {s['rougeL']:6.2f} "
                  f"{s['facts']:6d} {s['mean_words']:6.1f}")
        if res["summarize_agg"]["over_budget"]:
            print(f"  WARNING: {res['summarize_agg']['over_budget']} outputs over budget")


if __name__ == "__main__":
    main()
