"""Header facts read without decoding: quality from the quantisation tables, baseline vs progressive, density."""

from __future__ import annotations

import numpy as np
import pytest

from services.capture.photoqa.container import read_header, sniff
from services.capture.photoqa.imaging import encode_jpeg

NOISE = np.random.default_rng(1).integers(0, 256, (64, 48, 3), dtype=np.uint8)


@pytest.mark.parametrize("quality", [30, 50, 60, 75, 85, 95])
def test_quality_is_read_back_from_the_tables(quality: int) -> None:
    assert read_header(encode_jpeg(NOISE, quality)).quality == quality


def test_header_facts() -> None:
    header = read_header(encode_jpeg(NOISE, 80, dpi=300))
    assert (header.kind, header.width, header.height, header.components, header.precision) == ("jpeg", 48, 64, 3, 8)
    assert header.frame == "baseline" and header.dpi == (300, 300) and header.complete
    assert read_header(encode_jpeg(NOISE, 80, progressive=True)).frame == "progressive"


@pytest.mark.parametrize(("data", "kind"), [(b"", "empty"), (b"GIF89a....", "gif"), (b"\x89PNG\r\n\x1a\n", "png"),
                                           (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"), (b"hello", "unknown")])
def test_sniff(data: bytes, kind: str) -> None:
    assert sniff(data) == kind
