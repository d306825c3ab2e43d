"""The marked place: every upload is checked here before it is accepted, and the standard output is made here.

Until the photo-checks module (services/capture/photoqa) lands, `inspect_photo` checks type, size and
dimensions only and makes the standard 480×640 baseline JPEG by a centred crop. Swapping in photoqa is the one
line in `inspect_photo` (check_photo(data, profile) for the checks, frame_photo(data, profile) for the output)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, UnidentifiedImageError

STANDARD_SIZE = (480, 640)
STANDARD_BYTES = (20 * 1024, 40 * 1024)  # the default profile's size window of the standard output
ORIGINAL_BYTES = (10 * 1024, 25 * 1024 * 1024)
MAX_PIXELS = 60_000_000  # larger than any camera's frame; stops decompression bombs


@dataclass
class Inspection:
    checks: list[dict[str, Any]] = field(default_factory=list)
    standard: bytes | None = None  # the standard output, when the original can be framed
    content_type: str = "application/octet-stream"

    @property
    def passed(self) -> bool:
        return all(c["passed"] for c in self.checks)


def inspect_photo(data: bytes) -> Inspection:
    """Checks and standard output of one upload (the marked place)."""
    return basic_inspection(data)


def _check(code: str, passed: bool, measured: Any, threshold: Any, zh: str) -> dict[str, Any]:
    return {"code": code, "passed": passed, "measured": measured, "threshold": threshold, "message": zh}


def basic_inspection(data: bytes) -> Inspection:
    result = Inspection()
    low, high = ORIGINAL_BYTES
    result.checks.append(_check("file_size", low <= len(data) <= high, len(data), [low, high],
                                "文件大小合适" if low <= len(data) <= high else "原片文件大小异常，请重拍"))
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ValueError("too many pixels")
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        result.checks.append(_check("file_type", False, None, "JPEG", "无法识别的图片文件，请上传 JPEG 照片"))
        return result
    is_jpeg = image.format == "JPEG"
    result.content_type = "image/jpeg" if is_jpeg else f"image/{(image.format or 'octet-stream').lower()}"
    result.checks.append(_check("file_type", is_jpeg, image.format, "JPEG",
                                "JPEG 照片" if is_jpeg else "照片须为 JPEG 格式"))
    width, height = image.size
    big_enough = width >= STANDARD_SIZE[0] and height >= STANDARD_SIZE[1]
    result.checks.append(_check("dimensions", big_enough, [width, height], list(STANDARD_SIZE),
                                "尺寸足够" if big_enough else "照片尺寸不足 480×640，请重拍"))
    if big_enough:
        result.standard = _standard(image)
    return result


def _standard(image: Image.Image) -> bytes:
    """A centred 3:4 crop scaled to 480×640, baseline 24-bit JPEG at 300 dpi, the highest quality ≥ 60 that
    fits the size window (the framing by face position is photoqa's)."""
    width, height = image.size
    target = STANDARD_SIZE[0] / STANDARD_SIZE[1]
    if width / height > target:
        crop_w = round(height * target)
        box = ((width - crop_w) // 2, 0, (width - crop_w) // 2 + crop_w, height)
    else:
        crop_h = round(width / target)
        box = (0, (height - crop_h) // 2, width, (height - crop_h) // 2 + crop_h)
    framed = image.convert("RGB").crop(box).resize(STANDARD_SIZE, Image.Resampling.LANCZOS)
    best = b""
    for quality in (95, 90, 85, 80, 75, 70, 65, 60):
        buffer = io.BytesIO()
        framed.save(buffer, "JPEG", quality=quality, dpi=(300, 300), progressive=False, optimize=True)
        best = buffer.getvalue()
        if len(best) <= STANDARD_BYTES[1]:
            break
    return best
