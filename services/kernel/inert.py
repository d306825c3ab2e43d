"""The one rule for a cell of an exported spreadsheet (csv or xlsx, every service): it holds data, never code.

Text a spreadsheet program would run as a formula gets a leading apostrophe (OWASP "CSV injection"): text that
starts with = + - @, a tab, a carriage return or a line feed, the full-width ＝ ＋ － ＠ (which some spreadsheet
programs accept too), and any of these behind leading blanks. Left alone, because evaluated they are only what they
show: a plain signed number ("-5", "+86 138 0000 0000") and the registrars' quoted constant of letters and digits
(="360102200001010011", their trick to keep a long number as text). Control characters that an xlsx cannot hold
(XML 1.0 forbids them) are dropped first, so they cannot hide a trigger either. Numbers, dates and None pass as
they are.

    writer.writerow([inert(v) for v in row])      sheet.append([inert(v) for v in row])
"""

from __future__ import annotations

import re
from typing import TypeVar, overload

T = TypeVar("T")

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_BLANKS = " \u00a0\u3000"  # a leading space (ASCII, no-break, ideographic) does not stop every program
_PLAIN_NUMBER = re.compile(r"[+\-－＋]?[\d\s.,]+")
_TEXT_CONSTANT = re.compile(r'="[\dA-Za-z]*"')
# What XML 1.0 does not allow (openpyxl refuses to write it): C0 controls other than tab, LF, CR.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def inert_text(value: str) -> str:
    """The text as written (without unwritable control characters), except text a spreadsheet would run, which
    gets a leading apostrophe."""
    text = _UNWRITABLE.sub("", value)
    bare = text.lstrip(_BLANKS)
    if not bare.startswith(TRIGGERS) or _PLAIN_NUMBER.fullmatch(bare) or _TEXT_CONSTANT.fullmatch(bare):
        return text
    return "'" + text


@overload
def inert(value: str) -> str: ...
@overload
def inert(value: T) -> T: ...
def inert(value: object) -> object:
    """One cell of an export: text made inert (inert_text), anything else (numbers, dates, None) unchanged."""
    if isinstance(value, str):
        return inert_text(value)
    return value
