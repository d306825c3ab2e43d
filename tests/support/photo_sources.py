"""Prepare the public-domain source portraits the photo fixtures are built from (run once; the output is committed).

    python -m tests.support.photo_sources DIR   # DIR holds the files listed in SOURCES, taken from registry packages

Each source is levelled, scaled so the eye centres are ALIGNED_IPD px apart with their midpoint at ALIGNED_EYE in an
ALIGNED_SIZE canvas, and cut out from its scene with grabCut (seconds per image, so never at test time). The results,
`tests/support/faces/<name>.jpg` and its person mask `<name>.png`, are what tests/support/photos.py composes every
compliant and defective fixture from. Provenance and licences: tests/support/faces/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from services.capture.photoqa.faces import default_model

FACES = Path(__file__).resolve().parent / "faces"
ALIGNED_SIZE = (640, 860)  # width, height
ALIGNED_EYE = (320.0, 340.0)
ALIGNED_IPD = 100.0

# name -> (file in the source folder, person). Several photos of one person make the same-person pairs.
SOURCES = {
    "obama": ("obama.jpg", "obama"),
    "obama2": ("obama2.jpg", "obama"),
    "obama3": ("obama3.jpg", "obama"),
    "biden": ("biden.jpg", "biden"),
    "hopper": ("grace_hopper.jpg", "hopper"),
    "astronaut": ("astronaut.png", "collins"),
}


def align(bgr: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    faces = default_model().detect(grey, detect_height=min(grey.shape[0], 1000))
    if not faces:
        raise ValueError("no face in the source")
    face = faces[0]
    scale = ALIGNED_IPD / face.ipd
    matrix = cv2.getRotationMatrix2D(face.eye_mid, face.roll, scale)
    matrix[:, 2] += np.array(ALIGNED_EYE) - np.array(face.eye_mid)
    return cv2.warpAffine(bgr, matrix, ALIGNED_SIZE, flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)


def person_mask(aligned: np.ndarray) -> np.ndarray:
    """grabCut seeded with the head-and-shoulders layout the alignment guarantees."""
    w, h = ALIGNED_SIZE
    (ex, ey), d = ALIGNED_EYE, ALIGNED_IPD
    mask = np.full((h, w), cv2.GC_BGD, np.uint8)
    cv2.ellipse(mask, (round(ex), round(ey - 0.3 * d)), (round(1.5 * d), round(2.3 * d)), 0, 0, 360,
                cv2.GC_PR_FGD, -1)
    cv2.rectangle(mask, (round(ex - 3.0 * d), round(ey + 1.6 * d)), (round(ex + 3.0 * d), h), cv2.GC_PR_FGD, -1)
    cv2.rectangle(mask, (round(ex - 0.8 * d), round(ey - 0.4 * d)), (round(ex + 0.8 * d), round(ey + 1.2 * d)),
                  cv2.GC_FGD, -1)
    cv2.rectangle(mask, (round(ex - 1.6 * d), round(ey + 2.6 * d)), (round(ex + 1.6 * d), h), cv2.GC_FGD, -1)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(aligned, mask, None, bgd, fgd, 6, cv2.GC_INIT_WITH_MASK)
    person = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    person = cv2.morphologyEx(person, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    person = cv2.morphologyEx(person, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(person)
    if count > 1:  # keep the largest blob: the person, not a scrap of the scene
        person = (labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))).astype(np.uint8)
    return person * 255


def main(source_dir: Path) -> None:
    FACES.mkdir(exist_ok=True)
    for name, (filename, _) in SOURCES.items():
        bgr = cv2.imread(str(source_dir / filename), cv2.IMREAD_COLOR)
        aligned = align(bgr)
        mask = person_mask(aligned)
        cv2.imwrite(str(FACES / f"{name}.jpg"), aligned, [cv2.IMWRITE_JPEG_QUALITY, 90])
        cv2.imwrite(str(FACES / f"{name}.png"), mask, [cv2.IMWRITE_PNG_BILEVEL, 1])
        print(f"{name}: {filename} -> {name}.jpg + {name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
