"""A small dBASE III (.dbf) writer for test fixtures: the GBK exports of provincial and CHSI systems.

Fields are (name, type, length[, decimals]) with type C (text), N (number), D (date, YYYYMMDD) or L (logical).
Rows are lists of Python values (None for blank); a row whose first element is the `DELETED` marker is written as a
deleted record.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import date

DELETED = object()
LANGUAGE_DRIVER_GBK = 0x7A  # code page 936


def dbf_bytes(fields: Sequence[tuple], rows: Sequence[Sequence[object]], *, encoding: str = "gbk",
              language_driver: int = LANGUAGE_DRIVER_GBK, truncate_to: int | None = None) -> bytes:
    specs = [(f[0], f[1], f[2], f[3] if len(f) > 3 else 0) for f in fields]
    record_len = 1 + sum(length for _, _, length, _ in specs)
    header_len = 32 + 32 * len(specs) + 1
    today = date(2026, 5, 1)
    out = bytearray(struct.pack("<B3BIHH", 0x03, today.year - 1900, today.month, today.day, len(rows), header_len,
                                record_len))
    out += bytes(17) + bytes([language_driver]) + bytes(2)
    for name, kind, length, decimals in specs:
        raw_name = name.encode("ascii")[:10]
        out += raw_name + bytes(11 - len(raw_name)) + kind.encode("ascii") + bytes(4)
        out += bytes([length, decimals]) + bytes(14)
    out += b"\x0d"
    for row in rows:
        values = list(row)
        deleted = bool(values) and values[0] is DELETED
        if deleted:
            values = values[1:]
        out += b"*" if deleted else b" "
        for (_, kind, length, decimals), value in zip(specs, values, strict=True):
            out += _field(kind, length, decimals, value, encoding)
    out += b"\x1a"
    data = bytes(out)
    return data[:truncate_to] if truncate_to is not None else data


def _field(kind: str, length: int, decimals: int, value: object, encoding: str) -> bytes:
    if kind == "C":
        raw = b"" if value is None else str(value).encode(encoding)
        if len(raw) > length:
            raise ValueError(f"{value!r} does not fit in C({length})")
        return raw + b" " * (length - len(raw))
    if kind == "N":
        text = "" if value is None else (f"{value:.{decimals}f}" if decimals else str(int(value)))  # type: ignore
        if len(text) > length:
            raise ValueError(f"{value!r} does not fit in N({length},{decimals})")
        return text.rjust(length).encode("ascii")
    if kind == "D":
        text = "" if value is None else value.strftime("%Y%m%d")  # type: ignore[attr-defined]
        return text.ljust(8).encode("ascii")
    if kind == "L":
        return b"?" if value is None else (b"T" if value else b"F")
    raise ValueError(f"unsupported field type {kind!r}")
