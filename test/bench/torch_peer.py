"""The same sentiment model run by PyTorch in Python, outside the server: the peer of bench_core.

    /usr/bin/python3 test/bench/torch_peer.py MODEL.ptm TEXTS.txt

Runs the very code the PL/Python peer runs in the server (pg_torch_peer.py:
weights from the .ptm file, the C front end and n-gram features through
ctypes, the CNN in PyTorch on one thread, length-sorted sub-batches of 32),
with the model given, and prints rows/s for one row per call and 256 rows
per call (the whole path, normalization included, as in the C benchmark),
per CPU-second of the process, as the C benchmark counts.
"""
import os
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
os.environ.setdefault("PTCORE_LIB", os.path.join(ROOT, "build", "libptcore.so"))
sys.path.insert(0, os.path.join(ROOT, "models", "train"))
import pg_torch_peer  # noqa: E402
from pg_torch_peer import ASCII_LOWER, normalize  # noqa: E402


def main():
    model = pg_torch_peer.Model(sys.argv[1])
    texts = [line.rstrip("\n") for line in open(sys.argv[2], encoding="utf-8")]
    texts = [t for t in texts if t]
    prep = lambda t: normalize(t, 20000).translate(ASCII_LOWER)  # noqa: E731
    single = texts[:2000]
    t0 = time.process_time()
    for t in single:
        model.polarity([prep(t)])
    t_single = time.process_time() - t0
    t0 = time.process_time()
    for i in range(0, len(texts), 256):
        model.polarity([prep(t) for t in texts[i:i + 256]])
    t_batch = time.process_time() - t0
    print("rows_per_s_single,rows_per_s_batch256")
    print(f"{len(single) / t_single:.0f},{len(texts) / t_batch:.0f}")


if __name__ == "__main__":
    main()
