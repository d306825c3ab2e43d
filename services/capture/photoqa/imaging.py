"""Bounded decoding and the colour arithmetic the checks share."""

from __future__ import annotations

import cv2
import numpy as np

from services.capture.photoqa.container import Header

DECODABLE = {"jpeg", "png"}  # kinds whose header we read, so the pixel cap holds before any allocation


class DecodeError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def decode(data: bytes, header: Header, max_pixels: int) -> np.ndarray:
    """BGR uint8 pixels, or DecodeError with a reason a person can act on."""
    if header.kind not in DECODABLE:
        raise DecodeError(f"无法解码此类文件（{header.kind}）", f"cannot decode a {header.kind} file")
    if header.error:
        raise DecodeError(f"文件结构损坏：{header.error}", f"broken file structure: {header.error}")
    if not header.pixels:
        raise DecodeError("文件头未给出图像尺寸", "the header gives no image dimensions")
    if header.pixels > max_pixels:
        raise DecodeError(f"声明尺寸 {header.width}×{header.height} 过大，拒绝解码",
                          f"declared size {header.width}×{header.height} exceeds {max_pixels:,} pixels; not decoded")
    if header.kind == "jpeg" and not header.complete:
        raise DecodeError("文件不完整（缺少 JPEG 结束标记，可能传输中断）",
                          "file is incomplete (no JPEG end marker; the transfer was probably cut)")
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if pixels is None or pixels.shape[0] != header.height or pixels.shape[1] != header.width:
        raise DecodeError("图像数据无法解码", "the image data does not decode")
    return pixels


def to_lab(bgr: np.ndarray) -> np.ndarray:
    """CIE L*a*b* as float32 (L 0..100, a/b around 0) from OpenCV's 8-bit encoding."""
    lab = cv2.cvtColor(np.ascontiguousarray(bgr), cv2.COLOR_BGR2LAB).astype(np.float32)
    lab[..., 0] *= 100 / 255
    lab[..., 1:] -= 128
    return lab


def rgb_to_lab(rgb: tuple[int, int, int]) -> np.ndarray:
    return to_lab(np.array([[rgb[::-1]]], dtype=np.uint8))[0, 0]


def delta_e(lab: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """CIE76 colour difference, elementwise over the last axis."""
    return np.sqrt(((lab - reference) ** 2).sum(axis=-1))


def encode_jpeg(bgr: np.ndarray, quality: int, dpi: int = 300, progressive: bool = False) -> bytes:
    """A 24-bit JPEG (baseline unless asked) whose JFIF header says `dpi`; 4:2:0 chroma like cameras and CHSI's
    own samples."""
    params = [cv2.IMWRITE_JPEG_QUALITY, int(quality), cv2.IMWRITE_JPEG_PROGRESSIVE, int(progressive),
              cv2.IMWRITE_JPEG_OPTIMIZE, 1]
    ok, buffer = cv2.imencode(".jpg", bgr, params)
    if not ok:
        raise ValueError("JPEG encoding failed")
    return set_jfif_dpi(buffer.tobytes(), dpi)


def set_jfif_dpi(data: bytes, dpi: int) -> bytes:
    """libjpeg writes a JFIF APP0 with density 1:1 (no unit); set dots per inch in place (same length)."""
    if data[2:4] == b"\xff\xe0" and data[6:11] == b"JFIF\x00":
        return data[:13] + bytes([1]) + dpi.to_bytes(2, "big") * 2 + data[18:]
    return data
