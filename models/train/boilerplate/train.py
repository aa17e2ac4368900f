"""train.py — the seller-boilerplate classifier of src/core/boiler.h, trained and exported.

    cd models/train && /usr/bin/python3 -m boilerplate.train --out ../../models/boilerplate-multi.ptm

Data (../shared/data/products/*, every product file; nothing else):
  positives  units of product copy that match a family's seed pattern (families.py), at most
             MAX_UNIT_CHARS long (a long unit that mentions shipping is product text about
             shipping, e.g. a logistics app), from every file but the iflytek app descriptions
             (apps whose topic is shopping or delivery), never a whole title, and a part of a
             title only when it is short (MAX_TITLE_PART_CHARS: "有问题请先联系客服") or recurs in
             MIN_PRODUCTS products ("9.9元起包邮", "【免运费】"): a JD title naming a product for
             shop use ("店铺商用") or a WeChat payment speaker ("微信收款") names the product, and
             as positives such titles taught the detector to drop whole keyword-stuffed titles;
             plus generated units (bank_units): the
             phrase banks of the rewrite noise model (rewrite/noise.py: spam heads and tails,
             shipping/returns/store sentences, Chinese spam words and boilerplate), hype
             sentences (families.hype_unit), Chinese contact sentences (families.contact_unit_zh)
             headed keyword lists, and the address form opening a bank sentence ("亲,", "亲!"),
             all seeded.
  negatives  every unit that matches no seed pattern (product copy, including recurring
             product templates such as "Machine wash"), de-duplicated by shape.
  held out   with --hold-out FAMILY (the card's run: contact — contact us, message us,
             WhatsApp, 客服, 微信...), every unit and bank sentence of that family is left out of
             training and scored apart, with the eval-only sentences of families.UNSEEN_*
             when the family is HELD_OUT: how the detector meets noise it has never seen.  The
             shipped model is trained on every family (no --hold-out): users' copy has contact
             boilerplate too.
Split: common.is_dev of the unit's shape (seed 20261129, 5 %).  Features: hashed character
1-4-grams of " " + shape + " " (ngrams.h), 2^18 buckets.  Model: logistic regression
(scikit-learn liblinear, C = 4, balanced classes).  Threshold: the lowest on a 0.05 grid whose
false-positive rate on dev negatives (product units) is at most MAX_DEV_FPR: dropping a
product sentence loses facts, keeping a boilerplate one only leaves noise.
"""
import argparse
import os
import random
import re

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from common import ROOT, SEED, is_dev
from common.ptcore import Boiler, char_ngram_features
from common.ptm import write_ptm
from boilerplate import grammar
from boilerplate.families import FAMILIES, HELD_OUT, contact_unit_zh, families_of, hype_unit, unseen_units
from boilerplate.mine import MIN_PRODUCTS, mine, shape
from rewrite import noise

BUCKETS = 1 << 18
NMIN, NMAX = 1, 4
MAX_UNIT_CHARS = 80
MAX_TITLE_PART_CHARS = 20
MAX_DEV_FPR = 0.002
BANK_SAMPLES = 6000
GRAMMAR_SAMPLES = 600       # per family and language
FRAGMENT_SAMPLES = 10000    # per language
ADDRESS = re.compile(r"([\u4e00-\u9fff]{1,2})[,!~]")
ADDRESS_MARKS = ",!~"
VERSION = "1.2.0"
GOLDEN = os.path.join(ROOT, "test", "golden", "boilerplate.txt")


def view(unit):
    return " " + shape(unit) + " "


def address_heads(sentence):
    """The address form opening a Chinese bank sentence ("亲" of "亲,欢迎光临本店!"), followed by
    each mark sellers write after one: "亲!全场包邮哦~" parts into the units "亲!" and "全场包邮哦~"
    (pt_boiler_units), and a unit that short is learned from no whole sentence."""
    m = ADDRESS.match(sentence)
    return [m.group(1) + mark for mark in ADDRESS_MARKS] if m and families_of(m.group(0)) else []


def bank_units(rng, units, held_out=None):
    """(text, lang) of the generators: the rewrite noise model's banks (numbers and wrappers at
    random), hype sentences (families.hype_unit), the family grammars (grammar.py; not the
    held_out family's), and keyword lists built from product units
    (rewrite.noise._keywords) that carry a list head ("Tags:", "关键词:", "#"); a bare list of
    product words is not told from a product's own list, so it is left out."""
    out = []
    for _ in range(BANK_SAMPLES):
        out.append((noise._spam_en(rng), "en"))
        out.append((noise._boiler("en", rng), "en"))
        out.append((noise._spam_zh(rng), "zh"))
        out.append((noise._boiler("zh", rng), "zh"))
    for _ in range(BANK_SAMPLES // 4):
        out.append(hype_unit("en", rng))
        out.append(hype_unit("zh", rng))
        out.append(contact_unit_zh(rng))
    for sentence in noise.ZH_BOILER:
        out += [(head, "zh") for head in address_heads(sentence)]
    for lang, families in (("en", grammar.EN), ("zh", grammar.ZH)):
        for family in families:
            if family != held_out:
                out += [(grammar.unit(family, lang, rng), lang) for _ in range(GRAMMAR_SAMPLES)]
    for _, _, lang, u, _ in rng.sample(units, BANK_SAMPLES):
        kw = noise._keywords(u, lang, rng)
        if kw.startswith(("Tags: ", "Keywords: ", "Search terms: ", "关键词:", "#")):
            out.append((kw, lang))
    return out


def fragments(rng, units):
    """(text, lang) pieces of product units: 1-4 words, or 2-6 characters of a Han run.  The
    strip asks the detector about such pieces (a glued prefix or suffix, a segment between
    commas: "Parfum", "The USA!"), which no whole unit shows it; trained only, never in dev
    (the threshold is set on whole units)."""
    out = {"en": [], "zh": []}
    for _, _, lang, u, _ in rng.sample(units, len(units)):
        if len(out[lang]) >= FRAGMENT_SAMPLES or families_of(u):
            continue
        if lang == "zh":
            runs = [m for m in re.findall(r"[\u4e00-\u9fff]{2,}", u)]
            if runs:
                r = rng.choice(runs)
                n = rng.randint(2, min(6, len(r)))
                i = rng.randrange(len(r) - n + 1)
                out[lang].append(r[i:i + n])
        else:
            words = u.split()
            if len(words) >= 2:
                n = rng.randint(1, min(4, len(words) - 1))
                i = rng.randrange(len(words) - n + 1)
                out[lang].append(" ".join(words[i:i + n]))
    return [(t, lang) for lang, ts in out.items() for t in ts]


def dataset(rng, held_out=None):
    """{"train"/"dev"/"unseen": [(text, label, lang, origin)]}, de-duplicated by shape; units of
    the held_out family (None: none) go to "unseen" only."""
    recurring, units = mine()
    rows, seen = {"train": [], "dev": [], "unseen": []}, set()

    def add(text, label, lang, origin):
        k = shape(text)
        if k in seen:
            return
        seen.add(k)
        fams = families_of(text)
        if held_out in fams:
            if label:
                rows["unseen"].append((text, 1, lang, origin))
            return
        rows["dev" if is_dev(k) else "train"].append((text, label, lang, origin))

    for name, _, lang, u, field in units:
        fams = families_of(u)
        if not fams:
            add(u, 0, lang, name)
        elif len(u) <= MAX_UNIT_CHARS and name != "zh_iflytek_app_descriptions" and field != "title" and \
                (field != "title part" or len(u) <= MAX_TITLE_PART_CHARS or
                 len(recurring[shape(u)]["products"]) >= MIN_PRODUCTS):
            add(u, 1, lang, name)
    for text, lang in bank_units(rng, units, held_out):
        add(text.strip(), 1, lang, "bank")
    for text, lang in fragments(rng, units):
        k = shape(text)
        if k not in seen and not families_of(text):
            seen.add(k)
            rows["train"].append((text, 0, lang, "fragment"))
    for text, lang in unseen_units(rng, 400) if held_out == HELD_OUT else []:
        if shape(text) not in seen:
            seen.add(shape(text))
            rows["unseen"].append((text, 1, lang, "unseen-bank"))
    return rows


def features(texts):
    indptr, idx, val = [0], [], []
    for t in texts:
        i, v = char_ngram_features(view(t), NMIN, NMAX, BUCKETS)
        idx.append(i)
        val.append(v)
        indptr.append(indptr[-1] + len(i))
    return sp.csr_matrix((np.concatenate(val), np.concatenate(idx), np.array(indptr)),
                         shape=(len(texts), BUCKETS))


def pick_threshold(p, y):
    neg = p[y == 0]
    for t in np.arange(0.05, 1.0, 0.05):
        if (neg >= t).mean() <= MAX_DEV_FPR:
            return float(round(t, 2))
    return 0.95


def report(name, rows, p, t):
    y = np.array([r[1] for r in rows])
    for lang in ("en", "zh"):
        m = np.array([r[2] == lang for r in rows])
        pos, neg = m & (y == 1), m & (y == 0)
        rec = (p[pos] >= t).mean() if pos.any() else float("nan")
        fpr = (p[neg] >= t).mean() if neg.any() else float("nan")
        print(f"| {name} | {lang} | {pos.sum()} | {neg.sum()} | {100 * rec:.1f} | {100 * fpr:.2f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "boilerplate-multi.ptm"))
    ap.add_argument("--hold-out", choices=sorted(FAMILIES), help="leave this family out of training")
    args = ap.parse_args()
    rng = random.Random(SEED)
    rows = dataset(rng, args.hold_out)
    for k, v in rows.items():
        print(f"{k}: {len(v)} units, {sum(r[1] for r in v)} boilerplate")
    X = features([r[0] for r in rows["train"]])
    y = np.array([r[1] for r in rows["train"]])
    clf = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", max_iter=200)
    clf.fit(X, y)
    p_dev = clf.predict_proba(features([r[0] for r in rows["dev"]]))[:, 1]
    t = pick_threshold(p_dev, np.array([r[1] for r in rows["dev"]]))
    print(f"threshold {t} (dev false positives <= {100 * MAX_DEV_FPR:.1f} %)")
    print("| set | lang | boilerplate units | product units | recall % | false positives % |")
    report("dev (seen families)", rows["dev"], p_dev, t)
    if rows["unseen"]:
        p_unseen = clf.predict_proba(features([r[0] for r in rows["unseen"]]))[:, 1]
        report(f"unseen family ({args.hold_out})", rows["unseen"], p_unseen, t)
    meta = {"task": "boilerplate", "language": "multi", "name": "boilerplate-multi", "version": VERSION,
            "buckets": BUCKETS, "ngram_min": NMIN, "ngram_max": NMAX, "threshold": t, "seed": SEED,
            "held_out_family": args.hold_out or "none"}
    write_ptm(args.out, meta, {"linear.weight": clf.coef_[0].astype(np.float32),
                               "linear.bias": clf.intercept_.astype(np.float32)})
    if args.hold_out is None:
        golden(args.out, clf, rows["dev"])
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")


def golden(path, clf, dev):
    """The C detector must give scikit-learn's probabilities; a fixed sample goes to GOLDEN."""
    rng = random.Random(SEED)
    sample = [r for r in rng.sample(dev, 40)] + [r for r in dev if r[1] == 1][:20]
    want = clf.predict_proba(features([r[0] for r in sample]))[:, 1]
    with Boiler(path) as b:
        got = np.array([b.prob(r[0]) for r in sample])
    worst = float(np.abs(got - want).max())
    print(f"golden: C vs scikit-learn, max |dp| = {worst:.2e} over {len(sample)} units")
    if worst > 1e-4:
        raise SystemExit("the C detector disagrees with the trained model")
    with open(GOLDEN, "w", encoding="utf-8") as f:
        f.write("# boilerplate.train golden sample: probability<TAB>unit (C must agree within 1e-4)\n")
        for (text, *_), p in zip(sample, want):
            f.write(f"{p:.6f}\t{text}\n")


if __name__ == "__main__":
    main()
