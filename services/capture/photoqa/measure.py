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
        return FaceStats(0.0, 0.0, 0.0, 1.0, 0.0, 0.0)
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
    )


# Eyes: a pixel darker than this share of the cheek's median grey is "very dark" (a dark lens, a pupil) for
# eyes_visible, and dark enough to be iris, pupil or lashes for eyes_open. Shares of the cheek, not absolute levels,
# so a darker skin, a dim exposure or a side light moves the eye and its reference alike.
LENS_DARK = 0.45
STROKE_DARK = 0.60


@dataclass(frozen=True)
class EyeStats:
    """Per eye, image left then right (left = smaller x, as in `Face`)."""

    dark_share: tuple[float, float]  # share of very dark pixels in the lens window
    openness: tuple[float, float]  # height of the dark stroke through the eye / eye width


def eyes(grey: np.ndarray, face: Face) -> EyeStats | None:
    """Lens darkness and eye openness from what the 5-point landmarks give: each eye's corners (no eyelids), so
    both read pixels in windows scaled by the eye width (corner to corner) and judge them against the cheek under
    the same eye (0.55 IPD below the eye line, below the rim of any sunglasses).

    - Lens window, 1.2 × 0.7 eye widths around the eye (inside any spectacle lens): the share of very dark pixels.
      An open eye is lid skin, sclera and the iris; frames of clear glasses cross it as thin lines. A dark lens
      makes nearly all of it dark.
    - Eye window, 1.0 × 0.9 eye widths (below the brow): the dark pixels connected to the middle of the eye, and
      the height they keep over at least 12 % of the eye width (a stray column does not count). An open eye shows
      iris and pupil under the upper lashes, a third of the eye width tall or more; a closed eye only the line of
      lashes where the lids meet.

    None when a window does not lie wholly inside the picture."""
    ew = face.eye_width or 0.4 * face.ipd
    cheek_y = face.eye_mid[1] + 0.55 * face.ipd
    shares, heights = [], []
    for ex, ey in (face.left_eye, face.right_eye):
        cheek = _full_window(grey, ex, cheek_y, round(0.35 * ew), max(1, round(0.12 * ew)))
        lens = _full_window(grey, ex, ey, round(0.6 * ew), round(0.35 * ew))
        eye = _full_window(grey, ex, ey, round(0.5 * ew), round(0.45 * ew))
        if cheek is None or lens is None or eye is None or eye.shape[1] < 8:
            return None
        skin = max(1.0, float(np.median(cheek)))
        shares.append(float((lens < LENS_DARK * skin).mean()))
        heights.append(_stroke_height(eye < STROKE_DARK * skin, ew) / ew)
    return EyeStats((shares[0], shares[1]), (heights[0], heights[1]))


def _stroke_height(dark: np.ndarray, eye_width: float) -> float:
    """Rows of dark pixels per column, over the dark blobs reaching the middle of the eye (the iris and the lash
    line do; a brow or a frame rim apart from them does not), as held by the k-th tallest column."""
    count, labels = cv2.connectedComponents(dark.astype(np.uint8), connectivity=8)
    if count < 2:
        return 0.0
    cy, cx = dark.shape[0] // 2, dark.shape[1] // 2
    bh, bw = max(1, round(0.12 * eye_width)), max(1, round(0.3 * eye_width))
    core = labels[cy - bh:cy + bh + 1, cx - bw:cx + bw + 1]
    keep = np.unique(core[core > 0])
    if not keep.size:
        return 0.0
    columns = np.isin(labels, keep).sum(axis=0)
    k = min(columns.size, max(2, round(0.12 * eye_width)))
    return float(np.partition(columns, -k)[-k])


def _full_window(image: np.ndarray, cx: float, cy: float, half_w: int, half_h: int) -> np.ndarray | None:
    x, y = round(cx), round(cy)
    if x - half_w < 0 or y - half_h < 0 or x + half_w >= image.shape[1] or y + half_h >= image.shape[0]:
        return None
    return image[y - half_h:y + half_h + 1, x - half_w:x + half_w + 1]

