"""common/metrics.py — the metrics and baselines every summarizer is judged by (rewrite uses its fact checker too).

    rouge(hyp, ref, lang)            -> {"rouge1": F1, "rouge2": F1, "rougeL": F1}
    rouge_corpus(hyps, refs, langs)  -> mean of the above over pairs
    lead(text, n_units, lang)        -> first n_units words (en) / characters (zh)
    textrank(text, n_units, lang)    -> TextRank sentence extract of about n_units
    unsupported_facts(src, out)      -> fact words of out not found in src

Units: English is scored on lower-cased word tokens ([a-z0-9]+), Chinese on
non-space characters.  The fact checker is a plain regex checker, kept
independent of the C fact extractor (src/core/facts.c) so that each can
catch the other's mistakes.  Plain Python (+ numpy when present).
"""
import math
import re

__all__ = ["tokens", "rouge", "rouge_corpus", "lead", "textrank", "split_sentences",
           "unsupported_facts", "n_units"]

_EN_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(s, lang):
    """Scoring units: lower-cased words for en (and anything not zh), characters for zh."""
    if lang == "zh":
        return [c for c in s if not c.isspace()]
    return _EN_TOKEN.findall(s.lower())


def n_units(s, lang):
    return len(tokens(s, lang))


def _ngrams(toks, n):
    counts = {}
    for i in range(len(toks) - n + 1):
        g = tuple(toks[i:i + n])
        counts[g] = counts.get(g, 0) + 1
    return counts


def _f1(overlap, n_hyp, n_ref):
    if n_hyp == 0 or n_ref == 0 or overlap == 0:
        return 0.0
    p = overlap / n_hyp
    r = overlap / n_ref
    return 2 * p * r / (p + r)


def _lcs(a, b):
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            cur[j] = prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1])
        prev = cur
    return prev[-1]


def rouge(hyp, ref, lang="en"):
    """ROUGE-1, ROUGE-2 and ROUGE-L (summary-level LCS over the whole text) F1."""
    h, r = tokens(hyp, lang), tokens(ref, lang)
    out = {}
    for n in (1, 2):
        hg, rg = _ngrams(h, n), _ngrams(r, n)
        ov = sum(min(c, rg.get(g, 0)) for g, c in hg.items())
        out[f"rouge{n}"] = _f1(ov, max(len(h) - n + 1, 0), max(len(r) - n + 1, 0))
    out["rougeL"] = _f1(_lcs(h, r), len(h), len(r))
    return out


def rouge_corpus(hyps, refs, langs):
    """Mean per-pair ROUGE F1 (x100)."""
    tot = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    n = 0
    for h, r, lg in zip(hyps, refs, langs):
        s = rouge(h, r, lg)
        for k in tot:
            tot[k] += s[k]
        n += 1
    return {k: 100.0 * v / max(n, 1) for k, v in tot.items()}


# ---------------------------------------------------------------- baselines

_EN_WORD_SPAN = re.compile(r"\S+")


def lead(text, n, lang="en"):
    """The first n words (en: white-space words) or n non-space characters (zh)."""
    text = text.replace("</s>", " ")
    if n <= 0:
        return ""
    if lang == "zh":
        out, k = [], 0
        for c in text:
            if not c.isspace():
                k += 1
                if k > n:
                    break
            out.append(c)
        return "".join(out).strip()
    return " ".join(_EN_WORD_SPAN.findall(text)[:n])


def cut_to(text, max_chars, lang="en"):
    """text cut to max_chars characters, between words (en), so that a baseline gets the budget a
    system has."""
    if len(text) <= max_chars:
        return text
    if lang == "zh":
        return text[:max_chars]
    head = text[:max_chars + 1]
    return head[:head.rfind(" ")].rstrip() if " " in head else text[:max_chars]


_SENT_EN = re.compile(r"[^.!?\n]*(?:[.!?]+[\"')\]]*|$)")
_SENT_ZH = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|$)")


def split_sentences(text, lang="en"):
    """Sentences of text; FewSum's ' </s> ' review separator is a boundary too."""
    out = []
    for part in text.split("</s>"):
        pat = _SENT_ZH if lang == "zh" else _SENT_EN
        for m in pat.finditer(part):
            s = m.group(0).strip()
            if s and any(ch.isalnum() for ch in s):
                out.append(s)
    return out


def _pagerank(w, d=0.85, iters=50, tol=1e-8):
    n = len(w)
    if n == 0:
        return []
    try:
        import numpy as np
        m = np.asarray(w, dtype=np.float64)
        rs = m.sum(axis=1, keepdims=True)
        rs[rs == 0] = 1.0
        m = m / rs
        p = np.full(n, 1.0 / n)
        for _ in range(iters):
            q = (1 - d) / n + d * (m.T @ p)
            if np.abs(q - p).sum() < tol:
                p = q
                break
            p = q
        return p.tolist()
    except ImportError:
        rows = [sum(r) or 1.0 for r in w]
        p = [1.0 / n] * n
        for _ in range(iters):
            q = [(1 - d) / n + d * sum(w[j][i] / rows[j] * p[j] for j in range(n))
                 for i in range(n)]
            done = sum(abs(a - b) for a, b in zip(p, q)) < tol
            p = q
            if done:
                break
        return p


def textrank(text, n, lang="en", max_sentences=400):
    """TextRank (Mihalcea & Tarau 2004): sentence graph weighted by unit overlap
    normalized by log lengths, PageRank, then the top sentences taken in score
    order until about n units, emitted in text order and cut to n units."""
    sents = split_sentences(text, lang)[:max_sentences]
    if not sents or n <= 0:
        return ""
    sets = [set(tokens(s, lang)) for s in sents]
    lens = [len(tokens(s, lang)) for s in sents]
    k = len(sents)
    w = [[0.0] * k for _ in range(k)]
    for i in range(k):
        for j in range(i + 1, k):
            if lens[i] < 2 or lens[j] < 2:
                continue
            ov = len(sets[i] & sets[j])
            if ov:
                v = ov / (math.log(lens[i]) + math.log(lens[j]))
                w[i][j] = w[j][i] = v
    pr = _pagerank(w)
    order = sorted(range(k), key=lambda i: (-pr[i], i))
    chosen, total = [], 0
    for i in order:
        if total >= n:
            break
        chosen.append(i)
        total += lens[i]
    chosen.sort()
    sep = "" if lang == "zh" else " "
    return lead(sep.join(sents[i] for i in chosen), n, lang)


# ------------------------------------------------------------ fact checking

# ASCII word boundaries: a number or model number glued to ideographs ("重300g") still counts
_NUM_UNIT = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:[.,]\d+)*)\s*(%|[a-zA-Z\u00b0\u00b5\u03bc]+|[\u4e00-\u9fff])?")
_MODEL_NO = re.compile(r"\b(?=[A-Za-z0-9-]*[A-Za-z])(?=[A-Za-z0-9-]*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b",
                       re.ASCII)
_CAP_WORD = re.compile(r"(?<![A-Za-z0-9'])[A-Z][A-Za-z0-9'&-]*")
_SENT_START = re.compile(r"(?:^|[.!?。！？;:\n\"“(]\s*)$")


def _norm_num(s):
    return s.replace(",", "")


def unsupported_facts(src, out):
    """Fact words of out that src does not contain: numbers (with the unit
    right after them), alphanumeric model numbers, and capitalized words that
    do not start a sentence (brand-like), each looked up case-insensitively
    in src.  Returns the list of offending strings (empty = faithful)."""
    src_l = src.lower()
    src_nums = {}
    for m in _NUM_UNIT.finditer(src):
        num = _norm_num(m.group(1))
        unit = (m.group(2) or "").lower()
        src_nums.setdefault(num, set()).add(unit)
    bad = []
    for m in _NUM_UNIT.finditer(out):
        num = _norm_num(m.group(1))
        unit = (m.group(2) or "").lower()
        units = src_nums.get(num)
        if units is None:
            bad.append(m.group(0).strip())
        elif unit and unit not in units and not any(u.startswith(unit) or unit.startswith(u)
                                                    for u in units if u):
            # a unit the source never puts after this number (e.g. 5 kg vs 5 lb)
            if re.fullmatch(r"[a-z\u00b0\u00b5\u03bc%]+|[\u4e00-\u9fff]", unit) and \
                    unit in {"kg", "g", "lb", "lbs", "oz", "mm", "cm", "m", "km", "in", "inch",
                             "inches", "ft", "w", "v", "mah", "gb", "tb", "mb", "hz", "ghz",
                             "mhz", "ml", "l", "%", "h", "hours", "mins", "minutes", "pcs",
                             "pack", "x", "k", "mp", "°c", "°f"}:
                bad.append(m.group(0).strip())
    for m in _MODEL_NO.finditer(out):
        if m.group(0).lower() not in src_l:
            bad.append(m.group(0))
    for m in _CAP_WORD.finditer(out):
        w = m.group(0)
        if _SENT_START.search(out[:m.start()]):
            continue
        if w.lower() in ("i", "i'm", "i've", "i'd", "i'll"):
            continue
        if w.lower() not in src_l:
            bad.append(w)
    # dedupe, keep order
    seen, res = set(), []
    for b in bad:
        if b not in seen:
            seen.add(b)
            res.append(b)
    return res


if __name__ == "__main__":
    assert abs(rouge("the cat sat", "the cat sat")["rouge1"] - 1) < 1e-9
    assert rouge("", "x")["rougeL"] == 0
    assert rouge("猫坐着", "猫坐着", "zh")["rouge2"] == 1
    assert lead("a b c d", 2) == "a b"
    assert lead("猫 坐着了", 2, "zh") == "猫 坐"
    t = "The phone is great. Battery lasts long. The phone is great and cheap. Shipping was slow."
    print(textrank(t, 8))
    assert unsupported_facts("A 5 kg Sony XR-200 bag.", "Sony bag, 5 kg, XR-200.") == []
    assert unsupported_facts("容量500ml，Thermos品牌", "容量500ml的Thermos杯，重300g") == ["300g"]
    print(unsupported_facts("A 5 kg bag.", "A 6 kg bag by Apple, model X100 at 5 lb."))
    print("ok")
