"""Photo ingest through the station API with the real photo checks and the identity guard: hostile files are
refused from their header before any decoding, a photo that fails a check is a 201 with accepted=false and the
verdicts (the photographer may override it with an audited reason), and a face that turns up under two students,
or a retake that shows someone else, raises an anomaly that an agency resolves with a reason."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from services.capture.photoqa.imaging import encode_jpeg
from tests.capture.support import demo_stations, jpeg
from tests.support.api import Api, wait_until
from tests.support.photos import compliant, hostile, variant

CAPTURE = "/api/capture/v1"


@pytest.fixture(scope="module")
def system(embedded: Api) -> dict[str, Any]:
    one, two = (s["id"] for s in demo_stations(embedded))
    approved = embedded.get("/api/roster/v1/students", "school10403",
                            params={"review_status": "approved"}).json()["items"]
    assert len(approved) >= 8
    return {"api": embedded, "one": one, "two": two, "students": [s["id"] for s in approved[1:8]]}


def check_in(system: dict[str, Any], station: str, student: int) -> dict[str, Any]:
    api = system["api"]
    token = api.get(f"/api/roster/v1/students/{system['students'][student]}/pass", "school10403").json()["token"]
    # The student reaches capture through roster's events: retry until capture knows them.
    response = wait_until(lambda: (r := api.post(f"{CAPTURE}/checkins", "photographer",
                                                 json={"station": station, "pass": token}))
                          .status_code in (200, 201) and r)
    return dict(response.json())


def upload(api: Api, checkin: str, data: bytes, name: str = "IMG.jpg", status: int = 201) -> dict[str, Any]:
    response = api.post(f"{CAPTURE}/checkins/{checkin}/photos", "photographer",
                        files={"file": (name, data, "image/jpeg")})
    assert response.status_code == status, response.text
    return dict(response.json())


@pytest.fixture(scope="module")
def open_checkin(system: dict[str, Any]) -> str:
    """A check-in left open at station two for the hostile uploads (station one is the identity tests')."""
    return str(check_in(system, system["two"], 6)["id"])


def failed(photo: dict[str, Any]) -> list[str]:
    return [c["code"] for c in photo["checks"] if c["passed"] is False]


def padded(data: bytes, size: int) -> bytes:
    """A JPEG comment after SOI so a tiny file gets past the bytes window and meets the next refusal."""
    body = size - len(data) - 4
    return data[:2] + b"\xff\xfe" + (body + 2).to_bytes(2, "big") + b"\x00" * body + data[2:]


def declaring(width: int, height: int) -> bytes:
    """A valid little JPEG whose frame header claims width×height: a decompression bomb's shape."""
    data = encode_jpeg(np.zeros((8, 8, 3), np.uint8), 80)
    sof = data.index(b"\xff\xc0")
    data = data[:sof + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[sof + 9:]
    return padded(data, 20 * 1024)


@pytest.mark.parametrize(("case", "data", "code"), [
    ("decompression bomb (60000×60000 declared)", hostile()["bomb"], "original_size"),
    ("padded decompression bomb", declaring(60000, 60000), "original_dimensions"),
    ("huge dimensions (12000×9000 declared)", declaring(12000, 9000), "original_dimensions"),
    ("truncated JPEG", compliant("obama")[: len(compliant("obama")) // 2], "original_intact"),
    ("PNG disguised as JPEG", variant("obama", "png"), "original_type"),
    ("random bytes", hostile()["random"], "original_type"),
    ("too small to frame", jpeg(5, size=(300, 400)), "original_dimensions"),
])
def test_hostile_files_are_refused_from_the_header_before_decoding(
        system: dict[str, Any], open_checkin: str, case: str, data: bytes, code: str) -> None:
    photo = upload(system["api"], open_checkin, data)
    assert not photo["accepted"], case
    assert failed(photo) == [code], case
    # Refused before decoding: no photoqa verdict, no standard output, nothing an override could accept.
    assert all(c["code"].startswith("original_") for c in photo["checks"]), case
    assert photo["standard_sha256"] is None
    refused = system["api"].post(f"{CAPTURE}/photos/{photo['id']}/override", "photographer",
                                 json={"reason": "现场确认无误"})
    assert refused.status_code == 409 and refused.json()["code"] == "photo_unusable"


def test_an_oversized_upload_is_refused_unread(system: dict[str, Any], open_checkin: str) -> None:
    photo = upload(system["api"], open_checkin, b"\xff\xd8\xff" + b"\x00" * (25 * 1024 * 1024), status=413)
    assert photo["code"] in {"payload_too_large", "photo_too_large"}  # the body limit or the route, unread


def test_a_failed_check_asks_for_a_retake_and_the_override_is_audited(
        system: dict[str, Any], open_checkin: str) -> None:
    api = system["api"]
    photo = upload(api, open_checkin, variant("obama", "wrong_background"))
    assert not photo["accepted"] and failed(photo) == ["background_colour"]
    verdict = next(c for c in photo["checks"] if c["code"] == "background_colour")
    assert "背景" in verdict["message"] and verdict["measured"]["delta_e"] > verdict["threshold"]["max_delta_e"]
    assert photo["standard_sha256"]  # framed: the photographer may still accept it
    reason = "白色背景经学校同意"
    overridden = api.post(f"{CAPTURE}/photos/{photo['id']}/override", "photographer", json={"reason": reason})
    assert overridden.status_code == 200, overridden.text
    assert overridden.json()["accepted"] and overridden.json()["overridden_by"] == "photographer"
    assert overridden.json()["override_reason"] == reason


def test_a_camera_original_is_framed_to_the_standard_photo(system: dict[str, Any], open_checkin: str) -> None:
    api = system["api"]
    photo = upload(api, open_checkin, jpeg(8, size=(900, 1200), name="obama2"))
    assert photo["accepted"], failed(photo)
    links = api.get(f"{CAPTURE}/photos/{photo['id']}", "photographer").json()
    standard = api.client.get(links["standard_url"]).content
    assert standard[:3] == b"\xff\xd8\xff" and 20 * 1024 <= len(standard) <= 40 * 1024
    checks = {c["code"]: c for c in photo["checks"]}
    assert checks["dimensions"]["measured"] == [480, 640] and checks["jpeg_baseline"]["passed"]


def _anomalies(api: Api, **params: str) -> list[dict[str, Any]]:
    response = api.get(f"{CAPTURE}/anomalies", "agency", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _shoot(system: dict[str, Any], student: int, *photos: bytes) -> list[dict[str, Any]]:
    """Check a student in at station one, upload the photos (a retake after the first), close the check-in."""
    api = system["api"]
    checkin = check_in(system, system["one"], student)
    stored = [upload(api, checkin["id"], data) for data in photos]
    assert all(p["accepted"] for p in stored), [failed(p) for p in stored]
    assert api.post(f"{CAPTURE}/checkins/{checkin['id']}/close", "photographer", json={}).status_code == 200
    return stored


def _held_back(api: Api) -> set[str]:
    """Who a delivery package of 南昌大学 leaves out for an open anomaly (proofreading closed, so nothing else)."""
    deadline = api.client.put(f"{CAPTURE}/proofreading/deadline", headers=api.as_user("agency"), json={
        "school_code": "10403", "term": "2026-06", "deadline": "2026-01-01T00:00:00+08:00"})
    assert deadline.status_code == 200, deadline.text
    created = api.post(f"{CAPTURE}/deliveries", "school10403", json={
        "school_code": "10403", "term": "2026-06", "naming": "capture_key", "rebuild": True})
    assert created.status_code in (200, 201), created.text
    package = wait_until(lambda: (d := api.get(f"{CAPTURE}/deliveries/{created.json()['id']}", "school10403")
                                  .json())["status"] in ("ready", "failed") and d, timeout=30)
    return {row["subject_key"] for row in package["left_out"] if row["reason"] == "open_anomaly"}


def test_one_face_under_two_students_is_flagged_and_resolved_with_a_reason(system: dict[str, Any]) -> None:
    api = system["api"]
    [first] = _shoot(system, 0, jpeg(21, name="hopper"))
    [second] = _shoot(system, 1, jpeg(22, name="hopper"))  # another seed: other bytes, the same face
    flag = wait_until(lambda: next((a for a in _anomalies(api, status="open")
                                    if a["kind"] == "face_on_two_students"), None))
    assert flag["subject_key"] == second["subject_key"] and flag["other_subject_key"] == first["subject_key"]
    assert flag["photo_id"] == second["id"] and flag["reported_by"] == "identity-guard"
    assert "distance" in flag["detail"]
    assert not any(a["subject_key"] == first["subject_key"] for a in _anomalies(api))  # the first face is fine
    assert api.get(f"{CAPTURE}/anomalies", "school10405").json()["items"] == []  # another school sees nothing
    assert _held_back(api) >= {first["subject_key"], second["subject_key"]}  # either photo could be the wrong one

    short = api.post(f"{CAPTURE}/anomalies/{flag['id']}/resolve", "agency", json={"resolution": ""})
    assert short.status_code == 422
    resolved = api.post(f"{CAPTURE}/anomalies/{flag['id']}/resolve", "agency",
                        json={"resolution": "核对为双胞胎，学校确认无误"})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved" and resolved.json()["resolved_by"]
    assert not any(a["id"] == flag["id"] for a in _anomalies(api, status="open"))
    again = api.post(f"{CAPTURE}/anomalies/{flag['id']}/resolve", "agency", json={"resolution": "再次处理"})
    assert again.status_code == 409 and again.json()["code"] == "anomaly_resolved"


def test_a_retake_showing_another_person_is_flagged(system: dict[str, Any]) -> None:
    """Faces of this module: obama (student 6, station two), hopper (students 0 and 1), astronaut and biden here."""
    api = system["api"]
    first, retake = _shoot(system, 2, jpeg(31, name="astronaut"), jpeg(32, name="biden"))
    assert retake["version"] == first["version"] + 1
    flag = wait_until(lambda: next((a for a in _anomalies(api, status="open")
                                    if a["kind"] == "retake_different_person"), None))
    assert flag["subject_key"] == retake["subject_key"] and flag["photo_id"] == retake["id"]
