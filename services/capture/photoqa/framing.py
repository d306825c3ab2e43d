"""Framing: a camera original (any size) → the profile's standard photo (480×640, 24-bit baseline JPEG, 300 dpi).

The face decides the crop: the image is rotated about the eye midpoint to level the eyes, scaled so the eye
centres sit `frame_ipd` px apart (a face width in the middle of the band) and shifted so the eye midpoint lands at
(width/2, frame_eye_y). One correction follows from the measured head top (tall hair, a hat, a bald head), then the
JPEG quality is searched so the file lands inside the size window. The caller keeps the original.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from services.capture.photoqa import measure
from services.capture.photoqa.container import read_header
from services.capture.photoqa.faces import Face, FaceModel, default_model
from services.capture.photoqa.imaging import DecodeError, decode, encode_jpeg
from services.capture.photoqa.profiles import Profile, get_profile

DETECT_HEIGHT = 800  # HOG's 80-px window: finds faces ≥ 10 % of the picture height
WORK_WIDTH = 1600  # originals wider than this are decoded at 1/2, 1/4 or 1/8 by libjpeg itself (much faster)


class FramingError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def frame_photo(data: bytes, profile: str | Profile | None = None, model: FaceModel | None = None) -> bytes:
    p = get_profile(profile)
    bgr = _decode_reduced(data, p)
    face = _one_face(bgr, model or default_model())
    scale = p.frame_ipd / face.ipd
    out = _render(bgr, face, scale, p)
    top = measure.head_top(out, _shifted_face(face, scale, p), measure.backdrop_reference(out))
    lo, hi = p.frame_head_top
    if not lo <= top <= hi:
        # Hair, a hat or a bald head moves the head top: rescale about the eye line to bring it to the nearer edge
        # of the framing band, keeping the face width inside its band.
        eye_y = p.frame_eye_y
        wanted = min(max(top, lo), hi)
        factor = (eye_y - wanted) / max(1.0, eye_y - top)
        ipd = min(max(p.frame_ipd * factor, (p.face_width[0] + 5) / 2.3), (p.face_width[1] - 5) / 2.3)
        scale = ipd / face.ipd
        out = _render(bgr, face, scale, p)
    return encode_in_window(out, p)


def _decode_reduced(data: bytes, p: Profile) -> np.ndarray:
    header = read_header(data)
    factor = 1
    if header.kind == "jpeg" and header.complete and not header.error and header.width \
            and 0 < header.pixels <= p.max_pixels:
        factor = next((f for f in (8, 4, 2) if header.width / f >= WORK_WIDTH), 1)
    if factor == 1:
        try:
            return decode(data, header, p.max_pixels)
        except DecodeError as error:
            raise FramingError(error.zh, error.en) from error
    flag = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}[factor]
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if pixels is None:
        raise FramingError("图像数据无法解码", "the image data does not decode")
    return pixels


def _one_face(bgr: np.ndarray, model: FaceModel) -> Face:
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    faces = model.detect(grey, detect_height=min(grey.shape[0], DETECT_HEIGHT))
    if not faces:
        raise FramingError("原图中未检测到人脸，无法自动裁切", "no face in the original: cannot frame it")
    return faces[0]  # the largest: a bystander's face is smaller; the check afterwards still counts faces


def _matrix(face: Face, scale: float, p: Profile) -> np.ndarray:
    matrix = cv2.getRotationMatrix2D(face.eye_mid, face.roll, scale)
    matrix[:, 2] += np.array([p.width / 2, p.frame_eye_y]) - np.array(face.eye_mid)
    return matrix


def _render(bgr: np.ndarray, face: Face, scale: float, p: Profile) -> np.ndarray:
    if scale < 0.5:
        # Area-average first (warpAffine alone would alias a 4× downscale), then rotate and shift at that size.
        small = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        small_face = _scaled(face, scale)
        matrix = cv2.getRotationMatrix2D(small_face.eye_mid, face.roll, 1.0)
        matrix[:, 2] += np.array([p.width / 2, p.frame_eye_y]) - np.array(small_face.eye_mid)
        return cv2.warpAffine(small, matrix, (p.width, p.height), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_REPLICATE)
    return cv2.warpAffine(bgr, _matrix(face, scale, p), (p.width, p.height), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)


def _scaled(face: Face, scale: float) -> Face:
    def s(point: tuple[float, float]) -> tuple[float, float]:
        return (point[0] * scale, point[1] * scale)

    x, y, w, h = face.box
    return Face((x * scale, y * scale, w * scale, h * scale), face.score, s(face.left_eye), s(face.right_eye),
                s(face.nose), face.eye_width * scale)


def _shifted_face(face: Face, scale: float, p: Profile) -> Face:
    """Where the face lands in the output: level eyes around (width/2, frame_eye_y)."""
    half = face.ipd * scale / 2
    cx, cy = p.width / 2, float(p.frame_eye_y)
    w = face.box[2] * scale
    return Face((cx - w / 2, cy - w / 3, w, w), face.score, (cx - half, cy), (cx + half, cy), (cx, cy + half),
                face.eye_width * scale)


def encode_in_window(bgr: np.ndarray, profile: str | Profile | None = None) -> bytes:
    """The highest quality (≥ the profile minimum, ≤ 95) whose file fits under the framing window's top; a file
    below the window's bottom even at 95 is returned as it is (the check reports its size)."""
    p = get_profile(profile)
    lo_q, hi_q = p.min_quality, 95
    best = encode_jpeg(bgr, lo_q, p.dpi)
    if len(best) > p.frame_size_bytes[1]:
        return best  # even the lowest allowed quality is too big: a noisy picture; the check says so
    while lo_q < hi_q:  # invariant: lo_q fits
        mid = math.ceil((lo_q + hi_q) / 2)
        candidate = encode_jpeg(bgr, mid, p.dpi)
        if len(candidate) <= p.frame_size_bytes[1]:
            lo_q, best = mid, candidate
        else:
            hi_q = mid - 1
    return best
