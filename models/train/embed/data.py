"""embed/data.py — pairs of texts that describe the same product, and the dev tasks.

Every pair belongs to a product `key`; a product is in dev when a keyed hash
of its key falls under its source's dev fraction (common.is_dev), so every
script sees the same split.  A text that occurs in any dev product is never
trained on, whichever product it comes from (descriptions repeat across
products), and each dev task keeps only the first of identical targets and
queries, so no candidate is a duplicate of the right answer.

Sources (../shared/data), pair kinds:
  products/en_myntra.jsonl            title <-> description           (myntra)
  products/en_airbnb_listings.jsonl   name <-> description            (airbnb)
  products/en_promptcloud_amazon.jsonl title <-> bullets              (train only)
  products/en_leipzig.jsonl           title <-> description (train only), and the
                                      same product in two shops, found by an identical
                                      model code unique in each shop (leipzig)
  products/zh_jd_titles.jsonl         keyword-stuffed title <-> a shorter form built
                                      from its own entity spans (jd; the 3,592 labelled
                                      rows), or cropped from it (jd_crop, train only)
  products/zh_advertisegen.jsonl      attributes <-> copy             (adgen)
"""
import random
import re
from collections import Counter, defaultdict

from common import is_dev, read_jsonl

# dev fraction per task: enough held-out products for >= 1,000 candidates where the file allows
DEV_FRACTION = {"myntra": 0.14, "airbnb": 0.25, "leipzig": 0.5, "jd": 0.35, "adgen": 0.35}
DEV_SEED = 20261207
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/.]{3,}[A-Za-z0-9]")


def _join(*parts):
    return " ".join(p.strip() for p in parts if p and p.strip())


def _model_codes(text):
    """Model-code-like words: letters and digits mixed, >= 5 of them, compared without - / ."""
    out = set()
    for m in CODE_RE.findall(text or ""):
        c = re.sub(r"[\-/.]", "", m).lower()
        if len(c) >= 5 and re.search(r"\d", c) and re.search(r"[a-z]", c):
            out.add(c)
    return out


def leipzig_shop_pairs(rows):
    """(a, b) listing pairs of two shops (Abt-Buy, Amazon-Google) sharing a model code unique in each."""
    by_shop = defaultdict(list)
    for r in rows:
        by_shop[r["category"]].append(r)
    pairs = []
    for left, right in (("abt.com", "buy.com"), ("amazon.com", "google base")):
        index = {}
        for side in (left, right):
            count, owner = Counter(), {}
            for r in by_shop[side]:
                for c in _model_codes(_join(r["title"], r["description"])):
                    count[c] += 1
                    owner[c] = r
            index[side] = {c: owner[c] for c, n in count.items() if n == 1}
        seen = set()
        for c in sorted(set(index[left]) & set(index[right])):
            a, b = index[left][c], index[right][c]
            if (a["id"], b["id"]) not in seen:
                seen.add((a["id"], b["id"]))
                pairs.append((a, b))
    return pairs


def listing_text(r):
    """One shop's listing as embed() would be given it: title and description."""
    return _join(r["title"], r["description"])


def jd_short(row, rng):
    """A shorter form of a keyword-stuffed JD title: brand, model, the first product
    word, and about a third of the other entity spans, in title order."""
    spans, have = [], set()
    for kind, span in row["attributes"] or []:
        if span in have:
            continue
        keep = kind in ("ent1", "ent3") or (kind == "ent4" and not any(k == "ent4" for k, _ in spans))
        if keep or rng.random() < 0.33:
            spans.append((kind, span))
            have.add(span)
    return " ".join(s for _, s in spans)


def jd_crop(title, rng):
    """A shorter form of a JD title without entity spans (train only): its model-code-like
    words and a window of 4-10 characters from each of up to two of its other segments."""
    segs = [x for x in re.split(r"[\s,，/【】()（）\[\]]+", title) if x]
    codes = [x for x in segs if re.fullmatch(r"[A-Za-z0-9\-.]+", x) and re.search(r"\d", x)]
    words = [x for x in segs if x not in codes]
    keep = []
    for w in rng.sample(words, min(2, len(words))):
        n = rng.randint(4, 10)
        start = rng.randint(0, max(0, len(w) - n))
        keep.append(w[start:start + n])
    return " ".join(keep + codes[:1])


def attributes_text(row):
    return " ".join(f"{k}:{v}" for k, v in row["attributes"] or [])


def _pairs_by_source():
    """{task: [(key, query, target)]} for every source."""
    rng = random.Random(DEV_SEED)
    out = defaultdict(list)
    for r in read_jsonl("products/en_myntra.jsonl"):
        if r["title"] and r["description"]:
            out["myntra"].append((r["description"], r["title"], r["description"]))
    for r in read_jsonl("products/en_airbnb_listings.jsonl"):
        if r["title"] and r["description"]:
            out["airbnb"].append((r["description"], r["title"], r["description"]))
    for r in read_jsonl("products/en_promptcloud_amazon.jsonl"):
        if r["title"] and r["bullets"]:
            out["promptcloud"].append((r["title"], r["title"], " ".join(r["bullets"])))
    rows = list(read_jsonl("products/en_leipzig.jsonl"))
    for a, b in leipzig_shop_pairs(rows):
        out["leipzig"].append((a["id"] + "|" + b["id"], listing_text(a), listing_text(b)))
    for r in rows:
        if r["title"] and r["description"] and r["description"] != r["title"]:
            out["leipzig_td"].append((r["id"], r["title"], r["description"]))
    for r in read_jsonl("products/zh_jd_titles.jsonl"):
        labelled = bool(r["attributes"])
        short = jd_short(r, rng) if labelled else jd_crop(r["title"], rng)
        if r["title"] and short and short != r["title"]:
            out["jd" if labelled else "jd_crop"].append((r["title"], r["title"], short))
    for r in read_jsonl("products/zh_advertisegen.jsonl"):
        if r["attributes"] and r["description"]:
            out["adgen"].append((r["description"], attributes_text(r), r["description"]))
    return out


def _leipzig_distractors(train_pairs, dev_pairs):
    """Listings of the second shops (Buy, Google) in no code pair: more candidates for the
    cross-shop task, which has fewer dev pairs than the >= 1,000 candidates it needs."""
    used = {t for _, t in dev_pairs} | {t for pair in train_pairs for t in pair}
    out = []
    for r in read_jsonl("products/en_leipzig.jsonl"):
        text = listing_text(r)
        if r["category"] in ("buy.com", "google base") and text not in used:
            used.add(text)
            out.append(text)
    return out


def crop(text, rng):
    """A random window of 30-60 % of a text's words (of its characters where it has Han)."""
    han = re.search(r"[\u4e00-\u9fff]", text) is not None
    parts = list(text) if han else text.split()
    n = len(parts)
    k = rng.randint(max(2, int(0.3 * n)), max(3, int(0.6 * n)))
    start = rng.randint(0, max(0, n - k))
    return ("" if han else " ").join(parts[start:start + k])


def crop_pairs(train, rng, n):
    """n pairs of two independent crops of one training text (any source): the same product
    in two views that share only some of its words, with rare ones (model codes, names) as
    often as common ones.  Texts of fewer than 8 words (12 characters) are left out."""
    texts = sorted({x for pairs in train.values() for pair in pairs for x in pair})
    texts = [t for t in texts if len(t.split()) >= 8 or (re.search(r"[\u4e00-\u9fff]", t) and len(t) >= 12)]
    out = []
    for t in rng.sample(texts, min(n, len(texts))):
        a, b = crop(t, rng), crop(t, rng)
        if a and b:
            out.append((a, b))
    return out


def load(crops=0):
    """Return (train, dev, extra): train {source: [(query, target)]}, dev {task: [(query,
    target)]}, extra {task: [text]}.  crops: that many pairs of crops of training texts
    (crop_pairs) as one more source, "crop".

    Dev tasks are the sources with a DEV_FRACTION; a dev task's candidates are
    the targets of its own dev pairs and its extra texts.
    """
    by_source = _pairs_by_source()
    dev, dev_texts = {}, set()
    for task, frac in DEV_FRACTION.items():
        rows, seen_q, seen_t = [], set(), set()
        for key, q, t in by_source[task]:
            if is_dev(key, seed=DEV_SEED, fraction=frac) and q not in seen_q and t not in seen_t:
                seen_q.add(q)
                seen_t.add(t)
                rows.append((q, t))
        dev[task] = rows
        dev_texts |= seen_q | seen_t
    # Leipzig listings of dev pairs are held out of the title <-> description pairs too
    dev_ids = set()
    for key, q, t in by_source["leipzig"]:
        if is_dev(key, seed=DEV_SEED, fraction=DEV_FRACTION["leipzig"]):
            dev_ids |= set(key.split("|"))
    train = {}
    for src, items in by_source.items():
        keep, seen = [], set()
        for key, q, t in items:
            if src in DEV_FRACTION and is_dev(key, seed=DEV_SEED, fraction=DEV_FRACTION[src]):
                continue
            if src == "leipzig_td" and key in dev_ids:
                continue
            if src == "leipzig" and set(key.split("|")) & dev_ids:
                continue
            if q in dev_texts or t in dev_texts or (q, t) in seen:
                continue
            seen.add((q, t))
            keep.append((q, t))
        train[src] = keep
    extra = {task: [] for task in dev}
    extra["leipzig"] = _leipzig_distractors(train["leipzig"], dev["leipzig"])
    if crops:
        train["crop"] = crop_pairs(train, random.Random(DEV_SEED), crops)
    return train, dev, extra


if __name__ == "__main__":
    tr, dv, ex = load()
    for k, v in tr.items():
        print("train", k, len(v))
    for k, v in dv.items():
        print("dev", k, len(v), "candidates", len(v) + len(ex[k]), "|", v[0][0][:60], "=>", v[0][1][:60])
