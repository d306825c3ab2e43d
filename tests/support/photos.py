"""Photo fixtures built by the test suite from the public-domain source portraits in tests/support/faces/.

`compliant(name)` composes a source onto the profile's backdrop in the CHSI geometry; `variant(name, defect)` builds
the same photo with exactly one rule broken. Each defect names the checks it must fail (usually one), so the tests
can assert "fails there and only there". Everything is deterministic (seeded noise), and fast: an affine warp and
an alpha blend per photo, no grabCut at test time (see tests/support/photo_sources.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import cv2
import numpy as np

from services.capture.photoqa.framing import encode_in_window
from services.capture.photoqa.imaging import encode_jpeg, set_jfif_dpi
from services.capture.photoqa.profiles import CHSI, Profile
from tests.support.photo_sources import ALIGNED_EYE, ALIGNED_IPD, FACES, SOURCES

NAMES = tuple(SOURCES)
PERSON = {name: person for name, (_, person) in SOURCES.items()}
HEAD_TOP = 80  # where compliant fixtures put the head top (band 50–110)
IPD = 92.0  # eye-centre distance of compliant fixtures: face width ≈ 212 px (band 180–300)


@cache
def source(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The aligned portrait and its person mask (float 0..1, edges softened like a real photo's)."""
    bgr = cv2.imread(str(FACES / f"{name}.jpg"), cv2.IMREAD_COLOR)
    mask = cv2.imread(str(FACES / f"{name}.png"), cv2.IMREAD_GRAYSCALE).astype(np.float32) / 255
    return bgr, cv2.GaussianBlur(mask, (5, 5), 0)


@cache
def head_offset(name: str) -> float:
    """Eye line to head top, in IPDs, read off the mask over the eyes."""
    _, mask = source(name)
    x, y = round(ALIGNED_EYE[0]), round(ALIGNED_EYE[1])
    band = mask[:y, x - 20:x + 20].mean(axis=1)
    return (y - int(np.flatnonzero(band > 0.5)[0])) / ALIGNED_IPD


@dataclass(frozen=True)
class Layout:
    eye_x: float = 240.0
    eye_y: float | None = None  # None: put the head top at HEAD_TOP
    ipd: float = IPD
    roll: float = 0.0  # degrees
    size: tuple[int, int] = (480, 640)


def backdrop(size: tuple[int, int], rgb: tuple[int, int, int]) -> np.ndarray:
    out = np.empty((size[1], size[0], 3), np.float32)
    out[:] = rgb[::-1]
    return out


def place(name: str, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """The person warped into the layout: (BGR float32, alpha)."""
    bgr, mask = source(name)
    eye_y = layout.eye_y if layout.eye_y is not None else HEAD_TOP + head_offset(name) * layout.ipd
    matrix = cv2.getRotationMatrix2D(ALIGNED_EYE, layout.roll, layout.ipd / ALIGNED_IPD)
    matrix[:, 2] += np.array([layout.eye_x, eye_y]) - np.array(ALIGNED_EYE)
    flags = cv2.INTER_AREA if layout.ipd < ALIGNED_IPD else cv2.INTER_LINEAR
    person = cv2.warpAffine(bgr, matrix, layout.size, flags=flags, borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.warpAffine(mask, matrix, layout.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return person.astype(np.float32), alpha[..., None]


def blend(person: np.ndarray, alpha: np.ndarray, back: np.ndarray, seed: int = 0) -> np.ndarray:
    out = person * alpha + back * (1 - alpha)
    # Sensor-like noise: flat synthetic backdrops would otherwise compress to a few KB, unlike any real photo.
    out += np.random.default_rng(seed).normal(0, 2.0, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def standard(name: str) -> Layout:
    """The compliant layout: head top at HEAD_TOP; a source with little hair above the eyes gets a larger face so
    its eye line still lands well inside the band."""
    ipd = max(IPD, 140 / head_offset(name))
    return Layout(ipd=ipd, eye_y=HEAD_TOP + head_offset(name) * ipd)


def compose(name: str, layout: Layout | None = None, rgb: tuple[int, int, int] = CHSI.background_rgb) -> np.ndarray:
    layout = layout or standard(name)
    person, alpha = place(name, layout)
    return blend(person, alpha, backdrop(layout.size, rgb))


@cache
def compliant(name: str, profile: Profile = CHSI) -> bytes:
    return encode_in_window(compose(name, rgb=profile.background_rgb), profile)


# defect -> the checks it must fail (and no others)
DEFECTS: dict[str, set[str]] = {
    "wrong_background": {"background_colour"},
    "gradient": {"background_uniform"},
    "small_head": {"face_width"},
    "off_centre": {"face_centred"},
    "tilted": {"face_level"},
    "blurred": {"sharpness"},
    "dark": {"exposure"},
    "over_exposed": {"exposure"},
    "grey": {"colour"},
    "two_faces": {"face_count"},
    "no_face": {"face_count"},
    "low_quality": {"jpeg_quality"},
    "png": {"file_type"},
    "wrong_size": {"dimensions"},
    "blue_clothing": {"clothing_contrast"},
    "dark_lenses": {"eyes_visible"},
    "closed_eyes": {"eyes_open"},
    "wink": {"eyes_open"},
    "progressive": {"jpeg_baseline"},
    "big_file": {"file_size"},
    "dpi_72": {"dpi"},
    "head_too_high": {"head_top"},
    "eye_line_off": {"eye_line"},
    "side_shadow": {"lighting_balance"},
}

# Variations a compliant photo may carry: each must pass every check.
HARMLESS = ("clear_glasses",)

# (source, defect) pairs that cannot carry the defect alone: obama's cut-out has little hair above the eyes, so a
# face that small cannot keep both the eye line and the head top inside their bands (it fails both, rightly).
# Hopper wears real glasses already: her compliant photo is the clear-glasses case.
UNSUITABLE = {("obama", "small_head"), ("obama", "head_too_high"), ("hopper", "clear_glasses")}


@cache
def variant(name: str, defect: str) -> bytes:
    rgb = CHSI.background_rgb
    layout = standard(name)
    if defect == "wrong_background":
        return encode_in_window(compose(name, rgb=(255, 255, 255)))
    if defect == "gradient":
        return encode_in_window(_on_gradient(name, layout))
    if defect == "small_head":
        ipd = 76.0  # face width ≈ 175 px; the eye line and the head top stay in their bands
        return encode_in_window(compose(name, Layout(ipd=ipd, eye_y=max(206, 98 + head_offset(name) * ipd))))
    if defect == "off_centre":
        return encode_in_window(compose(name, replace(layout, eye_x=310)))
    if defect == "tilted":
        return encode_in_window(compose(name, replace(layout, roll=13)))
    if defect == "blurred":
        return encode_in_window(cv2.GaussianBlur(compose(name), (0, 0), 3.0))
    if defect == "big_file":
        return encode_jpeg(compose(name), 98, CHSI.dpi)
    if defect == "dpi_72":
        return set_jfif_dpi(compliant(name), 72)
    if defect == "head_too_high":  # the head top at 38 px, the eyes still inside their band
        ipd = max(IPD, 170 / head_offset(name))
        return encode_in_window(compose(name, Layout(ipd=ipd, eye_y=38 + head_offset(name) * ipd)))
    if defect == "eye_line_off":
        return encode_in_window(compose(name, _eyes_out_of_band(name)))
    if defect in ("dark", "over_exposed", "grey", "blue_clothing", "dark_lenses", "side_shadow", "closed_eyes", "wink",
                  "clear_glasses"):
        person, alpha = place(name, layout)
        person = _alter_person(name, defect, person, layout)
        return encode_in_window(blend(person, alpha, backdrop(layout.size, rgb)))
    if defect == "two_faces":
        other = next(n for n in NAMES if PERSON[n] != PERSON[name])
        person, alpha = place(name, layout)
        first = person * alpha + backdrop(layout.size, rgb) * (1 - alpha)
        second, alpha2 = place(other, Layout(eye_x=370, eye_y=470, ipd=82))
        return encode_in_window(blend(second, alpha2, first))
    if defect == "no_face":
        return encode_in_window(blend(np.zeros((640, 480, 3), np.float32), np.zeros((640, 480, 1), np.float32),
                                      backdrop((480, 640), rgb)))
    if defect == "low_quality":
        data = encode_jpeg(compose(name), 40, CHSI.dpi)
        return _pad(data, CHSI.size_bytes[0] + 2048)  # the size window must not be what fails
    if defect == "png":
        return cv2.imencode(".png", compose(name))[1].tobytes()
    if defect == "wrong_size":
        small = standard(name)
        big = Layout(eye_x=300, eye_y=(small.eye_y or 0) * 1.25, ipd=small.ipd * 1.25, size=(600, 800))
        return encode_in_window(compose(name, big))
    if defect == "progressive":
        baseline = encode_in_window(compose(name))
        quality = _quality_of(baseline)
        return set_jfif_dpi(encode_jpeg(compose(name), quality, progressive=True), CHSI.dpi)
    raise ValueError(f"unknown defect {defect!r}")


def _eyes_out_of_band(name: str) -> Layout:
    """Eyes at 310 px with the head top still ≤ 110 needs ≥ 1.6 IPD of head above the eyes; flatter heads get the
    eyes at 188 px instead (head top still ≥ 50)."""
    offset = head_offset(name)
    if offset >= 1.6:
        ipd = max(IPD, 205 / offset)
        return Layout(ipd=ipd, eye_y=310)
    return Layout(ipd=135 / offset, eye_y=188)


def _on_gradient(name: str, layout: Layout) -> np.ndarray:
    """Left edge lighter, right edge darker, the mean still the profile blue: only uniformity is wrong."""
    back = backdrop(layout.size, CHSI.background_rgb)
    ramp = np.linspace(1.18, 0.80, layout.size[0], dtype=np.float32)[None, :, None]
    person, alpha = place(name, layout)
    return blend(person, alpha, np.clip(back * ramp, 0, 255))


def _alter_person(name: str, defect: str, person: np.ndarray, layout: Layout) -> np.ndarray:
    if defect == "dark":  # key light off, backdrop lights on
        return person * 0.35
    if defect == "over_exposed":  # too much flash: the skin's median pushed to 240, highlights clip
        x, y, d = layout.eye_x, layout.eye_y or 0, layout.ipd
        skin = person[round(y + 0.2 * d):round(y + 1.2 * d), round(x - 0.75 * d):round(x + 0.75 * d)]
        return np.clip(person * (240 / max(1.0, float(np.median(skin.mean(axis=2))))), 0, 255)
    if defect == "grey":  # a black-and-white portrait cut onto the right backdrop
        grey = cv2.cvtColor(person.astype(np.uint8), cv2.COLOR_BGR2GRAY).astype(np.float32)
        return np.repeat(grey[..., None], 3, axis=2)
    eye_y = layout.eye_y or HEAD_TOP + head_offset(name) * layout.ipd
    if defect == "blue_clothing":  # everything below the neck takes the backdrop's hue, keeping its shading
        out = person.copy()
        below = round(eye_y + 2.0 * layout.ipd)
        shade = cv2.cvtColor(person[below:].astype(np.uint8), cv2.COLOR_BGR2GRAY).astype(np.float32) / 255
        tint = np.array(CHSI.background_rgb[::-1], np.float32) * (0.80 + 0.25 * shade[..., None])
        out[below:] = np.clip(tint, 0, 255)
        return out
    if defect == "side_shadow":  # one side lamp off: the left half of the face falls into shadow
        x = np.arange(layout.size[0], dtype=np.float32)
        ramp = 0.5 + 0.5 / (1 + np.exp(-(x - layout.eye_x) / 6))  # 0.5 left of the nose, 1.0 right of it
        return person * ramp[None, :, None]
    d = layout.ipd
    eyes = (layout.eye_x - d / 2, layout.eye_x + d / 2)  # where the source's landmark eye centres land
    if defect == "dark_lenses":  # sunglasses: lenses passing 12 % of the light (category 3), dark frames
        return _spectacles(person, layout.eye_x, eye_y, d, transmission=0.12, frame=(25, 25, 25), width=3)
    if defect == "clear_glasses":  # thin dark metal frames, clear lenses
        return _spectacles(person, layout.eye_x, eye_y, d, transmission=1.0, frame=(45, 40, 40), width=2)
    if defect == "closed_eyes":
        out = person.copy()
        for x in eyes:
            _close_eye(out, person, x, eye_y, d)
        return out
    if defect == "wink":  # the eye on the image right closed, the other open
        out = person.copy()
        _close_eye(out, person, eyes[1], eye_y, d)
        return out
    raise ValueError(defect)


def _spectacles(person: np.ndarray, x: float, y: float, ipd: float, transmission: float,
                frame: tuple[int, int, int], width: int) -> np.ndarray:
    """Two oval lenses (0.88 × 0.64 IPD, larger than the eye as real lenses are) letting `transmission` of the light
    through, in linear light as a filter does, with a frame round each and a bridge."""
    out = person.copy()
    centres = [(round((x + side * ipd / 2) * 4), round(y * 4)) for side in (-1, 1)]
    axes = (round(0.44 * ipd * 4), round(0.32 * ipd * 4))
    if transmission < 1.0:
        lens = np.zeros(out.shape[:2], np.float32)
        for centre in centres:
            cv2.ellipse(lens, centre, axes, 0, 0, 360, 1.0, -1, cv2.LINE_AA, shift=2)
        seen = 255 * ((out / 255) ** 2.2 * transmission) ** (1 / 2.2)
        out = seen * lens[..., None] + out * (1 - lens[..., None])
    for centre in centres:
        cv2.ellipse(out, centre, axes, 0, 0, 360, frame, width, cv2.LINE_AA, shift=2)
    bridge_y = round((y - 0.12 * ipd) * 4)
    cv2.line(out, (round((x - 0.07 * ipd) * 4), bridge_y), (round((x + 0.07 * ipd) * 4), bridge_y), frame, width,
             cv2.LINE_AA, shift=2)
    return out


def _close_eye(out: np.ndarray, person: np.ndarray, x: float, y: float, ipd: float) -> None:
    """The upper lid down: skin from under the eye lifted over the eye opening (soft-edged), and the line of lashes
    where the lids meet, a little below the eye centre and sagging in the middle."""
    ax, ay = 0.27 * ipd, 0.13 * ipd  # the eye opening, a little wider than the landmark corners
    x0, x1, y0, y1 = round(x - ax) - 6, round(x + ax) + 7, round(y - ay) - 6, round(y + ay) + 7
    lift = round(0.30 * ipd)
    mask = np.zeros((y1 - y0, x1 - x0), np.float32)
    cv2.ellipse(mask, (round(x) - x0, round(y) - y0), (round(ax), round(ay)), 0, 0, 360, 1.0, -1, cv2.LINE_AA)
    mask = cv2.GaussianBlur(mask, (0, 0), 1.5)[..., None]
    out[y0:y1, x0:x1] = person[y0 + lift:y1 + lift, x0:x1] * mask + out[y0:y1, x0:x1] * (1 - mask)
    lashes = np.percentile(person[y0:y1, x0:x1].reshape(-1, 3), 3, axis=0)
    t = np.linspace(-1, 1, 15)
    line = np.stack([x + 0.95 * ax * t, y + 0.25 * ay + 0.35 * ay * (1 - t * t)], axis=1)
    cv2.polylines(out, [np.round(line * 4).astype(np.int32)], False, tuple(float(c) for c in lashes),
                  max(1, round(0.025 * ipd)), cv2.LINE_AA, shift=2)


def _pad(data: bytes, size: int) -> bytes:
    """Insert a JPEG comment segment after SOI so the file reaches `size` bytes (pixels untouched)."""
    missing = size - len(data)
    if missing <= 4:
        return data
    body = min(missing - 4, 65533)
    return data[:2] + b"\xff\xfe" + (body + 2).to_bytes(2, "big") + b"\x00" * body + data[2:]


def _quality_of(data: bytes) -> int:
    from services.capture.photoqa.container import read_header

    return read_header(data).quality or 85


# hostile inputs: name -> bytes builder
def hostile() -> dict[str, bytes]:
    good = compliant("obama")
    # A valid JPEG header that declares 60000×60000 pixels, with almost no data behind it.
    bomb = encode_jpeg(np.zeros((8, 8, 3), np.uint8), 80)
    sof = bomb.index(b"\xff\xc0")
    bomb = bomb[:sof + 5] + (60000).to_bytes(2, "big") + (60000).to_bytes(2, "big") + bomb[sof + 9:]
    return {
        "truncated": good[: len(good) // 2],
        "bomb": bomb,
        "random": np.random.default_rng(7).integers(0, 256, 30000, dtype=np.uint8).tobytes(),
        "empty": b"",
        "jpeg_magic_only": b"\xff\xd8\xff",
    }


@cache
def camera_original(name: str, size: tuple[int, int] = (2400, 3600), roll: float = 5.0) -> bytes:
    """A studio shot as the camera gives it: large, the subject off-centre and a little tilted, no dpi, quality 92."""
    w, h = size
    layout = Layout(eye_x=0.56 * w, eye_y=0.36 * h, ipd=0.11 * w, roll=roll, size=size)
    return encode_jpeg(compose(name, layout, rgb=(96, 192, 250)), 92, dpi=72)
