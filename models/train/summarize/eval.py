"""summarize/eval.py — dev-set scores of summarize() against the lead and TextRank baselines.

    cd models/train && /usr/bin/python3 -m summarize.eval              # the C path (pt_summarize)
    cd models/train && /usr/bin/python3 -m summarize.eval --pytorch    # PyTorch greedy (progress only)

Dev sets: one per source dataset (summarize/data.py): myntra, promptcloud, womens (English)
and zh (silver Chinese pairs).  ROUGE-1/2/L F1 x100 (common.metrics: lower-cased word tokens for
English, characters for Chinese).  The C path runs pt_summarize with beam_width 4,
extractive_fill 0, max_chars 200, max_input_chars 0.  Baselines get N units, N = the dev
set's mean reference length (words for en, characters for zh): lead = the first N units,
TextRank = a sentence extract of about N units.  Unsupported facts: output facts absent from
the input, counted by the C checker (pt_facts_unsupported) and by the independent regex
checker (common.metrics.unsupported_facts).
"""
import argparse
import json
import os
import time

from common import ROOT, WORK, ptcore
from common.metrics import lead, n_units, rouge_corpus, textrank, unsupported_facts
from summarize import data as summarize_data


def c_outputs(model_path, srcs, args):
    outs = []
    with ptcore.Summarizer(model_path) as s:
        for i in range(0, len(srcs), args.batch):
            outs += s.summarize(srcs[i:i + args.batch], max_chars=args.max_chars, beam_width=args.beam,
                                max_input_chars=0, extractive_fill=0)
    return outs


def torch_outputs(srcs, tok):
    import torch
    from summarize.model import EOS, Summarizer
    torch.set_num_threads(1)
    m = Summarizer(tok.vocab_size, 128, 128, 256)
    m.load_state_dict(torch.load(os.path.join(WORK, "summarize_best.pt")))
    m.eval()
    outs = []
    for s in srcs:
        ids, _ = m.greedy(tok.encode(ptcore.normalize(s))[:191] + [EOS], 40)
        outs.append(tok.decode([i for i in ids if i != EOS]))
    return outs


def main():
    ap = argparse.ArgumentParser(prog="python3 -m summarize.eval", description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "summarize-multi.ptm"))
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "models", "tokenizer.ptm"))
    ap.add_argument("--pytorch", action="store_true", help="PyTorch greedy decoding of the best checkpoint")
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--max-chars", type=int, default=200)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--limit", type=int, default=0, help="first N rows of each dev set (0 = all)")
    ap.add_argument("--json", default=os.path.join(WORK, "summarize_eval.json"))
    ap.add_argument("--show", type=int, default=3)
    args = ap.parse_args()

    tok = ptcore.Tokenizer.from_file(args.tokenizer)
    c_facts = ptcore.has_symbol("pt_facts_unsupported")
    results = {}
    print(f"{'dev set':12} {'rows':>5} {'system':10} {'R-1':>6} {'R-2':>6} {'R-L':>6} {'facts C':>8} {'facts re':>8}")
    for name in summarize_data.DATASETS:
        rows = summarize_data.load(f"dev_{name}")
        if args.limit:
            rows = rows[:args.limit]
        lang = "zh" if name == "zh" else "en"
        srcs = [r["src"] for r in rows]
        refs = [r["tgt"] for r in rows]
        langs = [lang] * len(rows)
        n = max(1, round(sum(n_units(r, lang) for r in refs) / len(refs)))
        t0 = time.time()
        model_outs = torch_outputs(srcs, tok) if args.pytorch else c_outputs(args.model, srcs, args)
        secs = time.time() - t0
        systems = {"model-pt" if args.pytorch else "model": model_outs,
                   "lead": [lead(s, n, lang) for s in srcs],
                   "textrank": [textrank(s, n, lang) for s in srcs]}
        results[name] = {"rows": len(rows), "lang": lang, "n_units": n, "model_seconds": round(secs, 1)}
        for sys_name, outs in systems.items():
            sc = rouge_corpus(outs, refs, langs)
            fc = sum(ptcore.facts_unsupported(tok, s, o) for s, o in zip(srcs, outs)) if c_facts else None
            bad = [(o, b) for s, o in zip(srcs, outs) for b in [unsupported_facts(s, o)] if b]
            fr = sum(len(b) for _, b in bad)
            results[name][sys_name] = {**{k: round(v, 2) for k, v in sc.items()}, "facts_c": fc,
                                       "facts_regex": fr, "facts_regex_examples": bad[:5]}
            print(f"{name:12} {len(rows):5} {sys_name:10} {sc['rouge1']:6.2f} {sc['rouge2']:6.2f} "
                  f"{sc['rougeL']:6.2f} {('-' if fc is None else fc):>8} {fr:>8}", flush=True)
        for s, r, o in list(zip(srcs, refs, model_outs))[:args.show]:
            print(f"    src {s[:100]!r}\n    ref {r!r}\n    out {o!r}")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
