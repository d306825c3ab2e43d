"""The check pipeline on fixtures built from public-domain portraits: compliant photos pass, each one-defect variant
fails on its own check and nowhere else, and hostile files fail clearly without crashing or blowing up memory."""

from __future__ import annotations

import json
import tracemalloc
from collections import Counter

import cv2
import numpy as np
import pytest

from services.capture.photoqa.checks import CODES, check_photo
from services.capture.photoqa.profiles import WHITE
from tests.support import photos

CASES = [(name, defect) for name in photos.NAMES for defect in photos.DEFECTS
         if (name, defect) not in photos.UNSUITABLE]
HARMLESS = [(name, variation) for name in photos.NAMES for variation in photos.HARMLESS
            if (name, variation) not in photos.UNSUITABLE]


def _passing(name: str, variation: str | None) -> bytes:
    return photos.compliant(name) if variation is None else photos.variant(name, variation)


@pytest.mark.parametrize(("name", "variation"), [(name, None) for name in photos.NAMES] + HARMLESS)
def test_compliant_photo_passes_every_check(name: str, variation: str | None) -> None:
    report = check_photo(_passing(name, variation))
    assert report.failed == [], [c.message_en for c in report.checks if c.passed is False]
    assert report.passed
    assert [c.code for c in report.checks] == list(CODES)
    assert all(c.passed for c in report.checks), "a compliant photo measures every check"


@pytest.mark.parametrize(("name", "defect"), CASES)
def test_one_defect_fails_there_and_only_there(name: str, defect: str) -> None:
    report = check_photo(photos.variant(name, defect))
    assert not report.passed
    assert set(report.failed) == photos.DEFECTS[defect]


def test_confusion_table_per_check(capsys: pytest.CaptureFixture[str]) -> None:
    """Every fixture against every check: a check fires exactly on the fixtures planted for it."""
    counts: dict[str, Counter[str]] = {code: Counter() for code in CODES}
    fixtures = [(photos.compliant(n), set()) for n in photos.NAMES]
    fixtures += [(photos.variant(n, v), set()) for n, v in HARMLESS]
    fixtures += [(photos.variant(n, d), photos.DEFECTS[d]) for n, d in CASES]
    for data, expected in fixtures:
        failed = set(check_photo(data).failed)
        for code in CODES:
            fired, planted = code in failed, code in expected
            counts[code]["TP" if fired and planted else "FN" if planted else "FP" if fired else "TN"] += 1
    lines = [f"{'check':<20} {'caught':>6} {'missed':>6} {'false':>6} {'quiet':>6}"]
    lines += [f"{code:<20} {c['TP']:>6} {c['FN']:>6} {c['FP']:>6} {c['TN']:>6}" for code, c in counts.items()]
    with capsys.disabled():
        print(f"\nphoto checks over {len(fixtures)} fixtures (caught = failed where planted, false = failed elsewhere)")
        print("\n".join(lines))
    assert all(c["FN"] == 0 and c["FP"] == 0 for c in counts.values()), "\n".join(lines)
    planted = {code for d in photos.DEFECTS.values() for code in d}
    assert all(counts[code]["TP"] > 0 for code in planted)


def test_eyes_say_which_eye_and_why() -> None:
    wink = check_photo(photos.variant("biden", "wink"))
    assert wink.failed == ["eyes_open"]
    shut = wink.get("eyes_open")
    assert shut.measured < shut.threshold == 0.2
    assert "画面右侧的眼睛" in shut.message and "双眼须睁开" in shut.message and "image right" in shut.message_en
    closed = check_photo(photos.variant("astronaut", "closed_eyes")).get("eyes_open")
    assert closed.passed is False and closed.message.startswith("双眼未睁开")
    assert check_photo(photos.compliant("astronaut")).get("eyes_open").measured > 0.2

    lenses = check_photo(photos.variant("obama3", "dark_lenses"))
    visible = lenses.get("eyes_visible")
    assert visible.passed is False and visible.measured > 0.65 and "不得佩戴有色眼镜" in visible.message
    assert lenses.get("eyes_open").passed is None  # nothing to judge behind a dark lens, so no second failure
    glasses = check_photo(photos.compliant("hopper")).get("eyes_visible")
    assert glasses.passed is True and glasses.measured < 0.65


def test_white_profile_is_data() -> None:
    on_white = photos.variant("obama2", "wrong_background")
    assert check_photo(on_white, WHITE).passed
    assert check_photo(photos.compliant("obama2"), "white").failed == ["background_colour"]
    with pytest.raises(ValueError, match="unknown photo profile"):
        check_photo(on_white, "nowhere")


def test_report_is_json_with_chinese_messages() -> None:
    report = check_photo(photos.variant("biden", "off_centre")).as_dict()
    document = json.loads(json.dumps(report, ensure_ascii=False))
    assert document["passed"] is False and document["failed"] == ["face_centred"]
    centred = next(c for c in document["checks"] if c["code"] == "face_centred")
    assert set(centred) == {"code", "passed", "measured", "threshold", "message", "message_en"}
    assert centred["threshold"] == [0.45, 0.55] and centred["measured"] > 0.55
    assert "未居中" in centred["message"]


@pytest.mark.parametrize("name", ["truncated", "bomb", "random", "empty", "jpeg_magic_only"])
def test_hostile_input_fails_clearly_in_bounded_memory(name: str) -> None:
    data = photos.hostile()[name]
    tracemalloc.start()
    try:
        report = check_photo(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not report.passed
    decode = report.get("decode")
    assert decode.passed is False and decode.message and decode.message_en
    assert all(c.passed is None for c in report.checks[list(CODES).index("decode") + 1:])
    assert peak < 20 * 2**20, f"{peak / 2**20:.1f} MiB traced"


def test_bomb_is_refused_from_its_header() -> None:
    report = check_photo(photos.hostile()["bomb"])
    assert report.get("dimensions").measured == [60000, 60000]
    assert "not decoded" in report.get("decode").message_en


def test_truncated_jpeg_says_so() -> None:
    report = check_photo(photos.hostile()["truncated"])
    assert report.get("file_type").passed is True
    assert "incomplete" in report.get("decode").message_en and "不完整" in report.get("decode").message


def test_greyscale_jpeg_fails_colour_depth() -> None:
    grey = cv2.cvtColor(photos.compose("biden"), cv2.COLOR_BGR2GRAY)
    report = check_photo(cv2.imencode(".jpg", grey, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes())
    depth = report.get("colour_depth")
    assert depth.passed is False and depth.measured == 8 and "24 位" in depth.message
    assert {"colour", "background_colour"} <= set(report.failed)  # a grey picture breaks those rules too


def test_corrupted_bytes_never_raise() -> None:
    good = photos.compliant("astronaut")
    rng = np.random.default_rng(11)
    for _ in range(25):
        data = bytearray(good)
        for i in rng.integers(2, len(data), 12):
            data[int(i)] = int(rng.integers(0, 256))
        report = check_photo(bytes(data))
        assert [c.code for c in report.checks] == list(CODES)
