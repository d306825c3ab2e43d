"""Text that goes into an exported spreadsheet stays text: a value a spreadsheet would read as a formula is
prefixed with an apostrophe (OWASP "CSV injection"). Every xlsx and csv writer of roster calls `inert_text()`.

Triggers: = + - @ (and their full-width forms, which some spreadsheet programs accept), and a leading tab or
carriage return. A plain signed number ("-5", "+86 138 0000 0000") and a quoted constant of letters and digits
(="360102200001010011") are left alone: evaluated, they are only what they show.
"""

from __future__ import annotations

import re

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+\-－＋]?[\d\s.,]+")
# ="360102200001010011": the registrars' own trick to keep a long number as text; a constant, nothing runs
_TEXT_CONSTANT = re.compile(r'="[\dA-Za-z]*"')


def inert_text(value: str) -> str:
    """The text as written, except text a spreadsheet would run, which gets a leading apostrophe."""
    if not value.startswith(_TRIGGERS) or _PLAIN_NUMBER.fullmatch(value) or _TEXT_CONSTANT.fullmatch(value):
        return value
    return "'" + value
