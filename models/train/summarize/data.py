"""summarize/data.py — (source, target) pairs for the summarize model, with a fixed dev split.

    cd models/train && /usr/bin/python3 -m summarize.data     # writes models/train/work/summarize_*.jsonl

Datasets (each gets its own dev file, models/train/work/summarize_dev_<name>.jsonl):
  myntra       pairs/en_myntra_description2title.jsonl   description -> title (cleaned, below)
  promptcloud  pairs/en_promptcloud_bullets2title.jsonl  feature bullets -> title (cleaned)
  womens       pairs/en_womens_review2title.jsonl        review -> its headline
  airbnb       pairs/en_airbnb_description2name.jsonl    listing description -> host's listing name
  leipzig      products/en_leipzig.jsonl                 electronics/software description -> title
                                                          (Abt, Buy, Amazon, Google listings)
  zh           silver Chinese pairs:
                 products/zh_advertisegen.jsonl   copy -> its leading clause
                 products/zh_jd_titles.jsonl      keyword-stuffed title -> short title rebuilt
                                                  from its entity spans (brand + modifiers + product)

Target cleaning (the faithfulness rule, src/core/facts.h, forbids the model to write a
fact the input lacks, so it must not learn to):
  * Myntra: the brand (products/en_myntra.jsonl attribute "brand") is removed from the title,
    and so are gender words (Men, Women, Unisex, Boys, Girls, Kids) the description lacks;
  * every dataset: a target word that is a fact word (holds a digit, or holds an upper-case
    letter and a letter run the tokenizer does not know as one common word) and that does not
    occur in the source (ASCII case-insensitively) is removed;
  * English targets take the source's casing (source_case): words the source has are
    written as the source writes them, other words in lower case, first letter upper case,
    so that the model does not write capitalized, name-like words the input lacks (ROUGE is
    case-blind, so this changes no score);
  * pairs whose target still has a fact the independent checker (common.metrics.unsupported_facts)
    finds unsupported (a number with a unit the source does not put after it) are dropped;
  * pairs whose cleaned target is empty, or (titles) kept under 40% of the words, are dropped.
Sources are de-duplicated (by normalized text, across all datasets, first wins) before the
split; dev = common.is_dev(normalized source), a keyed hash, 5%.
"""
import json
import os
import re

from common import ROOT, SPLIT_SOURCES, WORK, cache_fresh, code_stamp, is_dev, mark_cache, read_jsonl
from common.metrics import unsupported_facts
from common.ptcore import Tokenizer, normalize

TOKENIZER = os.path.join(ROOT, "models", "tokenizer.ptm")
DATASETS = ("myntra", "promptcloud", "womens", "zh", "airbnb", "leipzig")
WORD = re.compile(r"[A-Za-z0-9]+(?:[-./_][A-Za-z0-9]+)*")
GENDER = {"men", "women", "unisex", "boys", "girls", "kids", "man", "woman", "boy", "girl"}
ZH_JD_LIMIT = 4000          # keep the Chinese share modest
STAMP_SOURCES = SPLIT_SOURCES + ("models/train/summarize/data.py",)   # what the cache is built with


class FactFilter:
    def __init__(self, tok):
        self.tok = tok
        self.common = {}

    def is_common(self, word_lower):
        c = self.common.get(word_lower)
        if c is None:
            c = self.common[word_lower] = len(self.tok.encode(" " + word_lower)) == 1
        return c

    def is_fact(self, w):
        if any(ch.isdigit() for ch in w):
            return True
        if any(ch.isupper() for ch in w):
            return any(not self.is_common(p.lower()) for p in re.findall(r"[A-Za-z]+", w))
        return False

    def clean(self, tgt, src, drop=()):
        """tgt without fact words that src lacks and without the words in `drop` (lower-case)."""
        src_words = {w.lower() for w in WORD.findall(src)}
        drop = set(drop)

        def repl(m):
            w = m.group(0)
            lw = w.lower()
            if lw in drop and lw not in src_words:
                return ""
            if self.is_fact(w) and lw not in src_words:
                return ""
            return w
        out = WORD.sub(repl, tgt)
        out = re.sub(r"\(\s*\)|\[\s*\]", " ", out)
        out = re.sub(r"\s+", " ", out).strip()
        out = re.sub(r"^[\s&|,;:/\-–+]+|[\s&|,;:/\-–+(]+$", "", out)
        out = re.sub(r"\s+([&|,;/\-])\s+([&|,;/\-])\s+", r" \1 ", out)
        return source_case(out.strip(), src)


def source_case(tgt, src):
    """English targets take the source's casing: a target word the source has is written as
    the source writes it (its most frequent form), any other word in lower case, and the first
    letter is capitalized ("Khaki Slim Fit Solid Regular Trousers" -> "Khaki slim fit solid
    regular trousers" for "Khaki solid mid-rise regular trousers, ...").  A capitalized word
    in an output is then one the input has in that form."""
    forms = {}
    for w in CAP_OR_WORD.findall(src):
        forms.setdefault(w.lower(), {}).setdefault(w, 0)
        forms[w.lower()][w] += 1

    def repl(m):
        w = m.group(0)
        f = forms.get(w.lower())
        if not f:
            return w.lower()
        return max(f.items(), key=lambda kv: (kv[1], kv[0] == kv[0].lower()))[0]
    out = CAP_OR_WORD.sub(repl, tgt)
    i = next((k for k, ch in enumerate(out) if ch.isalpha()), None)
    if i is not None and i < 3:
        out = out[:i] + out[i].upper() + out[i + 1:]
    return out


CAP_OR_WORD = re.compile(r"[A-Za-z][A-Za-z'&-]*")


def keep_most(orig, cleaned, share=0.4):
    """cleaned, or "" (pair dropped) when cleaning removed most of the title's words."""
    return cleaned if len(cleaned.split()) >= share * len(orig.split()) else ""


def strip_phrase(text, phrase):
    if not phrase:
        return text
    return re.sub(r"(?<![A-Za-z0-9])" + re.escape(phrase) + r"(?![A-Za-z0-9])", " ", text, flags=re.I)


def myntra(ff):
    brands = {}
    for r in read_jsonl("products/en_myntra.jsonl"):
        for k, v in r.get("attributes") or []:
            if k == "brand" and v:
                brands[r["id"]] = v
    for r in read_jsonl("pairs/en_myntra_description2title.jsonl"):
        tgt = r["tgt"]
        brand = brands.get(r["id"])
        if brand and brand.lower() not in r["src"].lower():
            tgt = strip_phrase(tgt, brand)
        yield r["src"], keep_most(r["tgt"], ff.clean(tgt, r["src"], GENDER))


def promptcloud(ff):
    for r in read_jsonl("pairs/en_promptcloud_bullets2title.jsonl"):
        yield r["src"], keep_most(r["tgt"], ff.clean(r["tgt"], r["src"]))


def womens(ff):
    for r in read_jsonl("pairs/en_womens_review2title.jsonl"):
        yield r["src"], ff.clean(r["tgt"], r["src"])


def airbnb(ff):
    for r in read_jsonl("pairs/en_airbnb_description2name.jsonl"):
        if r["src"] and r["tgt"]:
            yield r["src"], keep_most(r["tgt"], ff.clean(r["tgt"], r["src"]))


def leipzig(ff):
    for r in read_jsonl("products/en_leipzig.jsonl"):
        src, tgt = r.get("description") or "", r.get("title") or ""
        if src and tgt and len(src) > len(tgt) + 20:      # a description, not a repeated title
            yield src, keep_most(tgt, ff.clean(tgt, src))


ZH_CLAUSE = re.compile(r"^(.+?)[，。！；,!;？?]")


def zh(ff):
    for r in read_jsonl("products/zh_advertisegen.jsonl"):
        src = (r.get("description") or "").replace("<UNK>", "")
        if not src:
            continue
        m = ZH_CLAUSE.match(src)
        if not m:
            continue
        tgt = m.group(1).replace("BRAND", "").strip()
        if 5 <= len(tgt) <= 30 and len(src) >= len(tgt) + 10:
            yield src, tgt
    n = 0
    for r in read_jsonl("products/zh_jd_titles.jsonl"):
        if n >= ZH_JD_LIMIT:
            break
        title = r.get("title") or ""
        spans = r.get("attributes") or []
        if len(title) < 15 or not spans:
            continue
        # entity spans in title order; ent1 = brand, ent4 = product, ent3 = model number
        pos, located = 0, []
        for typ, span in spans:
            i = title.find(span, pos)
            if i < 0:
                continue
            located.append((i, typ, span))
            pos = i + len(span)
        prod = next(((i, s) for i, t, s in located if t == "ent4"), None)
        if not prod:
            continue
        brand = next((s for i, t, s in located if t == "ent1" and i <= prod[0]), "")
        mods = [s for i, t, s in located if i < prod[0] and t not in ("ent1", "ent3", "ent4")
                and not re.search(r"[0-9]", s)][-2:]
        parts = [p for p in [brand] + mods + [prod[1]] if p]
        tgt = ""
        for p in parts:
            if tgt and re.match(r"[A-Za-z0-9]", p[0]) and re.match(r"[A-Za-z0-9]", tgt[-1]):
                tgt += " "
            tgt += p
        if 2 <= len(tgt) <= 30 and len(tgt) < len(title) * 0.7:
            n += 1
            yield title, tgt


def build():
    tok = Tokenizer.from_file(TOKENIZER)
    ff = FactFilter(tok)
    seen = set()
    out = {"train": [], **{f"dev_{d}": [] for d in DATASETS}}
    stats = {}
    # datasets added later come last, so that the split of the earlier ones does not change
    for name, gen in (("myntra", myntra), ("promptcloud", promptcloud), ("womens", womens), ("zh", zh),
                      ("airbnb", airbnb), ("leipzig", leipzig)):
        kept = dup = empty = unsupported = 0
        for src, tgt in gen(ff):
            nsrc = normalize(src)
            ntgt = normalize(tgt)
            if not nsrc or not ntgt or len(ntgt) < 2:
                empty += 1
                continue
            if unsupported_facts(nsrc, ntgt):     # e.g. "100 g" where the source says "100 ml"
                unsupported += 1
                continue
            if nsrc in seen:
                dup += 1
                continue
            seen.add(nsrc)
            row = {"src": nsrc, "tgt": ntgt, "ds": name}
            (out[f"dev_{name}"] if is_dev(nsrc) else out["train"]).append(row)
            kept += 1
        stats[name] = dict(kept=kept, duplicates=dup, empty=empty, unsupported=unsupported, dev=len(out[f"dev_{name}"]))
    os.makedirs(WORK, exist_ok=True)
    for k, rows in out.items():
        with open(os.path.join(WORK, f"summarize_{k}.jsonl"), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    mark_cache("summarize_data", code_stamp(*STAMP_SOURCES))
    return stats


def load(split):
    """Rows {src, tgt, ds} of 'train' or 'dev_<dataset>' (built on first use, and again when
    the code it is built with changed: common.SPLIT_SOURCES)."""
    path = os.path.join(WORK, f"summarize_{split}.jsonl")
    if not os.path.exists(path) or not cache_fresh("summarize_data", code_stamp(*STAMP_SOURCES)):
        build()
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


if __name__ == "__main__":
    s = build()
    for k, v in s.items():
        print(k, v)
