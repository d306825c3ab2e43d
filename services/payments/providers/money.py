"""Yuan strings ↔ integer fen. Providers speak yuan in Alipay forms and in both bills; we never use floats."""

from __future__ import annotations

import re
from decimal import Decimal

_YUAN = re.compile(r"-?\d{1,12}(\.\d{1,2})?")


def yuan_to_fen(text: str) -> int:
    """'15.00' → 1500; '-0.01' → -1. More than two decimals or anything else raises ValueError."""
    text = text.strip()
    if not _YUAN.fullmatch(text):
        raise ValueError(f"not a yuan amount: {text[:40]!r}")
    return int(Decimal(text) * 100)


def fen_to_yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
