"""What a photo file says about itself, read from its bytes without decoding any pixels.

The marker scan gives the checks their container facts (type, baseline or progressive, dimensions, components,
quantisation tables, dpi) in well under a millisecond, and it lets the decoder refuse a file whose header declares
more pixels than a profile allows before a single pixel is allocated (a decompression bomb is a tiny file with huge
declared dimensions).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TypedDict

# JPEG zig-zag scan order: position k in the file's DQT is natural (row-major) index ZIGZAG[k].
ZIGZAG = (
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
    54, 47, 55, 62, 63,
)
# ITU-T T.81 Annex K.1 luminance table (natural order): libjpeg scales it by quality, so the ratio gives quality back.
STD_LUMINANCE = (
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
)
SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
SOF_NAMES = {0xC0: "baseline", 0xC1: "extended sequential", 0xC2: "progressive", 0xC3: "lossless"}

SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)


@dataclass(frozen=True)
class Header:
    kind: str  # jpeg, png, gif, bmp, tiff, webp, heic, empty, unknown
    size: int  # bytes
    width: int | None = None
    height: int | None = None
    components: int | None = None  # 3 = colour, 1 = greyscale
    precision: int | None = None  # bits per component
    sof: int | None = None  # the JPEG start-of-frame marker, 0xC0 = baseline
    quality: int | None = None  # estimated libjpeg quality of the luminance table
    dpi: tuple[int, int] | None = None
    complete: bool = True  # a JPEG ends with its EOI marker
    error: str | None = None  # why the structure could not be read

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)

    @property
    def frame(self) -> str:
        return SOF_NAMES.get(self.sof or -1, f"SOF{(self.sof or 0xC0) - 0xC0}")


def sniff(data: bytes) -> str:
    if not data:
        return "empty"
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        return "heic"
    return "unknown"


def read_header(data: bytes) -> Header:
    kind = sniff(data)
    if kind == "jpeg":
        return _jpeg(data)
    if kind == "png" and len(data) >= 26 and data[12:16] == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
        components = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}.get(colour)
        return Header(kind, len(data), width, height, components, depth)
    return Header(kind, len(data))


class _JpegFields(TypedDict, total=False):
    """What a JPEG's segments say, under Header's names."""

    sof: int
    precision: int
    height: int
    width: int
    components: int
    dpi: tuple[int, int]


def _jpeg(data: bytes) -> Header:
    """Walk the marker segments up to the first scan; fields stay None where the file does not say."""
    fields: _JpegFields = {}
    tables: dict[int, list[int]] = {}
    pos, n = 2, len(data)
    error: str | None = None
    while True:
        if pos + 4 > n:
            error = "file ends inside the header"
            break
        if data[pos] != 0xFF:
            error = f"no marker at byte {pos}"
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # standalone markers carry no length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        segment = data[pos + 4:pos + 2 + length]
        if length < 2 or len(segment) != length - 2:
            error = f"segment 0x{marker:02X} runs past the end of the file"
            break
        if marker in SOF_MARKERS and len(segment) >= 6:
            precision, height, width, components = struct.unpack(">BHHB", segment[:6])
            fields.update({"sof": marker, "precision": precision, "height": height, "width": width,
                           "components": components})
        elif marker == 0xDB:
            _quant_tables(segment, tables)
        elif marker == 0xE0 and segment[:5] == b"JFIF\x00" and len(segment) >= 12:
            units, x, y = struct.unpack(">BHH", segment[7:12])
            if units == 1:
                fields["dpi"] = (x, y)
            elif units == 2:  # dots per cm
                fields["dpi"] = (round(x * 2.54), round(y * 2.54))
        elif marker == 0xDA:
            break
        pos += 2 + length
    if "sof" not in fields and error is None:
        error = "no frame header (SOF)"
    # The entropy-coded data is not walked (that is the decoder's job); a file cut short has lost its EOI marker.
    complete = data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")
    quality = estimate_quality(tables[0]) if 0 in tables else None
    return Header("jpeg", n, complete=complete, error=error, quality=quality, **fields)


def _quant_tables(segment: bytes, tables: dict[int, list[int]]) -> None:
    pos = 0
    while pos < len(segment):
        precision, table_id = segment[pos] >> 4, segment[pos] & 0x0F
        size = 128 if precision else 64
        body = segment[pos + 1:pos + 1 + size]
        if len(body) < size:
            return
        values = list(struct.unpack(">64H", body)) if precision else list(body)
        natural = [0] * 64
        for k, value in enumerate(values):
            natural[ZIGZAG[k]] = value
        tables[table_id] = natural
        pos += 1 + size


def estimate_quality(luminance: list[int]) -> int:
    """Invert libjpeg's quality scaling: T = (S·scale + 50) / 100 with scale = 5000/q (q < 50) or 200 − 2q.

    Exact for libjpeg-family encoders (OpenCV, Pillow, most cameras' firmware is close); encoders with their own
    tables get the libjpeg quality whose tables are as coarse on average, which is what the rule is about.
    """
    ratios = [t / s for t, s in zip(luminance, STD_LUMINANCE, strict=True) if t > 1]
    if not ratios:
        return 100
    scale = 100 * sum(ratios) / len(ratios)
    quality = (200 - scale) / 2 if scale <= 100 else 5000 / scale
    return max(1, min(100, round(quality)))
