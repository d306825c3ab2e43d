"""Make-up certificate numbers: ``BP-<院校代码>-<year>-<sequence>-<check>``, e.g. ``BP-10403-2026-000123-K``.

The check character is a letter computed from the 15 digits (school code, year, 6-digit sequence): the weighted sum
``Σ wᵢ·dᵢ mod 23`` with weights 1, 2, …, 22, 1, … mapped onto 23 letters without I, O and Q (they read as 1, 0
and 0). Because 23 is prime, every weight is non-zero and neighbouring weights differ, so a single mistyped
digit and a swap of two adjacent digits always change the letter; a mistyped or swapped letter breaks the format
(a letter where a digit belongs, or one not in the alphabet). The check is only against typing mistakes: the
numbers are sequential, so they are not secrets, and whoever answers a number must still check who is asking.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PREFIX = "BP"  # 补拍
CHECK_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters: A–Z without I, O, Q
MAX_SEQUENCE = 999_999

_MODULUS = len(CHECK_ALPHABET)
_FORMAT = re.compile(rf"^{PREFIX}-([0-9]{{5}})-([0-9]{{4}})-([0-9]{{6}})-([{CHECK_ALPHABET}])$")
_COMPACT = re.compile(rf"^{PREFIX}([0-9]{{5}})([0-9]{{4}})([0-9]{{6}})([{CHECK_ALPHABET}])$")


@dataclass(frozen=True)
class CertificateNumber:
    school_code: str
    year: int
    sequence: int

    def __str__(self) -> str:
        return new_certificate_number(self.school_code, self.year, self.sequence)


def check_character(digits: str) -> str:
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"check character needs ASCII digits, got {digits!r}")
    total = sum(((i % (_MODULUS - 1)) + 1) * int(d) for i, d in enumerate(digits))
    return CHECK_ALPHABET[total % _MODULUS]


def new_certificate_number(school_code: str, year: int, sequence: int) -> str:
    """The number of the `sequence`-th certificate a school issues in `year` (unique when the sequence is)."""
    if not (len(school_code) == 5 and school_code.isascii() and school_code.isdigit()):
        raise ValueError(f"school code must be 5 digits, got {school_code!r}")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have 4 digits, got {year!r}")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence must be 1..{MAX_SEQUENCE}, got {sequence!r}")
    body = f"{school_code}{year:04d}{sequence:06d}"
    return f"{PREFIX}-{school_code}-{year:04d}-{sequence:06d}-{check_character(body)}"


def normalize_certificate_number(text: str) -> str:
    """What a person typed, in canonical form: full-width to half-width, upper case, spaces dropped, any dash as
    a hyphen, and the hyphens put back when all of them were left out. Hyphens in the wrong places are not
    moved: such text fails `certificate_number_valid` (so does a swap of a digit and a hyphen)."""
    text = unicodedata.normalize("NFKC", text).upper()
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"[‐‑‒–—―_－]", "-", text)
    m = _COMPACT.match(text)
    if m is not None:
        return f"{PREFIX}-{m[1]}-{m[2]}-{m[3]}-{m[4]}"
    return text


def parse_certificate_number(number: str) -> CertificateNumber | None:
    """The parts of a valid number (after `normalize_certificate_number`), or None when it is not valid."""
    m = _FORMAT.match(normalize_certificate_number(number))
    if m is None or check_character(m[1] + m[2] + m[3]) != m[4] or int(m[3]) == 0:
        return None
    return CertificateNumber(school_code=m[1], year=int(m[2]), sequence=int(m[3]))


def certificate_number_valid(number: str) -> bool:
    return parse_certificate_number(number) is not None
