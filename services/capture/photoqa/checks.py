"""The check pipeline: bytes in, one explainable result per rule out.

`check_photo(data, profile)` never raises on bad input: a file that is not a photo, is cut short, or declares a
decompression bomb gets failed checks saying so. A check that cannot be measured because an earlier one failed
(no face → no eye line) reports `passed: None`, so a photo fails only where it breaks a rule.
Order: the container (header only, < 1 ms) → bounded decode → face → geometry → backdrop → face statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from services.capture.photoqa import measure
from services.capture.photoqa.container import Header, read_header
from services.capture.photoqa.faces import Face, FaceModel, default_model
from services.capture.photoqa.imaging import DecodeError, decode, delta_e, rgb_to_lab
from services.capture.photoqa.profiles import Profile, get_profile

# Every check, in report order: the output always lists all of them (stable for tables and the UI).
CODES = (
    "file_type", "jpeg_baseline", "file_size", "dimensions", "colour_depth", "jpeg_quality", "dpi", "decode",
    "face_count", "face_centred", "face_level", "head_top", "eye_line", "face_width",
    "background_colour", "background_uniform", "clothing_contrast",
    "sharpness", "exposure", "lighting_balance", "colour", "eyes_visible", "eyes_open",
)


@dataclass(frozen=True)
class CheckResult:
    code: str
    passed: bool | None  # None: not measurable because an earlier check failed
    measured: Any
    threshold: Any
    message: str  # Chinese, for the photographer and the student
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "passed": self.passed, "measured": self.measured, "threshold": self.threshold,
                "message": self.message, "message_en": self.message_en}


@dataclass
class Report:
    profile: str
    checks: list[CheckResult] = field(default_factory=list)
    face: Face | None = None  # the one face, when there is exactly one (framing and identity reuse it)

    @property
    def passed(self) -> bool:
        return all(c.passed is not False for c in self.checks)

    @property
    def failed(self) -> list[str]:
        return [c.code for c in self.checks if c.passed is False]

    def get(self, code: str) -> CheckResult:
        return next(c for c in self.checks if c.code == code)

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "profile": self.profile, "failed": self.failed,
                "checks": [c.as_dict() for c in self.checks]}


def _r(code: str, passed: bool | None, measured: Any, threshold: Any, zh: str, en: str) -> CheckResult:
    if isinstance(measured, float):
        measured = round(measured, 3)
    return CheckResult(code, None if passed is None else bool(passed), measured, threshold, zh, en)


def _na(code: str, why_zh: str, why_en: str) -> CheckResult:
    return CheckResult(code, None, None, None, f"未检查：{why_zh}", f"not checked: {why_en}")


def _band(value: float, band: tuple[float, float]) -> bool:
    return band[0] <= value <= band[1]


def check_photo(data: bytes, profile: str | Profile | None = None, model: FaceModel | None = None) -> Report:
    p = get_profile(profile)
    report = Report(p.name)
    header = read_header(data)
    report.checks += _container(header, p)
    try:
        bgr = decode(data, header, p.max_pixels)
    except DecodeError as error:
        report.checks.append(_r("decode", False, None, None, error.zh, error.en))
        rest = CODES[CODES.index("decode") + 1:]
        report.checks += [_na(code, "图像无法解码", "the image did not decode") for code in rest]
        return report
    report.checks.append(_r("decode", True, f"{bgr.shape[1]}×{bgr.shape[0]}", None, "图像可解码", "decodes"))
    if bgr.shape[1] != p.width:  # judge the geometry on the output scale, so a wrong size fails only `dimensions`
        scale = p.width / bgr.shape[1]
        bgr = cv2.resize(bgr, (p.width, round(bgr.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    report.checks += _scene(bgr, p, model or default_model(), report)
    return report


def _container(h: Header, p: Profile) -> list[CheckResult]:
    out = []
    is_jpeg = h.kind == "jpeg"
    out.append(_r("file_type", is_jpeg, h.kind, "jpeg",
                  "JPEG 格式" if is_jpeg else f"文件格式为 {h.kind}，须为 JPEG",
                  "JPEG" if is_jpeg else f"the file is {h.kind}; a JPEG is required"))
    if is_jpeg and h.sof is not None:
        ok = h.sof == 0xC0
        out.append(_r("jpeg_baseline", ok, h.frame, "baseline",
                      "基线（非渐进式）JPEG" if ok else f"JPEG 编码为 {h.frame}，须为基线（baseline）",
                      "baseline JPEG" if ok else f"JPEG is {h.frame}; baseline is required"))
        lo, hi = p.size_bytes
        ok = lo <= h.size <= hi
        out.append(_r("file_size", ok, h.size, [lo, hi],
                      f"文件大小 {h.size / 1024:.1f} KB" + ("" if ok else f"，须在 {lo // 1024}–{hi // 1024} KB 之间"),
                      f"file size {h.size / 1024:.1f} KB" + ("" if ok else f"; must be {lo // 1024}–{hi // 1024} KB")))
    else:
        out += [_na(code, "非 JPEG 文件", "not a JPEG") for code in ("jpeg_baseline", "file_size")]
    if h.width and h.height:
        ok = (h.width, h.height) == (p.width, p.height)
        out.append(_r("dimensions", ok, [h.width, h.height], [p.width, p.height],
                      f"尺寸 {h.width}×{h.height}" + ("" if ok else f"，须为 {p.width}×{p.height} 像素"),
                      f"size {h.width}×{h.height}" + ("" if ok else f"; must be {p.width}×{p.height} px")))
    else:
        out.append(_na("dimensions", "文件头未给出尺寸", "the header gives no size"))
    if h.components is not None and h.precision is not None:
        bits = h.components * h.precision
        ok = h.components == 3 and h.precision == 8
        out.append(_r("colour_depth", ok, bits, 24,
                      f"色深 {bits} 位" + ("" if ok else "，须为 24 位真彩色（RGB 各 8 位）"),
                      f"colour depth {bits} bit" + ("" if ok else "; 24-bit colour (8 bits × RGB) is required")))
    else:
        out.append(_na("colour_depth", "文件头未给出色深", "the header gives no depth"))
    if is_jpeg and h.quality is not None:
        ok = h.quality >= p.min_quality
        out.append(_r("jpeg_quality", ok, h.quality, p.min_quality,
                      f"估计 JPEG 质量 {h.quality}" + ("" if ok else f"，须不低于 {p.min_quality}"),
                      f"estimated JPEG quality {h.quality}" + ("" if ok else f"; {p.min_quality} or more is needed")))
    else:
        out.append(_na("jpeg_quality", "无量化表", "no quantisation table"))
    # Missing density is common (cameras, phone apps) and harmless: the pixel size is what CHSI measures.
    ok = h.dpi is None or h.dpi == (p.dpi, p.dpi) or not is_jpeg
    dpi_text = "未标注" if h.dpi is None else f"{h.dpi[0]}×{h.dpi[1]} dpi"
    out.append(_r("dpi", ok, None if h.dpi is None else list(h.dpi), p.dpi,
                  f"分辨率 {dpi_text}" + ("" if ok else f"，应为 {p.dpi} dpi"),
                  f"density {dpi_text}" + ("" if ok else f"; {p.dpi} dpi is expected")))
    return out


def _scene(bgr: np.ndarray, p: Profile, model: FaceModel, report: Report) -> list[CheckResult]:
    out: list[CheckResult] = []
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    faces = model.detect(grey, detect_height=bgr.shape[0] // 2)
    n = len(faces)
    out.append(_r("face_count", n == 1, n, 1, "检测到一张人脸" if n == 1 else f"检测到 {n} 张人脸，须恰好一张",
                  "one face" if n == 1 else f"{n} faces found; exactly one is required"))
    face = faces[0] if n == 1 else None
    report.face = face
    reference = measure.backdrop_reference(bgr)
    top = measure.head_top(bgr, face, reference) if face else None
    if face:
        out += _geometry(face, top or 0, p)
    else:
        why = ("未检测到人脸", "no face") if n == 0 else ("人脸不止一张", "more than one face")
        out += [_na(code, *why) for code in ("face_centred", "face_level", "head_top", "eye_line", "face_width")]

    back = measure.backdrop(bgr, top, face.eye_mid[1] if face else None)
    target = rgb_to_lab(p.background_rgb)
    distance = float(delta_e(back.mean, target))
    ok = distance <= p.background_max_delta_e
    rgb = _lab_to_rgb(back.mean)
    out.append(_r("background_colour", ok, {"rgb": rgb, "delta_e": round(distance, 1)},
                  {"rgb": list(p.background_rgb), "max_delta_e": p.background_max_delta_e},
                  f"背景颜色 RGB{tuple(rgb)}，与标准色差 ΔE {distance:.1f}" + ("" if ok else "，偏离标准背景色"),
                  f"background RGB{tuple(rgb)}, ΔE {distance:.1f} from the standard"
                  + ("" if ok else "; too far from the profile colour")))
    ok = back.spread <= p.background_max_spread and back.outliers <= p.background_max_outliers
    out.append(_r("background_uniform", ok, {"spread_delta_e": round(back.spread, 1),
                                              "outliers": round(back.outliers, 3)},
                  {"max_spread_delta_e": p.background_max_spread, "max_outliers": p.background_max_outliers},
                  "背景均匀" if ok else f"背景不均匀（区域色差 {back.spread:.1f}，异色像素 {back.outliers:.1%}），"
                  "可能有渐变、阴影或杂物",
                  "uniform background" if ok else f"background not uniform (regions differ by ΔE {back.spread:.1f}, "
                  f"{back.outliers:.1%} off-colour pixels): gradient, shadow or objects"))
    if not face:
        why = ("未检测到唯一人脸", "no single face")
        return out + [_na(code, *why) for code in ("clothing_contrast", "sharpness", "exposure", "lighting_balance",
                                                   "colour", "eyes_visible", "eyes_open")]
    share = measure.clothing_share(bgr, face, back.mean)
    ok = share <= p.clothing_max_share
    out.append(_r("clothing_contrast", ok, share, p.clothing_max_share,
                  "服装与背景区分明显" if ok else f"服装颜色与背景过于接近（{share:.0%} 相近），请更换服装",
                  "clothing differs from the background" if ok
                  else f"clothing too close to the background colour ({share:.0%} of it)"))
    out += _face_quality(measure.face_stats(bgr, grey, face), p)
    out += _eyes(measure.eyes(grey, face), p)
    return out


def _geometry(face: Face, top: int, p: Profile) -> list[CheckResult]:
    x, y = face.eye_mid
    share = x / p.width
    width = 2.3 * face.ipd  # cheek to cheek ≈ 2.15–2.40 × the eye-centre distance (research §5)
    roll = face.roll
    ok_c, ok_l = _band(share, p.centre_band), abs(roll) <= p.max_roll_degrees
    ok_t, ok_e, ok_w = _band(top, p.head_top), _band(y, p.eye_line), _band(width, p.face_width)
    return [
        _r("face_centred", ok_c, share, list(p.centre_band),
           f"人脸水平位置 {share:.0%}" + ("" if ok_c else "，未居中"),
           f"face at {share:.0%} of the width" + ("" if ok_c else "; not centred")),
        _r("face_level", ok_l, round(roll, 1), p.max_roll_degrees,
           f"双眼连线倾斜 {roll:.1f}°" + ("" if ok_l else f"，超过 {p.max_roll_degrees:g}°，请摆正头部"),
           f"eye line tilted {roll:.1f}°" + ("" if ok_l else f"; over {p.max_roll_degrees:g}°, level the head")),
        _r("head_top", ok_t, top, list(p.head_top),
           f"头顶距上边缘 {top} 像素" + ("" if ok_t else f"，须在 {p.head_top[0]}–{p.head_top[1]} 像素"),
           f"head top {top} px from the top" + ("" if ok_t else f"; must be {p.head_top[0]}–{p.head_top[1]} px")),
        _r("eye_line", ok_e, round(y), list(p.eye_line),
           f"眼睛距上边缘 {y:.0f} 像素" + ("" if ok_e else f"，须在 {p.eye_line[0]}–{p.eye_line[1]} 像素"),
           f"eyes {y:.0f} px from the top" + ("" if ok_e else f"; must be {p.eye_line[0]}–{p.eye_line[1]} px")),
        _r("face_width", ok_w, round(width), list(p.face_width),
           f"脸宽约 {width:.0f} 像素" + ("" if ok_w else f"，须在 {p.face_width[0]}–{p.face_width[1]} 像素"),
           f"face about {width:.0f} px wide" + ("" if ok_w else f"; must be {p.face_width[0]}–{p.face_width[1]} px")),
    ]


def _face_quality(s: measure.FaceStats, p: Profile) -> list[CheckResult]:
    ok_s = s.sharpness >= p.min_sharpness
    ok_x = _band(s.lightness, p.face_lightness) and s.bright <= p.max_clipped_bright and s.dark <= p.max_clipped_dark
    ok_b, ok_c = s.balance >= p.min_balance, s.saturation >= p.min_face_saturation
    exposure = {"lightness": round(s.lightness, 3), "bright": round(s.bright, 3), "dark": round(s.dark, 3)}
    return [
        _r("sharpness", ok_s, s.sharpness, p.min_sharpness,
           "面部清晰" if ok_s else f"面部模糊（清晰度 {s.sharpness:.0f}，须不低于 {p.min_sharpness:g}）",
           "sharp face" if ok_s else f"face blurred (sharpness {s.sharpness:.0f} < {p.min_sharpness:g})"),
        _r("exposure", ok_x, exposure,
           {"lightness": list(p.face_lightness), "max_bright": p.max_clipped_bright, "max_dark": p.max_clipped_dark},
           "面部曝光正常" if ok_x else _exposure_zh(s, p), "face exposure fine" if ok_x else _exposure_en(s, p)),
        _r("lighting_balance", ok_b, s.balance, p.min_balance,
           "面部左右光照均匀" if ok_b else f"面部左右明暗不均（{s.balance:.2f}），有阴影",
           "even light left and right" if ok_b else f"uneven light across the face ({s.balance:.2f}): shadow"),
        _r("colour", ok_c, s.saturation, p.min_face_saturation,
           "彩色照片" if ok_c else "照片为黑白或严重偏色，须为彩色",
           "colour photo" if ok_c else "the face is grey: a colour photo is required"),
    ]


def _eyes(e: measure.EyeStats | None, p: Profile) -> list[CheckResult]:
    """eyes_visible, then eyes_open (not judged behind a dark lens: the lens is dark from rim to rim). The worse eye
    counts, so one covered or one closed eye fails.

    The 5-point landmarks give eye corners, no eyelids, so both read pixels around the corners (measure.eyes). An
    earlier stand-in, OpenCV's Haar eye cascades around each landmark eye, missed a synthetic blink on one portrait
    of six and rejected Grace Hopper's glasses at other head sizes. The closed eyes calibrated on are drawn (lid
    skin and a lash line): recalibrate `eyes_min_open` on real closed-eye photos, and if it misjudges them, eyelid
    landmarks need a dense model with a product licence (mediapipe 0.10.21's FaceMesh, shared/research/photo-qa.md).
    """
    if e is None:
        why = ("眼部超出画面", "the eyes are too near the edge to measure")
        return [_na("eyes_visible", *why), _na("eyes_open", *why)]
    share = max(e.dark_share)
    ok_v = share <= p.eyes_max_dark_share
    visible = _r("eyes_visible", ok_v, share, p.eyes_max_dark_share,
                 "双眼清晰可见" if ok_v
                 else f"眼部 {share:.0%} 为深色（上限 {p.eyes_max_dark_share:.0%}）：不得佩戴有色眼镜，双眼不得遮挡",
                 "both eyes visible" if ok_v else f"{share:.0%} of an eye window is dark (at most "
                 f"{p.eyes_max_dark_share:.0%}): no tinted lenses, nothing over the eyes")
    if not ok_v:
        return [visible, _na("eyes_open", "眼睛不可见", "the eyes are not visible")]
    openness = min(e.openness)
    ok_o = openness >= p.eyes_min_open
    shut = [i for i, value in enumerate(e.openness) if value < p.eyes_min_open]
    which_zh, which_en = ("双眼", "both eyes") if len(shut) != 1 else \
        (f"画面{'左右'[shut[0]]}侧的眼睛", f"the eye on the image {('left', 'right')[shut[0]]}")
    return [visible, _r(
        "eyes_open", ok_o, openness, p.eyes_min_open,
        "双眼睁开" if ok_o
        else f"{which_zh}未睁开或眯眼（睁眼程度 {openness:.2f}，须不低于 {p.eyes_min_open:g}）：双眼须睁开",
        "both eyes open" if ok_o else f"{which_en} closed or squinting (openness {openness:.2f} < "
        f"{p.eyes_min_open:g}): both eyes must be open")]


def _exposure_zh(s: measure.FaceStats, p: Profile) -> str:
    if s.lightness < p.face_lightness[0] or s.dark > p.max_clipped_dark:
        return f"面部过暗（亮度 {s.lightness:.0%}，死黑 {s.dark:.0%}），请补光"
    return f"面部过亮（亮度 {s.lightness:.0%}，过曝 {s.bright:.0%}），请减弱灯光"


def _exposure_en(s: measure.FaceStats, p: Profile) -> str:
    if s.lightness < p.face_lightness[0] or s.dark > p.max_clipped_dark:
        return f"face too dark (lightness {s.lightness:.0%}, {s.dark:.0%} crushed)"
    return f"face too bright (lightness {s.lightness:.0%}, {s.bright:.0%} clipped)"


def _lab_to_rgb(lab: np.ndarray) -> list[int]:
    encoded = np.array([[[lab[0] * 255 / 100, lab[1] + 128, lab[2] + 128]]], dtype=np.float32)
    bgr = cv2.cvtColor(np.clip(encoded, 0, 255).astype(np.uint8), cv2.COLOR_LAB2BGR)[0, 0]
    return [int(bgr[2]), int(bgr[1]), int(bgr[0])]
