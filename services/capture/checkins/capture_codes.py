"""The CHSI capture code (学信网图像采集码) adapter. Its payload is not public, so capture does not decode it: the
student registers their code in roster, roster publishes it (CaptureCodeRegistered), and this adapter turns what
the photographer typed or scanned into the form registered codes are stored in. A decoding implementation can
replace `normalise` once CHSI documents the format."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def normalise(scanned: str) -> str:
    """Scanners and hands add spaces and change case; codes are compared without either."""
    return _SPACE.sub("", scanned.strip()).upper()
