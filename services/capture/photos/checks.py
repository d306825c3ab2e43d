"""The marked place: every upload is checked here before it is accepted, and the standard output is made here.

Two stages:
1. `guard`: cheap refusals read off the file's header, before a single pixel is decoded (a hostile or broken file
   never reaches a decoder): the bytes window, the type by content (a PNG named .jpg is a PNG), the declared
   dimensions (too small to frame, or so large it is a decompression bomb) and a complete JPEG (a transfer cut
   short). Its verdicts are named `original_*`: they judge the upload, not the standard photo.
2. photoqa: the standard output (480×640 baseline JPEG inside the profile's size window) is the upload itself when
   that already passes `check_photo`, else `frame_photo` of the upload; `check_photo` of the standard output gives
   the verdicts the station shows. An upload that cannot be framed (no face) gets a failed `framing` verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.capture.photoqa import FramingError, check_photo, frame_photo, get_profile
from services.capture.photoqa.container import Header, read_header
from services.capture.photoqa.profiles import Profile

ORIGINAL_BYTES = (10 * 1024, 25 * 1024 * 1024)
MAX_PIXELS = 60_000_000  # larger than any camera's frame (a 61-MP sensor is 9504×6336); stops decompression bombs


@dataclass
class Inspection:
    checks: list[dict[str, Any]] = field(default_factory=list)
    standard: bytes | None = None  # the standard output, when the upload could be framed
    content_type: str = "application/octet-stream"

    @property
    def passed(self) -> bool:
        return all(c["passed"] is not False for c in self.checks)


def inspect_photo(data: bytes, profile: str | Profile | None = None) -> Inspection:
    """Checks and standard output of one upload (the marked place)."""
    p = get_profile(profile)
    header = read_header(data)
    result = Inspection(checks=guard(data, header, p), content_type=_content_type(header.kind))
    if not result.passed:
        return result
    if (header.width, header.height) == (p.width, p.height):
        report = check_photo(data, p)
        if report.passed:  # already a compliant standard photo: re-encoding it could only lose quality
            result.standard = data
            result.checks += [c.as_dict() for c in report.checks]
            return result
    try:
        result.standard = frame_photo(data, p)
    except FramingError as error:
        result.checks.append(_check("framing", False, None, None, error.zh, error.en))
        return result
    result.checks += [c.as_dict() for c in check_photo(result.standard, p).checks]
    return result


def guard(data: bytes, header: Header, p: Profile) -> list[dict[str, Any]]:
    """The header-only refusals, in the order a hostile file meets them; the first failure ends the list."""
    low, high = ORIGINAL_BYTES
    size_ok = low <= len(data) <= high
    checks = [_check("original_size", size_ok, len(data), [low, high],
                     "原片文件大小合适" if size_ok else "原片文件大小异常（过小或过大），请重拍",
                     "upload size fine" if size_ok else "the upload is too small or too large; retake it")]
    is_jpeg = header.kind == "jpeg"
    checks.append(_check("original_type", is_jpeg, header.kind, "jpeg",
                         "JPEG 照片" if is_jpeg else f"文件内容为 {header.kind}，照片须为 JPEG 格式",
                         "JPEG photo" if is_jpeg else f"the file is {header.kind}; a JPEG is required"))
    if not (size_ok and is_jpeg):
        return checks
    intact = header.complete and header.error is None and bool(header.pixels)
    checks.append(_check("original_intact", intact, header.error, None,
                         "文件完整" if intact else "照片文件不完整或已损坏（可能传输中断），请重新上传",
                         "complete file" if intact else "the file is cut short or damaged; upload it again"))
    if not intact:
        return checks
    width, height = header.width or 0, header.height or 0
    big_enough = width >= p.width and height >= p.height
    sane = header.pixels <= MAX_PIXELS
    ok = big_enough and sane
    zh = "尺寸足够" if ok else (f"照片尺寸不足 {p.width}×{p.height}，请重拍" if not big_enough
                               else f"声明尺寸 {width}×{height} 过大，拒绝解码")
    en = "large enough" if ok else (f"smaller than {p.width}×{p.height}; retake it" if not big_enough
                                    else f"declared {width}×{height} exceeds {MAX_PIXELS:,} pixels; not decoded")
    checks.append(_check("original_dimensions", ok, [width, height],
                         {"min": [p.width, p.height], "max_pixels": MAX_PIXELS}, zh, en))
    return checks


def _check(code: str, passed: bool, measured: Any, threshold: Any, zh: str, en: str) -> dict[str, Any]:
    return {"code": code, "passed": passed, "measured": measured, "threshold": threshold, "message": zh,
            "message_en": en}


def _content_type(kind: str) -> str:
    return "image/jpeg" if kind == "jpeg" else "application/octet-stream"


def start_worker(started: Any, timeout: float) -> None:
    """The initializer of a photo-check worker process (workers.py): load the face detector and landmark model once
    (the embedding model loads with the worker's first embedding), then wait at `started` (a Barrier) until every
    worker of the pool has, so the pool counts as started only when all its workers are. Kept here, with the checks'
    light imports: a spawned worker imports this module, not the service's web stack."""
    import numpy as np

    from services.capture.photoqa.faces import default_model

    default_model().detect(np.zeros((64, 64), np.uint8))
    started.wait(timeout)
