"""Masking and pseudonyms: what may leave roster about a person (教学服〔2022〕10号)."""

from __future__ import annotations

import secrets

_KEY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def mask_name(name: str) -> str:
    """王小明 -> 王*明, 王明 -> 王*, 欧阳小明 -> 欧**明."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: str) -> str:
    """360102199001011234 -> 3601**************: at most the first four characters (the region), never any of the
    last eight. The last six are the default student second factor and positions 13-14 the birth day: a mask that
    showed the last four left two digits to guess (issue 7, part 3)."""
    keep = min(4, max(len(number) - 8, 0))
    return number[:keep] + "*" * (len(number) - keep)


def new_subject_key() -> str:
    """A random pseudonym (no relation to the person's data), 100 bits, easy to read aloud."""
    return "S" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(20))
