"""Write the seed corpora of the fuzz targets (run from the repository root):
    /usr/bin/python3 test/fuzz/make_seeds.py
Deterministic: the same files every time.  The model seeds are tiny but
complete sentiment and embed models (a 260-byte vocabulary plus a few merges), so
mutations reach every check of the loader and the task; the test fixture
test/unit/fixtures/tiny.ptm is a seed too.
"""
import os
import shutil
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models", "train"))
from common.ptm import write_ptm  # noqa: E402

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


def embed_model(path, embed, dim, buckets, nmin, nmax, seed, i8=False):
    """i8: the tables in 8 bits, as shipped (NAME.i8 and NAME.i8_scale)"""
    rng = np.random.default_rng(seed)
    tok, V = tokenizer([b"sony", b" turntable", b" black"])
    t = dict(tok)
    t["tok.weight"] = rng.standard_normal((V, embed)).astype(np.float32)
    t["tok.gate"] = rng.uniform(0.5, 2.0, V).astype(np.float32)
    t["ngram.weight"] = rng.standard_normal((buckets, embed)).astype(np.float32)
    t["proj.weight"] = rng.standard_normal((dim, 2 * embed)).astype(np.float32)
    t["proj.bias"] = rng.standard_normal(dim).astype(np.float32)
    for name in ("tok", "ngram") if i8 else ():
        w = t.pop(f"{name}.weight")
        t[f"{name}.i8_scale"] = (np.abs(w).max(1) / 127).astype(np.float32)
        t[f"{name}.i8"] = np.rint(w / t[f"{name}.i8_scale"][:, None]).astype(np.int8)
    meta = {"task": "embed", "language": "multi", "name": f"fuzz-seed-d{dim}", "version": "0",
            "embed_dim": embed, "dim": dim, "max_tokens": 32, "max_chars": 64, "lowercase": 1,
            "ngram_min": nmin, "ngram_max": nmax, "ngram_buckets": buckets}
    write_ptm(path, meta, t)


def main():
    for d in ("text", "model", "sentiment", "facts", "summarize", "rewrite", "embed"):
        os.makedirs(os.path.join(CORPUS, d), exist_ok=True)
    m = os.path.join(CORPUS, "model")
    sentiment_model(os.path.join(m, "sentiment-tiny-en.ptm"), "en", 4, 2, [1, 3], 16, 1, 3, 1)
    sentiment_model(os.path.join(m, "sentiment-tiny-zh.ptm"), "zh", 2, 3, [2, 5, 4], 7, 2, 2, 2)
    embed_model(os.path.join(m, "embed-tiny.ptm"), 4, 3, 11, 1, 3, 3)
    embed_model(os.path.join(m, "embed-tiny-i8.ptm"), 8, 2, 5, 2, 2, 4, i8=True)
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

    # embed inputs: texts separated by 0xFF, as for sentiment
    seeds = {
        "en-pair": b"Sony Turntable - PSLX350H" + sep + b"Sony PS-LX350H belt drive",
        "zh-html-empty": "晨光 ADB98377 儿童画板".encode() + sep + b"<p>&amp;</p>" + sep + sep + b"   ",
        "invalid": b"ok \xc3\x28 bad",
    }
    for name, b in seeds.items():
        with open(os.path.join(CORPUS, "embed", name), "wb") as f:
            f.write(b)

    # facts inputs: input text 0xFF output text (no 0xFF: the text is both)
    facts = {
        "en-product": ("DKNY XR-500 bag, 2.8 kg, 55 x 40 x 20 cm; 5-year warranty. 100% nylon, "
                       "1,500mAh battery, iPhone 13 case, 1/2 inch, 30\u00b0C wash, v2.0.1",
                       "DKNY XR-500: 2.8kg, 5 years warranty, 1500 mAh, 100 % nylon, 30 \u00b0C"),
        "en-unsupported": ("Black cotton shirt for Men, size M, 2 pack",
                           "Gucci XR-600 shirt, 3 pack, 5 kg, iPhone, 128 GB, 1,5000"),
        "zh-units": ("\u5c3a\u5bf8 5\u5398\u7c73\uff0c\u91cd\u91cf 300\u514b\uff0c"
                     "\u4fdd\u4fee 12\u4e2a\u6708\uff0c2\u5e74\u8d28\u4fdd\uff0c128GB",
                     "5\u5398\u7c73 300\u514b 12\u4e2a\u6708 2 years 12\u4e2a 5\u82f1\u5bf8"),
        "html-emoji": ("<p>Sony WH-1000XM4 &amp; 30 hrs</p> \U0001F3A7\U0001F525 4.5\u2033 screen",
                       "Sony WH-1000XM4 \U0001F3A7 30 hours, 4.5 inches \u2033"),
        "self": ("Samsung Galaxy S21 Ultra 5G, 256 GB, 6.8-inch, 108 MP, 5,000 mAh, 25W, "
                 "\u00b0F 5 \u00b0C 12\u4e2a 5 kgs 5-KG 30\u2103", None),
    }
    os.makedirs(os.path.join(CORPUS, "facts"), exist_ok=True)
    for name, (a, b) in facts.items():
        with open(os.path.join(CORPUS, "facts", name), "wb") as f:
            f.write(a.encode() if b is None else a.encode() + sep + b.encode())
    with open(os.path.join(CORPUS, "facts", "invalid"), "wb") as f:
        f.write(b"XR-5\xc3\x28 5 k\xe5\x8e kg" + sep + b"XR-5 5 k\xe5\x8e\x98 \xff5kg")

    # summarize inputs: 4 parameter bytes (fuzz_summarize.c) then texts separated by 0xFF
    def params(max_chars, beam, fill, mic):
        return bytes([(max_chars - 1) >> 8, (max_chars - 1) & 0xFF, (fill << 2) | (beam - 1),
                      0x80 if mic == 0 else min(0x7F, (mic - 1) // 3)])
    en = ("Sony WH-1000XM4 wireless headphones with 30 hours of battery life. "
          "Industry-leading noise cancellation with Dual Noise Sensor technology. "
          "Weighs 254 g and folds flat. Free shipping and 30-day returns! Contact the seller. "
          "Touch controls, 3.5 mm jack, USB-C charging: 10 min gives 5 hours.")
    zh = ("\u8fd9\u6b3e\u4fdd\u6e29\u676f\u5bb9\u91cf500\u6beb\u5347\uff0c"
          "\u91cd\u91cf300\u514b\uff0c\u9ad8\u5ea620\u5398\u7c73\u3002"
          "\u4fdd\u6e2912\u4e2a\u5c0f\u65f6\uff0c\u9002\u5408\u529e\u516c\u5ba4\u4f7f\u7528\u3002"
          "\u5305\u90ae\uff0c\u4e03\u5929\u65e0\u7406\u7531\u9000\u8d27\uff01")
    reviews = ["Great sound, battery lasts all day. Comfortable for long flights.",
               "Battery life is great and the sound is clear. A bit tight on my head.",
               "Sound quality is great. Battery lasts long. Shipping was slow.",
               None, "Terrible. Broke after 2 days, returned it."]
    summ = {
        "en-one": params(120, 1, 1, 0) + en.encode(),
        "en-beam4-tiny": params(7, 4, 0, 40) + en.encode(),
        "zh-one": params(30, 2, 1, 0) + zh.encode(),
        "reviews": params(200, 3, 1, 0) + sep.join(b"" if r is None else r.encode() for r in reviews),
        "html-emoji": params(60, 1, 1, 0) + (
            "<ul><li>\u2022 Apple iPhone 13 Pro, 128 GB</li><li>6.1-inch display \U0001F4F1\U0001F525</li>"
            "<li>A15 Bionic &amp; 5G</li></ul><script>x</script> 1,500 reviews\u2026 Mr. Smith said so.").encode(),
        "mixed-invalid": params(300, 2, 1, 5) + en.encode()[:40] + sep + b"bad \xc3\x28" + sep + zh.encode(),
        "prefix": params(90, 1, 1, 0) + en.encode() + sep + b"Sony headphones with 30 hours" + sep + b"x",
    }
    os.makedirs(os.path.join(CORPUS, "summarize"), exist_ok=True)
    for name, b in summ.items():
        with open(os.path.join(CORPUS, "summarize", name), "wb") as f:
            f.write(b)

    # rewrite inputs: 2 parameter bytes (fuzz_rewrite.c: max_chars, beam - 1) then texts
    noisy = ("BEST PRICE!!! \U0001F525\U0001F525 Black SOLID casual shirt , has a spread collar,, "
             "long sleeves. Black solid casual shirt. 100% cotton, 5 .5 cm pocket, SKU LJ--10. "
             "FREE SHIPPING on all orders!!! Tags: shirt, black, cotton")
    zh_noisy = "\u3010\u7206\u6b3e\u3011" + zh + zh + "\u2605\u2605\u2605 1.0.1612,,20150521"
    rewrite = {
        "en-greedy": bytes([0, 0]) + noisy.encode(),
        "en-beam2-budget": bytes([60, 1]) + noisy.encode(),
        "zh-greedy": bytes([0, 0]) + zh_noisy.encode(),
        "mixed-null-invalid": bytes([0, 2]) + sep.join([noisy.encode(), b"", b"bad \xc3\x28", zh.encode(),
                                                        b"x", b"Soft\xf0\x9f\x8c\x9fcotton"]),
    }
    os.makedirs(os.path.join(CORPUS, "rewrite"), exist_ok=True)
    for name, b in rewrite.items():
        with open(os.path.join(CORPUS, "rewrite", name), "wb") as f:
            f.write(b)


if __name__ == "__main__":
    main()
