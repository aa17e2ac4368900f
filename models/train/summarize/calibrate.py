"""summarize/calibrate.py — when summarize() should not abstract: the beam-score floor, and the
per-catalog table that shows what it buys.

    cd models/train && /usr/bin/python3 -m summarize.calibrate              # table only
    cd models/train && /usr/bin/python3 -m summarize.calibrate --write      # and store the floor

summarize() drops an abstract whose beam score (mean log P per token, LENGTH_ALPHA 1) is below
the model file's `abstract_min_score`, and returns the extractive summary instead.  The floor
is chosen on the dev splits of the catalogs the model was trained on (summarize/data.py:
myntra, promptcloud, womens, zh): the value of GRID with the best macro-mean ROUGE-L.  Two
catalogs the model never saw are scored with the chosen floor and never tuned on:
  airbnb   ../shared/data/pairs/en_airbnb_description2name.jsonl (listing -> host's name)
  leipzig  ../shared/data/products/en_leipzig.jsonl (electronics/software description -> title)
(HELD_OUT_ROWS each, drawn with the fixed seed.)  Every system gets the same length: the
summarizer a budget of the set's mean reference length in characters, lead and TextRank
(common.metrics) the mean reference length in words (characters for zh).  All systems see
the input as summarize() does (boilerplate and all); the served path runs with the
boilerplate detector (models/boilerplate-multi.ptm), beam 4, extractive_fill 0.  Trust: words
of the output outside the input (../shared/tools/trust_check.py's outside_words) and facts
the input lacks (common.metrics.unsupported_facts).
"""
import argparse
import importlib.util
import math
import os
import random

from common import DATA, ROOT, SEED, ptcore, read_jsonl
from common.metrics import lead, n_units, rouge_corpus, textrank, unsupported_facts
from common.ptm import read_ptm, write_ptm
from summarize import data as summarize_data

GRID = [-math.inf, -2.0, -1.6, -1.3, -1.1, -0.9, -0.7, -0.5, -0.3]
HELD_OUT_ROWS = 500


def trust_checker():
    path = os.path.join(os.path.dirname(DATA), "tools", "trust_check.py")
    spec = importlib.util.spec_from_file_location("trust_check", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def held_out_sets():
    rng = random.Random(SEED)
    airbnb = [{"src": r["src"], "tgt": r["tgt"]} for r in read_jsonl("pairs/en_airbnb_description2name.jsonl")
              if r["src"] and r["tgt"]]
    leipzig = [{"src": r["description"], "tgt": r["title"]} for r in read_jsonl("products/en_leipzig.jsonl")
               if r.get("description") and r.get("title") and len(r["description"]) > len(r["title"]) + 20]
    return {name: rng.sample(rows, min(HELD_OUT_ROWS, len(rows)))
            for name, rows in (("airbnb", airbnb), ("leipzig", leipzig))}


def served(s, b, srcs, budget, floor):
    s.set_min_score(floor)
    out = []
    for i in range(0, len(srcs), 32):
        out += s.summarize(srcs[i:i + 32], max_chars=budget, beam_width=4, extractive_fill=0, boiler=b)
    return out


def kept_share(outs, abstracts):
    """% of rows whose abstract survives the floor: the output is what it is with no floor."""
    return 100 * sum(o == a for o, a in zip(outs, abstracts)) / len(outs)


def score(outs, srcs, refs, lang, tc):
    r = rouge_corpus(outs, refs, [lang] * len(refs))["rougeL"]
    outside = sum(bool(tc.outside_words(s, o)) for s, o in zip(srcs, outs)) / len(outs)
    facts = sum(len(unsupported_facts(s, o)) for s, o in zip(srcs, outs))
    return r, 100 * outside, facts


def main():
    ap = argparse.ArgumentParser(prog="python3 -m summarize.calibrate", description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "summarize-multi.ptm"))
    ap.add_argument("--boiler", default=os.path.join(ROOT, "models", "boilerplate-multi.ptm"))
    ap.add_argument("--limit", type=int, default=600, help="rows per trained catalog's dev set")
    ap.add_argument("--write", action="store_true", help="store the chosen floor in --model")
    args = ap.parse_args()
    tc = trust_checker()
    sets = {name: summarize_data.load(f"dev_{name}")[:args.limit] for name in summarize_data.DATASETS}
    held = held_out_sets()
    sets.update(held)
    s, b = ptcore.Summarizer(args.model), ptcore.Boiler(args.boiler)
    results = {}
    for name, rows in sets.items():
        lang = "zh" if name == "zh" else "en"
        srcs, refs = [r["src"] for r in rows], [r["tgt"] for r in rows]
        budget = max(8, round(sum(len(r) for r in refs) / len(refs)))
        n = max(1, round(sum(n_units(r, lang) for r in refs) / len(refs)))
        base = {"lead": score([lead(x, n, lang) for x in srcs], srcs, refs, lang, tc),
                "textrank": score([textrank(x, n, lang) for x in srcs], srcs, refs, lang, tc)}
        abstracts = served(s, b, srcs, budget, -math.inf)
        by_floor = {}
        for floor in GRID if name not in held else [-math.inf]:
            outs = served(s, b, srcs, budget, floor)
            by_floor[floor] = (score(outs, srcs, refs, lang, tc), kept_share(outs, abstracts))
        results[name] = (rows, lang, budget, base, by_floor, srcs, refs)
        print(f"{name}: {len(rows)} rows, budget {budget} chars; lead R-L {base['lead'][0]:.2f}, "
              f"TextRank {base['textrank'][0]:.2f}; " +
              ", ".join(f"floor {f}: {v[0][0]:.2f} ({v[1]:.0f}% abstract)" for f, v in by_floor.items()),
              flush=True)
    trained = [k for k in summarize_data.DATASETS]
    best = max(GRID, key=lambda f: sum(results[k][4][f][0][0] for k in trained))
    print(f"\nchosen floor: {best} (best macro ROUGE-L over {', '.join(trained)})\n")
    print("| catalog | rows | lead R-L | TextRank R-L | summarize R-L | abstracts kept | words outside input | invented facts |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (rows, lang, budget, base, by_floor, srcs, refs) in results.items():
        if name in held:
            outs = served(s, b, srcs, budget, best)
            (r, outside, facts), share = score(outs, srcs, refs, lang, tc), \
                kept_share(outs, served(s, b, srcs, budget, -math.inf))
            name = name + " (unseen)"
        else:
            (r, outside, facts), share = by_floor[best]
        print(f"| {name} | {len(rows)} | {base['lead'][0]:.2f} | {base['textrank'][0]:.2f} | {r:.2f} | "
              f"{share:.0f} % | {outside:.1f} % | {facts} |")
    if args.write:
        meta, tensors = read_ptm(args.model)
        meta["abstract_min_score"] = float(best)
        meta["version"] = "1.3.0"
        write_ptm(args.model, meta, tensors)
        print(f"wrote abstract_min_score {best} into {args.model} (version 1.3.0)")


if __name__ == "__main__":
    main()
