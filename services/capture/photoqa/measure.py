"""Measurements on decoded pixels that the checks judge and the framing aims with. All work on small regions
(strips of backdrop, a face crop), never on the whole frame in Lab, which keeps the check path inside its budget."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from services.capture.photoqa.faces import Face
from services.capture.photoqa.imaging import delta_e, to_lab

CORNER = (36, 40)  # rows, columns of each top corner: backdrop on any photo framed to the bands
STRIP = 40  # px, the side strips of backdrop
HEAD_DELTA_E = 20.0  # a pixel this far from the backdrop is head (hair, skin, hat)


def backdrop_reference(bgr: np.ndarray) -> np.ndarray:
    """Median Lab of the two top corners: the backdrop colour the head is told apart from."""
    rows, cols = CORNER
    corners = np.concatenate([bgr[:rows, :cols], bgr[:rows, -cols:]], axis=1)
    return np.median(to_lab(corners).reshape(-1, 3), axis=0)


def head_top(bgr: np.ndarray, face: Face, reference: np.ndarray) -> int:
    """First row (from the top) where most of a narrow column band over the eyes is not backdrop."""
    x, y = face.eye_mid
    half = max(4, round(0.3 * face.ipd))
    x0, x1 = max(0, round(x) - half), min(bgr.shape[1], round(x) + half)
    y1 = max(1, min(bgr.shape[0], round(y)))
    far = delta_e(to_lab(bgr[:y1, x0:x1]), reference) > HEAD_DELTA_E
    rows = np.flatnonzero(far.mean(axis=1) > 0.5)
    return int(rows[0]) if rows.size else y1


@dataclass(frozen=True)
class Backdrop:
    mean: np.ndarray  # Lab
    spread: float  # largest ΔE between the means of the regions
    outliers: float  # share of pixels > 20 ΔE from the median


def backdrop(bgr: np.ndarray, top: int | None, eye_y: float | None) -> Backdrop:
    """The top strip above the head and the two side strips down to the eye line, split into seven regions."""
    h, w = bgr.shape[:2]
    top_rows = CORNER[0] if top is None else max(8, min(CORNER[0], top - 8))
    bottom = min(h, round(eye_y) if eye_y else h // 2, 330 * h // 640)
    third = w // 3
    regions = [bgr[:top_rows, :third], bgr[:top_rows, third:2 * third], bgr[:top_rows, 2 * third:]]
    middle = top_rows + (bottom - top_rows) // 2
    for x0, x1 in ((0, STRIP), (w - STRIP, w)):
        regions += [bgr[top_rows:middle, x0:x1], bgr[middle:bottom, x0:x1]]
    # Every other row and column: a backdrop is smooth, and a quarter of the pixels keeps this step ~1 ms.
    labs = [to_lab(r[::2, ::2]).reshape(-1, 3) for r in regions if r.size]
    means = np.array([lab.mean(axis=0) for lab in labs])
    every = np.concatenate(labs)
    median = np.median(every, axis=0)
    spread = float(max(delta_e(means[i], means[j]) for i in range(len(means)) for j in range(i + 1, len(means))))
    outliers = float((delta_e(every, median) > 20).mean())
    return Backdrop(every.mean(axis=0), spread, outliers)


def clothing_share(bgr: np.ndarray, face: Face, backdrop_lab: np.ndarray) -> float:
    """Share of the clothing region (bottom 90 rows under the face) within 30 ΔE of the backdrop."""
    h, w = bgr.shape[:2]
    x, _ = face.eye_mid
    half = round(1.2 * face.ipd)
    region = bgr[max(0, h - 90 * h // 640):, max(0, round(x) - half):min(w, round(x) + half)]
    if not region.size:
        return 0.0
    return float((delta_e(to_lab(region), backdrop_lab) <= 30).mean())


@dataclass(frozen=True)
class FaceStats:
    sharpness: float
    lightness: float  # mean L, 0..1
    bright: float  # share ≥ 247
    dark: float  # share ≤ 25
    balance: float  # left/right histogram intersection, 0..1
    saturation: float  # mean HSV saturation, 0..1
    eye_ratio: float  # eye-window lightness / cheek lightness


def face_region(shape: tuple[int, ...], face: Face) -> tuple[int, int, int, int]:
    """Eyebrows to mouth, cheek to cheek: x0, y0, x1, y1 clipped to the image."""
    x, y = face.eye_mid
    d = face.ipd
    return (max(0, round(x - d)), max(0, round(y - 0.5 * d)),
            min(shape[1], round(x + d)), min(shape[0], round(y + 1.3 * d)))


def lower_face(shape: tuple[int, ...], face: Face) -> tuple[int, int, int, int]:
    """Cheeks, nose and mouth: skin only, so glasses, brows, hair and the backdrop beside the face do not count
    in lightness, clipping, balance or colour."""
    x, y = face.eye_mid
    d = face.ipd
    return (max(0, round(x - 0.75 * d)), max(0, round(y + 0.2 * d)),
            min(shape[1], round(x + 0.75 * d)), min(shape[0], round(y + 1.2 * d)))


def face_stats(bgr: np.ndarray, grey: np.ndarray, face: Face) -> FaceStats:
    x0, y0, x1, y1 = face_region(grey.shape, face)
    crop = grey[y0:y1, x0:x1]
    sx0, sy0, sx1, sy1 = lower_face(grey.shape, face)
    skin = grey[sy0:sy1, sx0:sx1]
    if crop.size < 64 or skin.size < 64:
        return FaceStats(0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    # Sharpness over eyes to mouth (the detail is there), contrast-normalised so a dim but sharp face passes.
    small = cv2.resize(crop, (160, 160), interpolation=cv2.INTER_AREA).astype(np.float32)
    std = float(small.std()) or 1.0
    sharpness = float(cv2.Laplacian((small - small.mean()) * (40 / std), cv2.CV_32F).var())
    # Left/right balance, OFIQ-style: intersection of the two halves' luminance histograms.
    mid = skin.shape[1] // 2
    left = np.bincount(skin[:, :mid].ravel() >> 3, minlength=32) / max(1, skin[:, :mid].size)
    right = np.bincount(skin[:, mid:].ravel() >> 3, minlength=32) / max(1, skin[:, mid:].size)
    saturation = float(cv2.cvtColor(bgr[sy0:sy1, sx0:sx1], cv2.COLOR_BGR2HSV)[..., 1].mean() / 255)
    return FaceStats(
        sharpness=sharpness,
        lightness=float(skin.mean() / 255),
        bright=float((skin >= 247).mean()),
        dark=float((skin <= 25).mean()),
        balance=float(np.minimum(left, right).sum()),
        saturation=saturation,
        eye_ratio=_eye_ratio(grey, face),
    )


def _eye_ratio(grey: np.ndarray, face: Face) -> float:
    """Lightness between the eye corners against the cheeks below: a dark lens or a covered eye is far darker
    than the cheek, an open eye (white sclera beside the iris) is not."""
    half_w = max(2, round(0.35 * (face.eye_width or 0.45 * face.ipd)))
    half_h = max(1, round(0.3 * half_w))
    cheek_y = face.eye_mid[1] + 0.45 * face.ipd
    eyes = [_window(grey, ex, ey, half_w, half_h) for ex, ey in (face.left_eye, face.right_eye)]
    cheeks = [_window(grey, ex, cheek_y, half_w, half_h) for ex, _ in (face.left_eye, face.right_eye)]
    if any(not r.size for r in (*eyes, *cheeks)):
        return 0.0
    # Each eye against the cheek below it (a side light darkens both alike); the darker ratio counts, so one
    # covered eye is enough to fail.
    return min(float(eye.mean()) / max(1.0, float(cheek.mean())) for eye, cheek in zip(eyes, cheeks, strict=True))


def _window(image: np.ndarray, cx: float, cy: float, half_w: int, half_h: int) -> np.ndarray:
    """A window clipped to the image (a negative start would wrap around in numpy)."""
    x, y = round(cx), round(cy)
    return image[max(0, y - half_h):max(0, y + half_h + 1), max(0, x - half_w):max(0, x + half_w + 1)]
