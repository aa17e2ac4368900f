"""common/tokenizer_train.py — learn prodtext's byte-level BPE from ../shared/data.

    cd models/train && /usr/bin/python3 -m common.tokenizer_train [--vocab-size 16000] [--out ../../models/tokenizer.ptm]

Every text goes through the C normalizer and the C pre-tokenizer (ptcore, i.e.
build/libptcore.so from `make core-lib`), so the pieces merges are learnt on
are exactly the pieces the server encodes.  Texts are de-duplicated, a seeded
1% per language is held out as dev text (never trained on), and a seeded
sample of the rest, capped per language, is the training corpus.  The dev
text reports tokens per character and must round-trip exactly.
"""
import argparse
import heapq
import json
import os
import random
import time
from collections import Counter

import numpy as np

from common import ROOT, ptcore
from common.ptm import write_ptm

VERSION = "bpe16k-1"
MAX_VOCAB = 0xD800               # symbols are str characters below the surrogates


def record_texts(rec):
    """The human-written strings of one JSONL row, whatever its schema."""
    out = []
    for field in ("text", "title", "description", "tgt"):
        if isinstance(rec.get(field), str):
            out.append(rec[field])
    if isinstance(rec.get("src"), str):
        # FewSum joins eight reviews with " </s> ": each is a text of its own
        out.extend(rec["src"].split(" </s> "))
    if isinstance(rec.get("bullets"), list):
        out.extend(b for b in rec["bullets"] if isinstance(b, str))
    attrs = rec.get("attributes")
    if isinstance(attrs, list):
        # NER spans (jd titles, keys "entN") are substrings of the title: skip them
        kv = [f"{a[0]}: {a[1]}" for a in attrs
              if isinstance(a, list) and len(a) == 2 and not str(a[0]).startswith("ent")]
        if kv:
            out.append("; ".join(kv))
    return out


def load_texts(data_dir):
    """{lang: [normalized text, ...]} over every JSONL file, de-duplicated, in file order."""
    seen, texts, files = set(), {"en": [], "zh": []}, []
    for sub in ("reviews", "products", "pairs"):
        d = os.path.join(data_dir, sub)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".jsonl"):
                continue
            lang = name.split("_", 1)[0]
            if lang not in texts:
                continue
            files.append(f"{sub}/{name}")
            with open(os.path.join(d, name), encoding="utf-8") as f:
                for line in f:
                    for raw in record_texts(json.loads(line)):
                        try:
                            t = ptcore.normalize(raw)
                        except ValueError:
                            continue
                        if t and t not in seen:
                            seen.add(t)
                            texts[lang].append(t)
    return texts, files


def split(texts, seed, dev_frac, max_bytes):
    """Seeded dev hold-out per language, then a seeded training sample of at most max_bytes."""
    rng = random.Random(seed)
    train, dev = {}, {}
    for lang in sorted(texts):
        items = list(texts[lang])
        rng.shuffle(items)
        n_dev = max(1, int(len(items) * dev_frac))
        dev[lang] = items[:n_dev]
        chosen, total = [], 0
        for t in items[n_dev:]:
            n = len(t.encode("utf-8"))
            if total + n > max_bytes:
                break
            chosen.append(t)
            total += n
        train[lang] = chosen
    return train, dev


def count_pieces(texts):
    counts = Counter()
    for t in texts:
        counts.update(ptcore.pretokenize_bytes(t.encode("utf-8")))
    return counts


class Trainer:
    """BPE with incremental pair counts and a pair -> words index.

    A word is a str with one character per symbol (chr(id)), so finding and
    joining a pair are str.find and str.replace, which run in C; replace
    joins left to right, the order in which the C encoder applies a merge.
    Each merge touches only the words holding its pair (found through the
    index) and changes only the counts of the pairs around each join; a lazy
    max-heap yields the most frequent pair, ties broken by the smaller (a, b)
    so runs are deterministic.
    """

    def __init__(self, piece_counts):
        self.words = []
        self.freqs = []
        self.pairs = Counter()
        self.where = {}
        for piece, f in piece_counts.items():
            if len(piece) < 2:
                continue
            w = "".join(chr(ptcore.BYTE0 + c) for c in piece)
            idx = len(self.words)
            self.words.append(w)
            self.freqs.append(f)
            keys = [w[i:i + 2] for i in range(len(w) - 1)]
            for k in keys:
                self.pairs[k] += f
            for k in set(keys):
                self.where.setdefault(k, []).append(idx)
        self.heap = [(-c, k) for k, c in self.pairs.items()]
        heapq.heapify(self.heap)

    def best(self, min_count):
        """The most frequent pair (a 2-character str), or None below min_count."""
        while self.heap:
            neg, k = self.heap[0]
            if self.pairs.get(k, 0) == -neg:
                return k if -neg >= min_count else None
            heapq.heappop(self.heap)
        return None

    def merge(self, k, new_id):
        new = chr(new_id)
        delta = Counter()
        where = self.where
        for idx in set(where.pop(k)):
            w = self.words[idx]
            p = w.find(k)
            if p < 0:
                continue                         # a stale index entry
            f = self.freqs[idx]
            n = len(w)
            end = -1                             # end of the previous join
            while p >= 0:
                delta[k] -= f
                if p > 0 and p != end:
                    delta[w[p - 1:p + 1]] -= f
                if p + 2 < n:
                    delta[w[p + 1:p + 3]] -= f
                end = p + 2
                p = w.find(k, end)
            out = w.replace(k, new)
            m = len(out)
            q = out.find(new)
            while q >= 0:
                if q > 0:
                    key = out[q - 1:q + 1]
                    delta[key] += f
                    where.setdefault(key, []).append(idx)
                if q + 1 < m and out[q + 1] != new:
                    key = out[q:q + 2]
                    delta[key] += f
                    where.setdefault(key, []).append(idx)
                q = out.find(new, q + 1)
            self.words[idx] = out
        for key, d in delta.items():
            if d:
                c = self.pairs[key] + d
                if c > 0:
                    self.pairs[key] = c
                    heapq.heappush(self.heap, (-c, key))
                else:
                    del self.pairs[key]
        self.pairs.pop(k, None)
        return ord(k[0]), ord(k[1])


def train_bpe(piece_counts, vocab_size, min_count=2):
    """(merges as (a, b) pairs, token byte strings, the trainer); at most vocab_size tokens."""
    tr = Trainer(piece_counts)
    token_bytes = [b""] * ptcore.BYTE0 + [bytes([i]) for i in range(256)]
    merges = []
    while len(token_bytes) < vocab_size:
        k = tr.best(min_count)
        if k is None:
            break
        a, b = tr.merge(k, len(token_bytes))
        merges.append((a, b))
        token_bytes.append(token_bytes[a] + token_bytes[b])
    return merges, token_bytes, tr


def check_segmentation(tok, tr, seed, n=50000):
    """The C encoder must cut training words exactly as training did."""
    rng = random.Random(seed)
    for idx in rng.sample(range(len(tr.words)), min(n, len(tr.words))):
        w = tr.words[idx]
        piece = b"".join(tok.piece(ord(c)) for c in w)
        if tok.encode(piece) != [ord(c) for c in w]:
            raise SystemExit(f"encoder and trainer disagree on {piece!r}")


def arrays(token_bytes, merges):
    vocab = b"".join(token_bytes)
    offsets = np.zeros(len(token_bytes) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum([len(t) for t in token_bytes])
    merges_arr = np.array(merges, dtype=np.int32).reshape(-1, 2)
    return vocab, offsets, merges_arr


def evaluate(tok, dev):
    """{lang: tokens per character} on dev text; every text must round-trip."""
    stats = {}
    for lang, texts in sorted(dev.items()):
        n_tok = n_chr = 0
        for t in texts:
            ids = tok.encode(t)
            if tok.decode(ids) != t:
                raise SystemExit(f"round trip failed on dev text {t[:80]!r}")
            n_tok += len(ids)
            n_chr += len(t)
        stats[lang] = (n_tok / max(n_chr, 1), len(texts), n_chr)
    return stats


def main():
    ap = argparse.ArgumentParser(prog="python3 -m common.tokenizer_train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(ROOT), "shared", "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "tokenizer.ptm"))
    ap.add_argument("--vocab-size", type=int, default=16000)
    ap.add_argument("--max-mb-per-lang", type=float, default=20.0,
                    help="training text per language, in MB of UTF-8")
    ap.add_argument("--dev-frac", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    if not ptcore.FIRST_MERGE < args.vocab_size <= MAX_VOCAB:
        ap.error(f"--vocab-size must be in ({ptcore.FIRST_MERGE}, {MAX_VOCAB}]")

    t0 = time.time()
    texts, files = load_texts(args.data)
    train, dev = split(texts, args.seed, args.dev_frac, int(args.max_mb_per_lang * 1e6))
    for lang in sorted(texts):
        print(f"{lang}: {len(texts[lang])} unique texts, train {len(train[lang])} "
              f"({sum(len(t.encode()) for t in train[lang]) / 1e6:.1f} MB), dev {len(dev[lang])}")
    counts = count_pieces(t for lang in sorted(train) for t in train[lang])
    print(f"{len(counts)} distinct pieces, {sum(counts.values())} in all ({time.time() - t0:.0f} s)")

    merges, token_bytes, trainer = train_bpe(counts, args.vocab_size)
    print(f"{len(merges)} merges, vocabulary {len(token_bytes)} ({time.time() - t0:.0f} s)")

    vocab, offsets, merges_arr = arrays(token_bytes, merges)
    tok = ptcore.Tokenizer.from_arrays(vocab, offsets, merges_arr)
    check_segmentation(tok, trainer, args.seed)
    stats = evaluate(tok, dev)
    meta = {
        "task": "tokenizer", "language": "multi", "name": "prodtext-bpe", "version": VERSION,
        "tokenizer.vocab_size": len(token_bytes),
        "tokenizer.n_merges": len(merges),
        "tokenizer.max_piece_bytes": 64,
        "tokenizer.max_cjk_chars": 8,
        "train.seed": args.seed,
        "train.bytes": sum(len(t.encode()) for lang in train for t in train[lang]),
        "train.files": ",".join(files),
    }
    for lang, (tpc, n, _) in stats.items():
        meta[f"dev.{lang}.tokens_per_char"] = float(tpc)
        meta[f"dev.{lang}.texts"] = n
    write_ptm(args.out, meta, {
        "tokenizer.vocab": np.frombuffer(vocab, dtype=np.uint8),
        "tokenizer.offsets": offsets,
        "tokenizer.merges": merges_arr,
    })

    # the file as the server reads it must encode exactly like the arrays
    with ptcore.Tokenizer.from_file(args.out) as loaded:
        for lang in sorted(dev):
            for t in dev[lang]:
                if loaded.encode(t) != tok.encode(t):
                    raise SystemExit(f"{args.out} encodes {t[:80]!r} differently")
    tok.close()
    for lang, (tpc, n, n_chr) in stats.items():
        print(f"dev {lang}: {tpc:.4f} tokens/char over {n} texts ({n_chr} chars), all round-trip")
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes) in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
