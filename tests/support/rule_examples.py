"""The example pictures of the student's photo-rules page (/m/rules), made from the test fixtures.

`python -m tests.support.rule_examples frontend/public/m/examples` writes one small JPEG per example: the compliant
photo and the common faults, each composed by tests/support/photos.py from the public-domain portraits in
tests/support/faces/ (so the page shows exactly what the automatic checks accept and reject). They are committed
(a few KB each), because the SPA build runs without Python; rerun this after changing the fixtures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from tests.support.photos import compliant, variant

PERSON = "biden"
#: file name → the fixture it is made from (None: the compliant photo)
EXAMPLES: dict[str, str | None] = {
    "good": None,
    "wrong_background": "wrong_background",
    "blue_clothing": "blue_clothing",
    "dark_lenses": "dark_lenses",
    "tilted": "tilted",
    "side_shadow": "side_shadow",
    "dark": "dark",
    "blurred": "blurred",
}
WIDTH, HEIGHT = 120, 160  # a quarter of 480×640: sharp enough on a phone at 2× in a 3-column grid


def example(defect: str | None) -> bytes:
    data = compliant(PERSON) if defect is None else variant(PERSON, defect)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    small = cv2.resize(image, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return encoded.tobytes()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, defect in EXAMPLES.items():
        (out / f"{name}.jpg").write_bytes(example(defect))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "frontend/public/m/examples"))
