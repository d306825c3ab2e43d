"""Framing a camera original into the standard photo: the result passes every check, eyes level, inside the bands."""

from __future__ import annotations

import numpy as np
import pytest

from services.capture.photoqa import FramingError, check_photo, frame_photo
from services.capture.photoqa.container import read_header
from services.capture.photoqa.imaging import encode_jpeg
from tests.support import photos


@pytest.mark.parametrize("name", photos.NAMES)
def test_framed_original_passes_every_check(name: str) -> None:
    original = photos.camera_original(name)
    assert read_header(original).dpi == (72, 72)
    framed = frame_photo(original)
    report = check_photo(framed)
    assert report.failed == [], [c.message_en for c in report.checks if c.passed is False]
    header = read_header(framed)
    assert (header.width, header.height, header.frame, header.dpi) == (480, 640, "baseline", (300, 300))
    assert header.components == 3 and header.quality is not None and header.quality >= 60
    assert abs(report.get("face_level").measured) <= 1.5  # the 5° tilt of the original is levelled
    assert abs(report.get("face_centred").measured - 0.5) <= 0.02


def test_framing_levels_a_strong_tilt_and_keeps_the_original() -> None:
    original = photos.camera_original("biden", size=(1800, 2400), roll=-12.0)
    kept = bytes(original)
    report = check_photo(frame_photo(original))
    assert report.passed and abs(report.get("face_level").measured) <= 1.5
    assert original == kept


def test_no_face_cannot_be_framed() -> None:
    blank = encode_jpeg(np.full((1200, 900, 3), (250, 197, 100), np.uint8), 90)
    with pytest.raises(FramingError) as error:
        frame_photo(blank)
    assert "未检测到人脸" in error.value.zh


@pytest.mark.parametrize("name", ["truncated", "bomb", "random", "empty"])
def test_hostile_input_is_a_framing_error(name: str) -> None:
    with pytest.raises(FramingError):
        frame_photo(photos.hostile()[name])
