"""Per-agency photo rules: every threshold the checks and the framing use, as data.

The CHSI profile is the default (学信网 图像采集规范: 480×640, 24-bit colour JPEG, quality ≥ 60, light blue
background RGB 100,197,255, head top 50–110 px, eyes 200–300 px from the top, face width 180–300 px). Other
agencies' rules are more profiles, e.g. the white background some provinces ask for. Starting values come from
shared/research/photo-qa.md §5; calibrate them on a sample of photos CHSI accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Profile:
    name: str
    title: str  # shown to people, Chinese
    width: int = 480
    height: int = 640
    dpi: int = 300
    size_bytes: tuple[int, int] = (20 * 1024, 40 * 1024)  # the file-size window
    min_quality: int = 60  # estimated JPEG quality (libjpeg scale) from the quantisation tables
    background_rgb: tuple[int, int, int] = (100, 197, 255)
    background_max_delta_e: float = 20.0  # CIE76 between the backdrop mean and background_rgb
    background_max_spread: float = 10.0  # CIE76 between the means of the backdrop regions (gradient, shadow)
    background_max_outliers: float = 0.03  # share of backdrop pixels > 20 ΔE from the backdrop median
    head_top: tuple[int, int] = (50, 110)  # px from the top edge on the width×height output
    eye_line: tuple[int, int] = (200, 300)
    face_width: tuple[int, int] = (180, 300)
    centre_band: tuple[float, float] = (0.45, 0.55)  # eye-midpoint x as a share of the width
    max_roll_degrees: float = 8.0  # ISO/IEC 19794-5 allows ±8° roll
    clothing_max_share: float = 0.40  # share of the clothing region within 30 ΔE of the backdrop
    min_sharpness: float = 40.0  # contrast-normalised Laplacian variance of the face
    face_lightness: tuple[float, float] = (0.25, 0.85)  # mean L of the face, 0..1
    max_clipped_bright: float = 0.05  # share of face pixels ≥ 247
    max_clipped_dark: float = 0.10  # share of face pixels ≤ 25
    min_balance: float = 0.50  # intersection of the left and right face-half luminance histograms
    min_face_saturation: float = 0.06  # a greyscale face measures 0.00
    # Eyes (measure.eyes), calibrated on the fixtures: open eyes (Hopper's glasses and drawn thin frames included)
    # against sunglasses passing 12 % of the light and drawn closed lids. Recalibrate on real closed-eye photos.
    eyes_max_dark_share: float = 0.65  # lens window < 0.45 × cheek: open 0.06–0.46, sunglasses ≥ 0.98 (≤ 20 % caught)
    eyes_min_open: float = 0.20  # dark stroke through the eye / eye width: open eyes 0.27–0.63, closed 0.00–0.12
    max_pixels: int = 64_000_000  # declared pixel count above which a file is not decoded (bombs)
    # framing targets on the output: eye midpoint, and the inter-pupil distance that gives a mid-band face width
    frame_eye_y: int = 245
    frame_ipd: float = 92.0
    frame_head_top: tuple[int, int] = (60, 100)  # where framing tries to land the head top (inside head_top)
    frame_size_bytes: tuple[int, int] = (24 * 1024, 38 * 1024)  # framing aims inside the window, not on its edge
    extra: dict[str, str] = field(default_factory=dict)


CHSI = Profile(name="chsi", title="学信网（默认，浅蓝背景）")
# Some provinces (e.g. 新疆 for 自考, 江苏 as an option) take a white or light-grey backdrop with the same geometry.
WHITE = replace(CHSI, name="white", title="白色背景", background_rgb=(255, 255, 255))

PROFILES: dict[str, Profile] = {p.name: p for p in (CHSI, WHITE)}


def get_profile(name: str | Profile | None) -> Profile:
    if isinstance(name, Profile):
        return name
    if name is None:
        return CHSI
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown photo profile {name!r}; one of {', '.join(PROFILES)}") from None
