"""common — data access and the fixed train/dev split shared by every training script.

The training code is a set of packages under models/train (common, sentiment,
summarize, rewrite), run as modules from that directory, e.g.

    cd models/train && /usr/bin/python3 -m sentiment.train --lang en

The split is a pure function of the normalized text and a seed: a text lands
in dev when a keyed hash of it falls under the dev fraction.  Identical texts
therefore land on the same side in every file (no duplicate straddles the
split), and every script and baseline sees exactly the same dev rows.
"""
import hashlib
import json
import os

TRAIN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # models/train
ROOT = os.path.normpath(os.path.join(TRAIN, "..", ".."))                # the repository
WORK = os.path.join(TRAIN, "work")      # caches, checkpoints, logs (git-ignored)
DATA = os.environ.get("PRODTEXT_DATA", os.path.normpath(os.path.join(ROOT, "..", "shared", "data")))
SEED = 20261129
DEV_FRACTION = 0.05

ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def ascii_lower(s):
    """Lower-case A-Z only: exactly what the C core does (pt_ascii_lower)."""
    return s.translate(ASCII_LOWER)


# The split hashes normalized text, so a change to normalization moves rows between train and
# dev: a cached split in WORK built by other code is stale, and is built again (data.load).
SPLIT_SOURCES = ("src/core/text.c", "src/core/text.h")


def code_stamp(*paths):
    """A fingerprint of files (relative to ROOT): the code a cached work/ file is built with."""
    h = hashlib.blake2b(digest_size=8)
    for p in paths:
        with open(os.path.join(ROOT, p), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def cache_fresh(name, stamp):
    """Whether WORK/<name>.stamp says the cache <name> was built by the code stamp fingerprints."""
    try:
        with open(os.path.join(WORK, name + ".stamp"), encoding="utf-8") as f:
            return f.read().strip() == stamp
    except OSError:
        return False


def mark_cache(name, stamp):
    with open(os.path.join(WORK, name + ".stamp"), "w", encoding="utf-8") as f:
        f.write(stamp + "\n")


def read_jsonl(rel):
    with open(os.path.join(DATA, rel), encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def is_dev(text, seed=SEED, fraction=DEV_FRACTION):
    h = hashlib.blake2b(text.encode("utf-8"), digest_size=8, key=str(seed).encode()).digest()
    return int.from_bytes(h, "little") / 2.0**64 < fraction
