"""common/ptm.py — write and read prodtext .ptm weight files (format: models/FORMAT.md).

The C reader (src/core/model.c) is the authority on validity; this writer
produces exactly what it accepts, and read_ptm() lets training scripts and
tests inspect files from Python.
"""
import os
import struct
import zlib

import numpy as np

MAGIC = b"PRODTEXT"
FORMAT_VERSION = 1
ALIGN = 64
HEADER = struct.Struct("<8sIIQIIQQI12x")  # 64 bytes
CRC_OFFSET = 48
REQUIRED_META = ("task", "language", "name", "version")

KV_INT, KV_FLOAT, KV_STRING = 0, 1, 2
DTYPES = {np.dtype(np.float32): 0, np.dtype(np.float16): 1, np.dtype(np.int32): 2,
          np.dtype(np.uint8): 3, np.dtype(np.int8): 4}
DTYPE_OF_CODE = {v: k for k, v in DTYPES.items()}


def _pad(n):
    return (-n) % ALIGN


def _encode_kv(key, value):
    k = key.encode()
    if isinstance(value, bool) or isinstance(value, (int, np.integer)):
        return struct.pack("<I", len(k)) + k + struct.pack("<Iq", KV_INT, int(value))
    if isinstance(value, (float, np.floating)):
        return struct.pack("<I", len(k)) + k + struct.pack("<Id", KV_FLOAT, float(value))
    if isinstance(value, str):
        v = value.encode()
        return struct.pack("<I", len(k)) + k + struct.pack("<II", KV_STRING, len(v)) + v
    raise TypeError(f"metadata {key!r}: unsupported type {type(value).__name__}")


def write_ptm(path, meta, tensors):
    """Write `meta` (str -> int|float|str) and `tensors` (str -> ndarray) to `path`.

    Tensors are stored C-contiguous, little-endian, each at a 64-byte-aligned
    offset; tensor order is the dict's order.  The header CRC-32 covers the
    whole file.
    """
    for key in REQUIRED_META:
        if not isinstance(meta.get(key), str) or not meta[key]:
            raise ValueError(f"metadata {key!r} (a non-empty string) is required")
    arrays = []
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        if arr.dtype not in DTYPES:
            raise TypeError(f"tensor {name!r}: unsupported dtype {arr.dtype}")
        if not 1 <= arr.ndim <= 4 or arr.size == 0:
            raise ValueError(f"tensor {name!r}: shape {arr.shape} must have 1-4 non-zero dims")
        arrays.append((name, arr.astype(arr.dtype.newbyteorder("<"), copy=False)))

    kv = b"".join(_encode_kv(k, v) for k, v in meta.items())
    table, offset = [], 0
    for name, arr in arrays:
        n = name.encode()
        table.append(struct.pack("<I", len(n)) + n
                     + struct.pack("<II", DTYPES[arr.dtype], arr.ndim)
                     + struct.pack(f"<{arr.ndim}q", *arr.shape)
                     + struct.pack("<QQ", offset, arr.nbytes))
        offset += arr.nbytes + _pad(arr.nbytes)
    meta_bytes = kv + b"".join(table)
    data_offset = HEADER.size + len(meta_bytes) + _pad(HEADER.size + len(meta_bytes))
    file_size = data_offset + offset

    body = bytearray(meta_bytes + b"\0" * (data_offset - HEADER.size - len(meta_bytes)))
    for _, arr in arrays:
        body += arr.tobytes() + b"\0" * _pad(arr.nbytes)
    header = bytearray(HEADER.pack(MAGIC, FORMAT_VERSION, 0, file_size, len(meta),
                                   len(arrays), len(meta_bytes), data_offset, 0))
    crc = zlib.crc32(bytes(header) + bytes(body)) & 0xFFFFFFFF
    struct.pack_into("<I", header, CRC_OFFSET, crc)
    # a new file renamed over the old one: servers that have the old file
    # mapped keep reading it; rewriting it in place would SIGBUS them
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(header)
        f.write(body)
    os.replace(tmp, path)
    return file_size


def read_ptm(path):
    """Return (meta, tensors) of a .ptm file; tensors are numpy arrays (copies)."""
    with open(path, "rb") as f:
        buf = f.read()
    magic, version, _flags, size, n_kv, n_tensors, _msize, data_offset, crc = HEADER.unpack_from(buf)
    if magic != MAGIC or version != FORMAT_VERSION or size != len(buf):
        raise ValueError(f"{path}: not a version {FORMAT_VERSION} .ptm file of the right size")
    check = bytearray(buf)
    struct.pack_into("<I", check, CRC_OFFSET, 0)
    if zlib.crc32(bytes(check)) & 0xFFFFFFFF != crc:
        raise ValueError(f"{path}: checksum mismatch")
    pos, meta, tensors = HEADER.size, {}, {}

    def take(fmt):
        nonlocal pos
        vals = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return vals

    def take_str():
        nonlocal pos
        (n,) = take("<I")
        s = buf[pos:pos + n].decode()
        pos += n
        return s

    for _ in range(n_kv):
        key = take_str()
        (t,) = take("<I")
        meta[key] = take("<q")[0] if t == KV_INT else take("<d")[0] if t == KV_FLOAT else take_str()
    for _ in range(n_tensors):
        name = take_str()
        dtype, ndim = take("<II")
        shape = take(f"<{ndim}q")
        off, nbytes = take("<QQ")
        start = data_offset + off
        dt = DTYPE_OF_CODE[dtype]
        tensors[name] = np.frombuffer(buf[start:start + nbytes], dtype=dt).reshape(shape).copy()
    return meta, tensors
