"""Make-up shoots (补拍) through the station API with the real photo checks and the identity guard (issue 11, rule
c): a student already photographed is checked in again only with a make-up certificate the school issued after
that photo (roster's `roster.certificate.issued`, which capture records on its subject), and a make-up photo whose
face does not match the student's earlier photo is a `makeup_mismatch` anomaly that keeps the student out of the
delivery package until the agency resolves it; the same face on the make-up photo raises nothing."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.capture.support import demo_stations, jpeg
from tests.support.api import Api, wait_until

CAPTURE = "/api/capture/v1"
ROSTER = "/api/roster/v1"


@pytest.fixture(scope="module")
def system(embedded: Api) -> dict[str, Any]:
    one, two = (s["id"] for s in demo_stations(embedded))
    approved = embedded.get(f"{ROSTER}/students", "school10403", params={"review_status": "approved"}).json()["items"]
    assert len(approved) >= 4
    return {"api": embedded, "one": one, "two": two, "students": [s["id"] for s in approved[1:4]]}


def _pass(system: dict[str, Any], student: int) -> str:
    response = system["api"].get(f"{ROSTER}/students/{system['students'][student]}/pass", "school10403")
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def _check_in(system: dict[str, Any], station: str, student: int) -> httpx.Response:
    return system["api"].post(f"{CAPTURE}/checkins", "photographer",
                              json={"station": station, "pass": _pass(system, student)})


def _shoot(system: dict[str, Any], checkin: dict[str, Any], data: bytes) -> dict[str, Any]:
    """Upload one photo to an open check-in (it must pass the checks) and close the check-in."""
    api = system["api"]
    response = api.post(f"{CAPTURE}/checkins/{checkin['id']}/photos", "photographer",
                        files={"file": ("IMG.jpg", data, "image/jpeg")})
    assert response.status_code == 201 and response.json()["accepted"], response.text
    assert api.post(f"{CAPTURE}/checkins/{checkin['id']}/close", "photographer", json={}).status_code == 200
    return dict(response.json())


def _first_shot(system: dict[str, Any], student: int, data: bytes) -> dict[str, Any]:
    # The student reaches capture through roster's events: retry until capture knows them.
    checkin = wait_until(lambda: (r := _check_in(system, system["one"], student)).status_code == 201 and r)
    return _shoot(system, checkin.json(), data)


def _certify(system: dict[str, Any], student: int, subject_key: str) -> datetime:
    """The school issues a make-up certificate; wait until capture has recorded it on the subject."""
    api = system["api"]
    issued = api.post(f"{ROSTER}/students/{system['students'][student]}/certificates", "school10403")
    assert issued.status_code == 201, issued.text
    at = datetime.fromisoformat(issued.json()["issued_at"])

    def recorded() -> bool:
        subjects = api.get(f"{CAPTURE}/subjects", "photographer", params={"school_code": "10403"}).json()["items"]
        [row] = [s for s in subjects if s["subject_key"] == subject_key]
        return row["makeup_certified_at"] is not None and datetime.fromisoformat(row["makeup_certified_at"]) >= at

    wait_until(recorded)
    return at


def _anomalies(api: Api, **params: str) -> list[dict[str, Any]]:
    response = api.get(f"{CAPTURE}/anomalies", "agency", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _package(api: Api) -> tuple[dict[str, Any], dict[str, str]]:
    """A fresh delivery package of 南昌大学 (proofreading closed, so only anomalies hold anyone back): its detail
    and its manifest (file name by capture key -> SHA-256 of the standard photo delivered)."""
    deadline = api.client.put(f"{CAPTURE}/proofreading/deadline", headers=api.as_user("agency"), json={
        "school_code": "10403", "term": "2026-06", "deadline": "2026-01-01T00:00:00+08:00"})
    assert deadline.status_code == 200, deadline.text
    created = api.post(f"{CAPTURE}/deliveries", "school10403", json={
        "school_code": "10403", "term": "2026-06", "naming": "capture_key", "rebuild": True})
    assert created.status_code in (200, 201), created.text
    package = wait_until(lambda: (d := api.get(f"{CAPTURE}/deliveries/{created.json()['id']}", "school10403")
                                  .json())["status"] in ("ready", "failed") and d, timeout=30)
    assert package["status"] == "ready", package
    link = api.get(f"{CAPTURE}/deliveries/{package['id']}/download", "school10403").json()
    with zipfile.ZipFile(io.BytesIO(api.client.get(link["url"]).content)) as archive:
        manifest = archive.read("SHA256SUMS.txt").decode()
    files = {name: digest for digest, name in (line.split("  ", 1) for line in manifest.splitlines())}
    return package, files


def _held_back(package: dict[str, Any]) -> set[str]:
    return {row["subject_key"] for row in package["left_out"] if row["reason"] == "open_anomaly"}


def test_a_photographed_student_comes_back_only_with_a_certificate_issued_after_the_photo(
        system: dict[str, Any]) -> None:
    api = system["api"]
    key = api.get(f"{ROSTER}/students/{system['students'][0]}/pass", "school10403").json()["subject_key"]
    wait_until(lambda: _check_in(system, system["one"], 0).status_code == 201)  # capture knows the student
    front = api.get(f"{CAPTURE}/stations/{system['one']}", "photographer").json()["front"]
    _certify(system, 0, key)  # issued while the student is at the camera: before the photo, so it does not count
    photo = _shoot(system, front, jpeg(41, name="astronaut"))
    assert photo["subject_key"] == key

    refused = _check_in(system, system["two"], 0)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "makeup_certificate_required" and "补拍证明" in problem["message_zh"]
    assert "make-up certificate" in problem["message_en"]

    _certify(system, 0, key)
    again = _check_in(system, system["two"], 0)
    assert again.status_code == 201, again.text
    assert again.json()["subject"]["subject_key"] == key
    makeup = _shoot(system, again.json(), jpeg(42, name="astronaut"))
    assert makeup["version"] == photo["version"] + 1

    # The certificate was used by the make-up photo: a third check-in needs a newer one.
    assert _check_in(system, system["one"], 0).json()["code"] == "makeup_certificate_required"
    # Another school's staff do not see the student (nor their certificate time).
    other = api.get(f"{CAPTURE}/subjects", "school10405").json()["items"]
    assert all(s["subject_key"] != key for s in other)


def _make_up(system: dict[str, Any], student: int, before: bytes, after: bytes) -> tuple[dict[str, Any], ...]:
    """A student photographed, certified by the school, then checked in again and photographed at a make-up
    shoot: (first photo, make-up check-in, make-up photo)."""
    first = _first_shot(system, student, before)
    _certify(system, student, first["subject_key"])
    checkin = _check_in(system, system["one"], student)
    assert checkin.status_code == 201, checkin.text
    return first, checkin.json(), _shoot(system, checkin.json(), after)


def test_a_make_up_photo_of_someone_else_is_flagged_and_held_back_until_resolved(system: dict[str, Any]) -> None:
    api = system["api"]
    same, _, _ = _make_up(system, 2, jpeg(61, name="obama"), jpeg(62, name="obama2"))  # another photo, same man
    first, checkin, makeup = _make_up(system, 1, jpeg(51, name="biden"), jpeg(52, name="hopper"))
    key = first["subject_key"]

    flag = wait_until(lambda: next((a for a in _anomalies(api, status="open")
                                    if a["kind"] == "makeup_mismatch" and a["subject_key"] == key), None))
    assert flag["photo_id"] == makeup["id"] and flag["checkin_id"] == checkin["id"]
    assert flag["reported_by"] == "identity-guard"
    assert "distance" in flag["detail"] and first["id"] in flag["detail"]  # names the earlier photo compared
    assert api.get(f"{CAPTURE}/anomalies", "school10405").json()["items"] == []  # another school sees nothing
    # The guard runs one photo at a time in order, so the same-face make-up was judged before this one: no flag.
    assert not any(same["subject_key"] in (a["subject_key"], a["other_subject_key"]) for a in _anomalies(api))
    assert [a["kind"] for a in _anomalies(api) if key in (a["subject_key"], a["other_subject_key"])] == \
        ["makeup_mismatch"]

    package, files = _package(api)
    assert key in _held_back(package) and same["subject_key"] not in _held_back(package)
    assert not any(name.startswith(key) for name in files)

    resolved = api.post(f"{CAPTURE}/anomalies/{flag['id']}/resolve", "agency",
                        json={"resolution": "现场核对证件，补拍者为本人（此前照片由学校更正）"})
    assert resolved.status_code == 200, resolved.text
    package, files = _package(api)
    assert key not in {row["subject_key"] for row in package["left_out"]}
    [delivered] = [digest for name, digest in files.items() if name.startswith(key)]
    assert delivered == makeup["standard_sha256"]  # the make-up photo, the latest version, goes in
