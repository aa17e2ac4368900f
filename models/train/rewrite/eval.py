"""rewrite/eval.py — dev scores of rewrite() against the identity and a rule-based cleaner.

    cd models/train && /usr/bin/python3 -m rewrite.eval              # the C path (pt_rewrite) when built
    cd models/train && /usr/bin/python3 -m rewrite.eval --pytorch    # PyTorch greedy of work/rewrite_best.pt

Dev sets (rewrite/data.py): dev_en and dev_zh, synthetic (noisy -> clean) pairs held out by a
keyed hash of the clean text; real_dev: JD titles (zh) and Leipzig descriptions (en), no
reference.  Inputs are the normalized noisy texts, as serving sees them.
Metrics:
  chrF       character n-gram F-score, n = 1..6, beta = 2, white space removed, case-sensitive;
             the mean of per-text scores x100 (rewrite vs clean reference)
  kept       share of the reference's facts (synthetic dev) or of the input's facts (real dev)
             found in the output: numbers with their unit, model numbers and capitalized
             non-sentence-initial words (common.metrics.unsupported_facts, case-insensitive)
  invented   output facts the input lacks: the C checker (pt_facts_unsupported) and the
             independent regex checker (common.metrics.unsupported_facts), summed over texts
  len        mean of output chars / input chars
Sets unseen_en and unseen_zh: the dev pairs' clean targets with sentences of the boilerplate
family no detector here was trained on (boilerplate.families: contact, with eval-only phrasings);
their 'model+boiler' runs the detector trained without that family (--boiler-unseen).
Systems: identity (the noisy input unchanged), rules (rule_clean below: generic regexes, not
the noise model's phrase lists), tidy (pt_text_tidy alone: the rules rewrite() applies before its
model, and what it returns where the model's chunk rewrite is refused), model (C: pt_rewrite, beam
--beam, max_chars 0, no boilerplate detector: rewrite() of 0.5.0; PyTorch: greedy with the C fact
filter pt_facts_allowed on every step, at most as long as the input), model+boiler (C only: rewrite()
as served, with the boilerplate detector).
"""
import argparse
import json
import os
import random
import re
import sys
import time

from common import ROOT, SEED, WORK, ptcore
from common.metrics import unsupported_facts
from rewrite import data as rewrite_data


# ------------------------------------------------------------------------------ chrF
def _char_ngrams(s, n):
    out = {}
    for i in range(len(s) - n + 1):
        g = s[i:i + n]
        out[g] = out.get(g, 0) + 1
    return out


def chrf_prf(hyp, ref, max_n=6, beta=2.0):
    """Sentence chrF (Popović 2015): (precision, recall, F-beta) in [0, 1], the mean n-gram
    precision and recall over n = 1..6 (orders the texts are too short for are left out)."""
    h, r = re.sub(r"\s+", "", hyp), re.sub(r"\s+", "", ref)
    ps, rs = [], []
    for n in range(1, max_n + 1):
        hg, rg = _char_ngrams(h, n), _char_ngrams(r, n)
        nh, nr = sum(hg.values()), sum(rg.values())
        if nh == 0 or nr == 0:
            continue
        m = sum(min(c, rg.get(g, 0)) for g, c in hg.items())
        ps.append(m / nh)
        rs.append(m / nr)
    if not ps:
        same = 1.0 if h == r else 0.0
        return same, same, same
    p, rc = sum(ps) / len(ps), sum(rs) / len(rs)
    if p + rc == 0:
        return p, rc, 0.0
    b2 = beta * beta
    return p, rc, (1 + b2) * p * rc / (b2 * p + rc)


def chrf(hyp, ref, max_n=6, beta=2.0):
    """Sentence chrF-beta in [0, 1] (chrf_prf's F)."""
    return chrf_prf(hyp, ref, max_n, beta)[2]


# ------------------------------------------------------------------------------ rule-based cleaner
_EN_NOISE_WORDS = re.compile(
    r"\b(free shipping|shipping|ships|delivery|returns?|refund|money back|guarantee[ds]?|contact us|"
    r"message us|wholesale|bulk|our (?:store|shop)|our other|feedback|stars?\b.*\blike|add to (?:cart|wishlist)|"
    r"buy now|order (?:now|today)|sale|deal|offer|discount|clearance|lowest price|best price|best seller|"
    r"hot|limited|hurry|don'?t miss|must have|brand new|new arrival|top quality|high quality|premium quality|"
    r"authentic|customer service|tags?:|keywords?:|search terms)\b", re.I)
_ZH_NOISE_WORDS = re.compile(
    r"(包邮|发货|客服|退换|退货|好评|差评|正品|假一赔|本店|店铺|光临|亲[,!]|爆款|热卖|热销|秒杀|特价|清仓|"
    r"抢购|限时|限量|促销|优惠|领券|买一送一|最低价|现货|批发|运费|售后|关键词|新品上市|厂家直销|冲量|惠顾|咨询)")
_SYMBOLS = re.compile(r"[\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d【】『』\[\]~=*#|>]+")


def _sentences(text, lang):
    if lang == "zh":
        return [s for s in re.findall(r"[^。!?;\n]+[。!?;]*", text) if s.strip()]
    return [s for s in re.findall(r"[^\n]+?(?:[.!?]+(?=\s|$)|$)", text, re.M) if s.strip()]


def _mostly_upper(s):
    letters = [c for c in s if c.isascii() and c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) > 0.7 * len(letters)


def rule_clean(text, lang):
    """Generic seller-noise removal: leftover HTML, symbol/emoji runs, sentences that look like
    promotion/boilerplate/keyword lists, repeated punctuation, shouting, duplicate sentences."""
    t = re.sub(r"</?[a-zA-Z][^>]*>|&[a-z]+;?", " ", text)
    t = _SYMBOLS.sub(" ", t)
    t = re.sub(r"([!?.,。,])\1+", r"\1", t)
    t = re.sub(r"\s+([,.!?])", r"\1", t)
    t = re.sub(r"!", "." if lang == "en" else "。", t)
    out, seen = [], set()
    for s in _sentences(t, lang):
        s = s.strip(" -|")
        if not s:
            continue
        noise = _ZH_NOISE_WORDS if lang == "zh" else _EN_NOISE_WORDS
        if noise.search(s) and len(s) < (40 if lang == "zh" else 90):
            continue
        if lang == "en" and "," in s and len(s.split()) >= 3 and all(len(p.split()) <= 2 for p in s.split(",")):
            continue          # a comma list of keywords
        if lang == "en" and _mostly_upper(s):
            s = s.lower()
            s = s[:1].upper() + s[1:]
        key = re.sub(r"[^\w]", "", s.lower())
        if key in seen or not key:
            continue
        seen.add(key)
        out.append(s)
    res = ("" if lang == "zh" else " ").join(out)
    return re.sub(r"\s+", " ", res).strip()


# ------------------------------------------------------------------------------ systems
def c_outputs(model_path, srcs, args, boiler=None):
    outs = []
    with ptcore.Rewriter(model_path) as r:
        for i in range(0, len(srcs), args.batch):
            outs += r.rewrite(srcs[i:i + args.batch], max_chars=0, beam_width=args.beam, max_input_chars=0,
                              boiler=boiler)
    return outs


def unseen_family_set(rows, seed):
    """The dev pairs' clean targets with 1-2 sentences of the held-out boilerplate family
    (boilerplate.families, never trained on) inserted between, before or after sentences."""
    from boilerplate.families import unseen_units
    from rewrite.noise import split_sentences
    rng = random.Random(seed)
    out = []
    for r in rows:
        lang = r["lang"]
        sents = split_sentences(r["tgt"], lang)
        sep = "" if lang == "zh" else " "
        for _ in range(rng.choice([1, 1, 2])):
            unit = next(u for u, ul in unseen_units(rng, 2) if ul == lang)
            sents.insert(rng.randint(0, len(sents)), unit)
        src = sep.join(x.strip() for x in sents if x.strip())
        out.append({"src": ptcore.normalize(src), "tgt": r["tgt"], "lang": lang})
    return out


def torch_outputs(srcs, tok, args):
    import torch
    from rewrite.model import EOS, Rewriter
    torch.set_num_threads(args.threads)
    ck = torch.load(args.checkpoint)
    V, d = ck["embed.weight"].shape
    ffn = ck["enc.0.ff1.weight"].shape[0]
    Le = len({k.split(".")[1] for k in ck if k.startswith("enc.") and k.split(".")[1].isdigit()})
    Ld = len({k.split(".")[1] for k in ck if k.startswith("dec.") and k.split(".")[1].isdigit()})
    m = Rewriter(V, d, args.heads, ffn, Le, Ld, ck["enc_pos"].shape[0], ck["dec_pos"].shape[0])
    m.load_state_dict(ck)
    m.eval()
    outs = []
    for i in range(0, len(srcs), args.batch):
        part = srcs[i:i + args.batch]
        ids = [tok.encode(ptcore.tidy(s))[:m.S - 1] + [EOS] for s in part]
        facts = [ptcore.Facts(tok, s) for s in part]

        def ban(row, prefix, logp):
            # the faithfulness rule on every step: the best candidate whose text stays allowed
            order = torch.argsort(logp, descending=True)[:20].tolist()
            for c in order:
                if c == EOS:
                    ok = facts[row].allowed(tok.decode(prefix), final=True)
                else:
                    ok = facts[row].allowed(tok.decode(prefix + [c]), final=False)
                if ok:
                    keep = logp[c].item()
                    logp.fill_(-1e30)
                    logp[c] = keep
                    return
            logp.fill_(-1e30)
            logp[EOS] = 0.0
        res = m.greedy_batch(ids, max(len(x) for x in ids) + 4, ban=ban)
        for s, r in zip(part, res):
            o = tok.decode(r)
            outs.append(o[:len(s)])
        for f in facts:
            f.close()
    return outs


# ------------------------------------------------------------------------------ metrics
def fact_list(text):
    return unsupported_facts("", text)


def kept_share(reference, output):
    facts = fact_list(reference)
    if not facts:
        return None
    lost = set(unsupported_facts(output, " ".join(facts))) if output else set(facts)
    return 1 - len([f for f in facts if f in lost]) / len(facts)


def score(srcs, outs, refs, tok):
    """Metrics of outs; chrF compares normalized text, so the output's typography (full-width
    punctuation in Chinese, typography.h) is not counted against it: references are normalized."""
    n = len(srcs)
    res = {"n": n}
    outs = [ptcore.normalize(o) for o in outs]
    if refs is not None:
        prf = [chrf_prf(o, r) for o, r in zip(outs, refs)]
        for i, k in enumerate(("chrP", "chrR", "chrF")):
            res[k] = 100 * sum(x[i] for x in prf) / n
    ks = [kept_share(r if refs is not None else s, o) for s, o, r in zip(srcs, outs, refs or srcs)]
    ks = [k for k in ks if k is not None]
    res["kept"] = 100 * sum(ks) / len(ks) if ks else float("nan")
    res["with_facts"] = len(ks)
    res["invented_regex"] = sum(len(unsupported_facts(s, o)) for s, o in zip(srcs, outs))
    if ptcore.has_symbol("pt_facts_unsupported"):
        res["invented_c"] = sum(ptcore.facts_unsupported(tok, s, o) for s, o in zip(srcs, outs))
    res["len"] = sum(len(o) / max(len(s), 1) for s, o in zip(srcs, outs)) / n
    return res


def check_golden(model_path, golden_path):
    """C greedy (pt_rewriter_greedy) against the PyTorch golden file: same source and greedy ids,
    and the 10 best log P of steps 0-2 within 1e-3.  Returns the number of mismatches."""
    unesc = lambda s: re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)), s)  # noqa: E731
    bad = 0
    blocks = [b for b in open(golden_path, encoding="utf-8").read().split("\n\n") if b.strip()]
    with ptcore.Rewriter(model_path) as r:
        for b in blocks:
            f = dict(line.split("\t", 1) for line in b.split("\n") if "\t" in line)
            src, out, logp = r.greedy(unesc(f["text"]), steps=3)
            ok = " ".join(map(str, src)) == f["src"] and " ".join(map(str, out)) == f["greedy"]
            diff = 0.0
            for s in range(3):
                for pair in f.get(f"step{s}", "").split():
                    i, v = pair.split(":")
                    if s < len(logp):
                        diff = max(diff, abs(float(logp[s][int(i)]) - float(v)))
            ok = ok and diff < 1e-3
            bad += not ok
            print(f"{'ok ' if ok else 'BAD'} max |dlogP| {diff:.2e}  {f['text'][:60]!r}")
    return bad


def main():
    ap = argparse.ArgumentParser(prog="python3 -m rewrite.eval", description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "rewrite-multi.ptm"))
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "models", "tokenizer.ptm"))
    ap.add_argument("--pytorch", action="store_true", help="PyTorch greedy of --checkpoint")
    ap.add_argument("--checkpoint", default=os.path.join(WORK, "rewrite_best.pt"))
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="texts per dev set (0 = all)")
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--boiler", default=os.path.join(ROOT, "models", "boilerplate-multi.ptm"),
                    help="boilerplate detector for the 'model+boiler' system (rewrite() as served)")
    ap.add_argument("--boiler-unseen", default=os.path.join(WORK, "boilerplate-no-contact.ptm"),
                    help="detector trained without the held-out family (boilerplate.train --hold-out "
                         "contact), for the unseen_* sets")
    ap.add_argument("--sets", default="dev_en,dev_zh,unseen_en,unseen_zh,zh_jd_titles,en_leipzig",
                    help="comma-separated subset (to run several processes side by side)")
    ap.add_argument("--out", default=os.path.join(WORK, "rewrite_eval.json"))
    ap.add_argument("--golden", nargs="?", const=os.path.join(ROOT, "test", "golden", "rewrite.txt"),
                    help="only compare the C greedy path with the golden file")
    args = ap.parse_args()
    if args.golden:
        sys.exit(1 if check_golden(args.model, args.golden) else 0)
    use_c = not args.pytorch and ptcore.has_symbol("pt_rewrite")
    tok = ptcore.Tokenizer.from_file(args.tokenizer)
    sets = {}
    for name in ("dev_en", "dev_zh"):
        rows = rewrite_data.load(name)
        sets[name] = rows[:args.limit] if args.limit else rows
        sets["unseen" + name[3:]] = unseen_family_set(sets[name], SEED)
    real = rewrite_data.load("real_dev")
    for ds in ("zh_jd_titles", "en_leipzig"):
        rows = [r for r in real if r["ds"] == ds]
        sets[ds] = rows[:args.limit] if args.limit else rows

    report = {"system": "C pt_rewrite beam %d" % args.beam if use_c else "PyTorch greedy + fact filter",
              "model": args.model if use_c else args.checkpoint, "sets": {}}
    sets = {k: v for k, v in sets.items() if k in args.sets.split(",")}
    for name, rows in sets.items():
        srcs = [r["src"] for r in rows]
        refs = [r["tgt"] for r in rows] if "tgt" in rows[0] else None
        lang = rows[0]["lang"]
        t0 = time.time()
        model_outs = c_outputs(args.model, srcs, args) if use_c else torch_outputs(srcs, tok, args)
        secs = time.time() - t0
        systems = {"identity": srcs, "rules": [rule_clean(s, lang) for s in srcs],
                   "tidy": [ptcore.tidy(s) for s in srcs], "model": model_outs}
        detector = args.boiler_unseen if name.startswith("unseen") else args.boiler
        if use_c and os.path.exists(detector):
            with ptcore.Boiler(detector) as b:
                systems["model+boiler"] = c_outputs(args.model, srcs, args, boiler=b)
        report["sets"][name] = {k: score(srcs, v, refs, tok) for k, v in systems.items()}
        report["sets"][name]["model"]["seconds"] = round(secs, 1)
        print(f"== {name} ({len(rows)} texts, {lang}{', no reference' if refs is None else ''})")
        for k, v in report["sets"][name].items():
            print(f"  {k:9s} " + "  ".join(f"{a} {b:.3f}" if isinstance(b, float) else f"{a} {b}"
                                          for a, b in v.items()))
        for i in range(min(args.samples, len(rows))):
            print(f"  in:    {srcs[i]!r}\n  rules: {systems['rules'][i]!r}\n  model: {systems.get('model+boiler', model_outs)[i]!r}"
                  + (f"\n  ref:   {refs[i]!r}" if refs else ""))
        sys.stdout.flush()
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1, ensure_ascii=False)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
