"""Opaque, time-ordered identifiers (UUIDv7 as 32 hex chars) so ids sort by creation."""

import os
import time


def new_id() -> str:
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 2 & ((1 << 12) - 1)) << 64
    value |= 0b10 << 62 | (rand & ((1 << 62) - 1))
    return f"{value:032x}"
