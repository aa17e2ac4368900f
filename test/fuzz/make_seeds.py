"""Write the seed corpora of the fuzz targets (run from the repository root):
    /usr/bin/python3 test/fuzz/make_seeds.py
Deterministic: the same files every time.  The model seeds are tiny but
complete sentiment models (a 260-byte vocabulary plus a few merges), so
mutations reach every check of the loader and the task; the test fixture
test/unit/fixtures/tiny.ptm is a seed too.
"""
import os
import shutil
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models", "train"))
from ptm import write_ptm  # noqa: E402

CORPUS = os.path.join(ROOT, "test", "fuzz", "corpus")


def tokenizer(merge_words):
    """byte tokens + merges spelling each word left to right"""
    pieces = [b""] * 4 + [bytes([b]) for b in range(256)]
    index = {p: i for i, p in enumerate(pieces) if i >= 4}
    merges = []
    for w in merge_words:
        cur = w[:1]
        for ch in w[1:]:
            nxt = cur + bytes([ch])
            if nxt not in index:
                merges.append((index[cur], index[bytes([ch])]))
                index[nxt] = len(pieces)
                pieces.append(nxt)
            cur = nxt
    offsets = np.zeros(len(pieces) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum([len(p) for p in pieces])
    return {"tokenizer.vocab": np.frombuffer(b"".join(pieces), dtype=np.uint8),
            "tokenizer.offsets": offsets,
            "tokenizer.merges": np.array(merges, dtype=np.int32).reshape(-1, 2)}, len(pieces)


def sentiment_model(path, lang, embed, filters, widths, buckets, nmin, nmax, seed):
    rng = np.random.default_rng(seed)
    tok, V = tokenizer([b"good", b"bad", b" great", b" not"])
    t = dict(tok)
    t["embed.weight"] = rng.standard_normal((V, embed)).astype(np.float32)
    for i, k in enumerate(widths):
        t[f"conv.{i}.weight"] = rng.standard_normal((filters, embed, k)).astype(np.float32)
        t[f"conv.{i}.bias"] = rng.standard_normal(filters).astype(np.float32)
    t["out.weight"] = rng.standard_normal((3, filters * len(widths))).astype(np.float32)
    t["out.bias"] = np.zeros(3, dtype=np.float32)
    t["linear.weight"] = rng.standard_normal((buckets, 3)).astype(np.float32)
    t["linear.bias"] = np.zeros(3, dtype=np.float32)
    meta = {"task": "sentiment", "language": lang, "name": "fuzz-seed", "version": "0",
            "embed_dim": embed, "filters": filters, "n_widths": len(widths), "max_tokens": 32,
            "lowercase": 1, "linear_buckets": buckets, "linear_ngram_min": nmin,
            "linear_ngram_max": nmax, "linear_weight": 0.5}
    for i, k in enumerate(widths):
        meta[f"width.{i}"] = k
    write_ptm(path, meta, t)


def main():
    for d in ("text", "model", "sentiment"):
        os.makedirs(os.path.join(CORPUS, d), exist_ok=True)
    m = os.path.join(CORPUS, "model")
    sentiment_model(os.path.join(m, "sentiment-tiny-en.ptm"), "en", 4, 2, [1, 3], 16, 1, 3, 1)
    sentiment_model(os.path.join(m, "sentiment-tiny-zh.ptm"), "zh", 2, 3, [2, 5, 4], 7, 2, 2, 2)
    shutil.copy(os.path.join(ROOT, "test", "unit", "fixtures", "tiny.ptm"), os.path.join(m, "test-tiny.ptm"))

    texts = {
        "en-review": "Great headphones!! Battery lasts 20 hrs, but the case is flimsy... Mr. Smith said 3.5 mm jack works. Would buy again?",
        "zh-review": "质量很好，非常满意！物流太慢了。。。客服态度一般；会再买吗？",
        "html": "<div class=\"d\"><p>Soft&nbsp;cotton &amp; linen<br/>Size &lt; 5</p><script>var x='<p>';</script>"
                "<style>p{}</style><!-- c --><ul><li>one<li>two</ul>&#x4E2D;&#20013;&bogus; &#0; &#xD800;<unclosed",
        "fullwidth-space": "ＡＢＣ１２３\u3000\t\u00a0 mixed\u200b zero\u2060width\ufeff \r\n\n\x01\x7f\u0085end",
        "mixed-rtl": "Good مرحبا بالعالم שלום great Привет 좋아요 こんにちは 🙂🙂 नमस्ते e\u0301 ok",
        "planes": "".join(chr(c) for c in (0x41, 0x7FF, 0x800, 0xFFFD, 0x10000, 0x1F600, 0x20000, 0x2A6D6,
                                          0x30000, 0xE0001, 0xF0000, 0x10FFFD)),
        "entities-nested": "&amp;amp;lt;b&amp;gt; &lt;b&gt;bold&lt;/b&gt; " + "<b>" * 40 + "x" + "</b>" * 40,
        "abbrev": "Dr. No. approx. 5 lbs. etc. e.g. U.S. i.e. J. Doe vs. Inc. Ltd. Co. Fine! Really? Yes.",
    }
    for name, s in texts.items():
        with open(os.path.join(CORPUS, "text", name), "wb") as f:
            f.write(s.encode())
    with open(os.path.join(CORPUS, "text", "invalid-utf8"), "wb") as f:
        f.write(b"ok \xc3\x28 \xed\xa0\x80 \xf5\x80 \xc0\x80 \xff end")

    # sentiment inputs: texts separated by 0xFF (never part of UTF-8)
    sep = b"\xff"
    seeds = {
        "one-en": "love it, works great".encode(),
        "batch": sep.join(t.encode() for t in ("terrible, broke in a day", "", "   ", "太差了，不会再买",
                                               "ok", "<b>bad</b> &amp; sad")),
        "long-word": ("x" * 600).encode() + sep + ("好" * 300).encode(),
        "mixed": texts["mixed-rtl"].encode() + sep + texts["html"].encode(),
        "invalid": b"fine" + sep + b"bad \xc3\x28",
    }
    for name, b in seeds.items():
        with open(os.path.join(CORPUS, "sentiment", name), "wb") as f:
            f.write(b)


if __name__ == "__main__":
    main()
