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


def read_jsonl(rel):
    with open(os.path.join(DATA, rel), encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def is_dev(text, seed=SEED, fraction=DEV_FRACTION):
    h = hashlib.blake2b(text.encode("utf-8"), digest_size=8, key=str(seed).encode()).digest()
    return int.from_bytes(h, "little") / 2.0**64 < fraction
