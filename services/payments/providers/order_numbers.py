"""Merchant order and refund numbers that fit both providers.

WeChat allows 6–32 chars of [0-9A-Za-z_-|*], Alipay ≤ 64 of letters, digits and underscores in practice; the
intersection we use is 6–32 chars of [0-9A-Za-z_-] ('|' and '*' are legal for WeChat but would need escaping in
Alipay's form and in URLs). Re-paying an order must reuse its number, so numbers are made once per order.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

PATTERN = re.compile(r"[0-9A-Za-z_-]{6,32}")
_PREFIX = re.compile(r"[0-9A-Za-z]{1,6}")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I/L/O/U to misread on a phone screen


def is_valid(number: str) -> bool:
    return bool(PATTERN.fullmatch(number))


def validate(number: str) -> str:
    if not is_valid(number):
        raise ValueError(f"order number must be 6-32 characters of [0-9A-Za-z_-]: {number[:40]!r}")
    return number


def make(prefix: str, now: datetime | None = None, random_chars: int = 10) -> str:
    """PREFIX + yyMMdd (UTC) + random base32, e.g. 'STU250901K7Q2M9XA3C' — sortable by day, unguessable, ≤ 32."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError("prefix must be 1-6 letters or digits")
    day = (now or datetime.now(UTC)).astimezone(UTC).strftime("%y%m%d")
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(random_chars))
    return validate(f"{prefix}{day}{tail}")
