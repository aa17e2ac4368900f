"""rewrite/data.py — (noisy, clean) pairs for the rewrite model, with a fixed dev split.

    cd models/train && /usr/bin/python3 -m rewrite.data     # writes models/train/work/rewrite_*.jsonl

Clean copy (targets), from ../shared/data/products/:
  en  en_myntra.jsonl              bullets joined as sentences ("A. B. C."), else the description
      en_promptcloud_amazon.jsonl  feature bullets; shouted "HEADER:" prefixes and all-caps
                                   bullets dropped (they are seller noise themselves)
  zh  zh_advertisegen.jsonl        Taobao copy ("BRAND" placeholder kept, "<UNK>" removed)
      zh_iflytek_app_descriptions  app-store copy (side material), the "更新内容..." changelog cut off
  (en_leipzig descriptions are listing fragments "A/ B/ C", not clean copy: dev check only.)
Each text is normalized (ptcore.normalize, as serving does) and cut into chunks of whole
sentences of at most CHUNK_TOKENS tokens.  Chunks are de-duplicated (normalized text) across
all files, then split: dev = common.is_dev(clean chunk), 5%.
Pairs: noisy = normalize(rewrite.noise.corrupt(clean)); each train chunk gets VARIANTS noisy
versions (different seeds), each dev chunk one.  A pair is rebuilt with another seed (up to 4
times) and otherwise dropped when the noisy input exceeds MAX_SRC tokens or a fact of the
clean text (common.metrics.unsupported_facts) is missing from the noisy input.
Real noisy dev inputs (no reference): zh_jd_titles titles and en_leipzig descriptions
(is_dev rows, REAL_DEV of each): models/train/work/rewrite_real_dev.jsonl.
"""
import json
import os
import random
import re

from common import ROOT, SEED, SPLIT_SOURCES, WORK, cache_fresh, code_stamp, is_dev, mark_cache, read_jsonl
from common.metrics import unsupported_facts
from common.ptcore import Tokenizer, normalize
from rewrite.noise import corrupt, split_sentences

TOKENIZER = os.path.join(ROOT, "models", "tokenizer.ptm")
CHUNK_TOKENS = 72
MIN_CHARS = 12
MAX_SRC = 159
VARIANTS = 2
REAL_DEV = 300
IFLYTEK_LIMIT = 6000
DEV_LIMIT = 0            # dev pairs kept per language (0 = all)
# what the cache is built with
STAMP_SOURCES = SPLIT_SOURCES + ("models/train/rewrite/data.py", "models/train/rewrite/noise.py")


def _bullet_sentence(b):
    b = b.strip()
    if not b:
        return ""
    return b if b[-1] in ".!?" else b + "."


def en_texts():
    for r in read_jsonl("products/en_myntra.jsonl"):
        bullets = [b for b in (r.get("bullets") or []) if b and b.strip()]
        if len(bullets) >= 2:
            yield " ".join(_bullet_sentence(b) for b in bullets)
        elif r.get("description"):
            yield r["description"]
    for r in read_jsonl("products/en_promptcloud_amazon.jsonl"):
        out = []
        for b in r.get("bullets") or []:
            b = re.sub(r"^\s*[A-Z0-9][A-Z0-9 &'/,-]{2,}[:\-–]\s*", "", b or "")
            letters = re.findall(r"[A-Za-z]", b)
            if not letters or sum(c.isupper() for c in letters) > 0.5 * len(letters):
                continue
            out.append(_bullet_sentence(b))
        if out:
            yield " ".join(out)


def zh_texts():
    for r in read_jsonl("products/zh_advertisegen.jsonl"):
        d = (r.get("description") or "").replace("<UNK>", "")
        if d:
            yield d
    n = 0
    for r in read_jsonl("products/zh_iflytek_app_descriptions.jsonl"):
        d = (r.get("description") or "").split("更新内容")[0].strip()
        if len(d) >= 20:
            n += 1
            if n > IFLYTEK_LIMIT:
                break
            yield d


def chunks(text, lang, tok):
    """Whole-sentence chunks of normalized text, each at most CHUNK_TOKENS tokens."""
    cur, cur_n = "", 0
    for s in split_sentences(text, lang):
        n = len(tok.encode(s))
        if n > CHUNK_TOKENS:          # one over-long sentence: skip it, close the chunk
            if cur:
                yield cur.strip()
            cur, cur_n = "", 0
            continue
        if cur_n + n > CHUNK_TOKENS and cur:
            yield cur.strip()
            cur, cur_n = "", 0
        cur += s
        cur_n += n
    if cur.strip():
        yield cur.strip()


def make_pair(clean, lang, tok, seed):
    for attempt in range(4):
        rng = random.Random(f"{seed}:{attempt}:{clean}")
        noisy_raw, kinds = corrupt(clean, lang, rng)
        noisy = normalize(noisy_raw)
        if len(tok.encode(noisy)) > MAX_SRC:
            continue
        if unsupported_facts(noisy, clean):
            continue
        return {"src": noisy, "tgt": clean, "lang": lang, "kinds": kinds}
    return None


def build():
    tok = Tokenizer.from_file(TOKENIZER)
    seen = set()
    out = {"train": [], "dev_en": [], "dev_zh": []}
    stats = {}
    for lang, gen in (("en", en_texts), ("zh", zh_texts)):
        n_chunks = dup = dropped = 0
        for text in gen():
            for c in chunks(normalize(text), lang, tok):
                c = normalize(c)
                if len(c) < MIN_CHARS:
                    continue
                if c in seen:
                    dup += 1
                    continue
                seen.add(c)
                n_chunks += 1
                if is_dev(c):
                    if not DEV_LIMIT or len(out[f"dev_{lang}"]) < DEV_LIMIT:
                        p = make_pair(c, lang, tok, SEED)
                        if p:
                            out[f"dev_{lang}"].append(p)
                        else:
                            dropped += 1
                    continue
                for v in range(VARIANTS):
                    p = make_pair(c, lang, tok, SEED + 1 + v)
                    if p:
                        out["train"].append(p)
                    else:
                        dropped += 1
        stats[lang] = dict(chunks=n_chunks, duplicates=dup, dropped=dropped, dev=len(out[f"dev_{lang}"]))
    random.Random(SEED).shuffle(out["train"])
    stats["train"] = len(out["train"])

    real = []
    for rel, field, lang in (("products/zh_jd_titles.jsonl", "title", "zh"),
                             ("products/en_leipzig.jsonl", "description", "en")):
        k = 0
        for r in read_jsonl(rel):
            t = normalize(r.get(field) or "")
            if len(t) < 15 or not is_dev(t) or len(tok.encode(t)) > MAX_SRC:
                continue
            real.append({"src": t, "lang": lang, "ds": rel.split("/")[1].split(".")[0]})
            k += 1
            if k >= REAL_DEV:
                break
    out["real_dev"] = real
    stats["real_dev"] = len(real)

    os.makedirs(WORK, exist_ok=True)
    for k, rows in out.items():
        with open(os.path.join(WORK, f"rewrite_{k}.jsonl"), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(os.path.join(WORK, "rewrite_data_stats.json"), "w") as f:
        json.dump(stats, f, indent=1)
    mark_cache("rewrite_data", code_stamp(*STAMP_SOURCES))
    return stats


def load(split):
    """Rows of 'train', 'dev_en', 'dev_zh' or 'real_dev' (built on first use, and again when the
    code it is built with changed: common.SPLIT_SOURCES)."""
    path = os.path.join(WORK, f"rewrite_{split}.jsonl")
    if not os.path.exists(path) or not cache_fresh("rewrite_data", code_stamp(*STAMP_SOURCES)):
        build()
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


if __name__ == "__main__":
    for k, v in build().items():
        print(k, v)
