"""Delivery packages end to end on the embedded system: photographed students of 南昌大学 go into a zip named by
身份证号 (joined inside roster), 学号 or capture's key, with an index (xlsx + csv) and a SHA-256 manifest; who is
left out says why; and the hostile cases: path-like, NUL and colliding names, a package of nothing, concurrent
requests, a retake after the request, forged service calls to roster's file-name join. Capture's database never
holds an ID number."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import col
from structlog.testing import capture_logs

from services.capture.delivery.archive import INDEX_CSV, INDEX_XLSX, MANIFEST
from services.capture.delivery.naming import Left, name_files
from services.gateway.app import create_gateway
from services.kernel import service_auth
from services.kernel.tenancy import Principal, Role
from tests.capture.support import demo_stations, jpeg
from tests.conftest import embedded_settings
from tests.support.api import DEMO_STUDENT, Api, wait_until

CAPTURE = "/api/capture/v1"
FILE_NAMES = "/api/roster/v1/delivery/file-names"


def _students(api: Api, n: int) -> list[dict[str, Any]]:
    """The first n approved students of XG2301 with their full roster records (the school admin may see them)."""
    rows = api.get("/api/roster/v1/students", "school10403",
                   params={"review_status": "approved", "limit": 100}).json()["items"]
    rows = sorted((r for r in rows if r["student_no"].startswith("20230901")), key=lambda r: r["student_no"])
    return [api.get(f"/api/roster/v1/students/{r['id']}", "school10403").json() for r in rows[:n]]


def _app(api: Api, service: str) -> Any:
    """One service's app inside the embedded gateway (for what no HTTP API offers: its settings, its issuer)."""
    return cast(Any, api.client).app.apps[service]


def _check_in(api: Api, station: str, student: dict[str, Any]) -> dict[str, Any]:
    token = api.get(f"/api/roster/v1/students/{student['id']}/pass", "school10403").json()["token"]
    return dict(wait_until(lambda: (r := api.post(f"{CAPTURE}/checkins", "photographer",
                                                  json={"station": station, "pass": token})).status_code == 201
                           and r.json()))


def _upload(api: Api, checkin: str, seed: int) -> dict[str, Any]:
    response = api.post(f"{CAPTURE}/checkins/{checkin}/photos", "photographer",
                        files={"file": ("a.jpg", jpeg(seed), "image/jpeg")})
    assert response.status_code == 201 and response.json()["accepted"], response.text
    return dict(response.json())


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The embedded system without the face mix-up guard: the test portraits show four people (three of them
    Obama), so the guard would rightly flag most of these seven students and hold them back; the guard's own effect
    on delivery is tested in tests/capture/test_photo_guard.py."""
    settings = embedded_settings(tmp_path_factory.mktemp("delivery"), capture_identity_guard=False)
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
        yield Api(client)


@pytest.fixture(scope="module")
def day(embedded: Api) -> dict[str, Any]:
    """Six students photographed (the sixth also scanned at a second station: an open anomaly), a seventh still
    in front of the camera with one accepted photo."""
    api = embedded
    one, two = (str(s["id"]) for s in demo_stations(api))
    students = _students(api, 7)
    keys: list[str] = []
    photos: list[dict[str, Any]] = []
    for n, student in enumerate(students):
        checkin = _check_in(api, one, student)
        keys.append(checkin["subject"]["subject_key"])
        if n == 5:
            flagged = api.post(f"{CAPTURE}/checkins", "photographer",
                               json={"station": two, "pass": api.get(
                                   f"/api/roster/v1/students/{student['id']}/pass", "school10403").json()["token"]})
            assert flagged.json()["code"] == "checkin_open_elsewhere"
        photos.append(_upload(api, checkin["id"], 100 + n))
        if n < 6:
            assert api.post(f"{CAPTURE}/checkins/{checkin['id']}/close", "photographer", json={}).status_code == 200
        else:
            open_checkin = checkin["id"]
    _deadline(api, "2026-01-01T00:00:00+08:00")  # proofreading is over: unconfirmed photos go in too
    return {"api": api, "students": students, "keys": keys, "photos": photos, "open_checkin": open_checkin}


def _deadline(api: Api, at: str) -> None:
    response = api.client.put(f"{CAPTURE}/proofreading/deadline", headers=api.as_user("agency"),
                              json={"school_code": "10403", "term": "2026-06", "deadline": at})
    assert response.status_code == 200, response.text


def _request(api: Api, user: str = "school10403", **body: Any) -> Any:
    return api.post(f"{CAPTURE}/deliveries", user, json={"school_code": "10403", "term": "2026-06", **body})


def _ready(api: Api, package_id: str) -> dict[str, Any]:
    return dict(wait_until(lambda: (d := api.get(f"{CAPTURE}/deliveries/{package_id}", "school10403").json())[
        "status"] in ("ready", "failed", "cancelled", "superseded") and d, timeout=30))


def _zip(api: Api, package_id: str) -> zipfile.ZipFile:
    link = api.get(f"{CAPTURE}/deliveries/{package_id}/download", "school10403")
    assert link.status_code == 200, link.text
    body = link.json()
    assert body["expires_in"] <= 300 and "sig=" in body["url"]
    fetched = api.client.get(body["url"])
    assert fetched.headers["cache-control"] == "private, no-store"  # every photo of a school: cached nowhere
    data = fetched.content
    assert hashlib.sha256(data).hexdigest() == body["sha256"]
    assert api.client.get(body["url"].replace("sig=", "sig=0")).status_code == 403  # links are signed
    return zipfile.ZipFile(io.BytesIO(data))


def _manifest_holds(archive: zipfile.ZipFile) -> dict[str, str]:
    """The manifest's hashes, each checked against the entry it names."""
    lines = archive.read(MANIFEST).decode().splitlines()
    hashes = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    for name, digest in hashes.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    assert set(hashes) | {MANIFEST} == set(archive.namelist())
    return hashes


def _csv_rows(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(INDEX_CSV).decode("utf-8-sig"))))


def test_a_package_named_by_id_number_joins_the_numbers_inside_roster(day: dict[str, Any]) -> None:
    api, students, photos = day["api"], day["students"], day["photos"]
    with capture_logs() as logs:
        created = _request(api, naming="id_number", rebuild=True)
        assert created.status_code == 201, created.text
        package = _ready(api, created.json()["id"])
    assert any(e["event"] == "delivery_package_ready" for e in logs)
    for student in students:  # the numbers crossed the logs of neither service
        assert student["id_number"] not in repr(logs)
    assert package["status"] == "ready", package
    assert package["progress"]["done"] == package["progress"]["total"] == package["included"]
    archive = _zip(api, package["id"])
    hashes = _manifest_holds(archive)
    in_package = {f"{s['id_number']}.jpg" for s in students[:5]} | {f"{students[6]['id_number']}.jpg"}
    assert {n for n in archive.namelist() if n.endswith(".jpg")} == in_package
    for student, photo in zip(students, photos, strict=True):
        name = f"{student['id_number']}.jpg"
        if name in in_package:
            assert hashes[name] == photo["standard_sha256"]
    # The sixth student has an open anomaly: left out, and the index says why; so are the unphotographed.
    left = {x["subject_key"]: x["reason"] for x in package["left_out"]}
    assert left[day["keys"][5]] == Left.OPEN_ANOMALY
    assert sum(1 for r in left.values() if r == Left.NOT_PHOTOGRAPHED) == package["excluded"] - 1
    rows = _csv_rows(archive)
    assert [r["序号"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert len(rows) == package["included"] + package["excluded"]
    flagged = [r for r in rows if r["说明"] == "存在未处理的异常"]
    assert len(flagged) == 1 and flagged[0]["文件名"] == "" and "*" in flagged[0]["姓名"]
    assert all("*" in r["姓名"] for r in rows)  # masked names only
    sheet = load_workbook(io.BytesIO(archive.read(INDEX_XLSX))).active
    assert sheet is not None and sheet.max_row == len(rows) + 1


def test_capture_never_stores_an_id_number(day: dict[str, Any], tmp_path: Path) -> None:
    """The numbers reached capture only in the job's memory and the zip: not its database or the job's record."""
    api, students = day["api"], day["students"]
    ctx = _app(api, "capture").state.ctx
    url = str(ctx.engine.url)
    assert url.startswith("sqlite:///")
    ctx.engine.dispose()
    raw = b"".join(p.read_bytes() for p in Path(url.removeprefix("sqlite:///")).parent.glob("capture.db*"))
    for student in students:
        assert student["id_number"].encode() not in raw


def _set_student_nos(api: Api, changes: dict[str, str]) -> None:
    """Roster's values as a careless import could leave them (the HTTP API validates 学号; a legacy row may not)."""
    from services.roster.models import Student

    with _app(api, "roster").state.ctx.transaction() as uow:
        for student_id, value in changes.items():
            uow.session.execute(update(Student).where(col(Student.id) == student_id).values(student_no=value))


def test_path_like_nul_and_colliding_student_numbers_are_left_out_never_written(day: dict[str, Any]) -> None:
    api, students, keys = day["api"], day["students"], day["keys"]
    originals = {s["id"]: s["student_no"] for s in students[:4]}
    _set_student_nos(api, dict(zip(originals, ["../../x", "x\x00y", "ZX0001", "zx0001"], strict=True)))
    try:
        created = _request(api, naming="student_no")
        assert created.status_code == 201, created.text
        package = _ready(api, created.json()["id"])
    finally:
        _set_student_nos(api, originals)
    assert package["status"] == "ready", package
    archive = _zip(api, package["id"])
    _manifest_holds(archive)
    for name in archive.namelist():
        assert "/" not in name and "\\" not in name and ".." not in name and "\x00" not in name
    photos = sorted(n for n in archive.namelist() if n.endswith(".jpg"))
    assert photos == sorted(f"{s['student_no']}.jpg" for s in (students[4], students[6]))
    left = {x["subject_key"]: x["reason"] for x in package["left_out"]}
    assert [left[k] for k in keys[:4]] == [Left.UNSAFE_NAME, Left.UNSAFE_NAME, Left.DUPLICATE_NAME,
                                          Left.DUPLICATE_NAME]


def test_names_are_plain_file_names_or_left_out() -> None:
    named = name_files({"a": "../../x", "b": "x\x00y", "c": "ZX01", "d": "zx01", "e": None, "f": "3601X",
                        "g": "a/b", "h": "é", "i": ".", "j": "x" * 65, "k": "2023-01_9"})
    assert named.names == {"f": "3601X.jpg", "k": "2023-01_9.jpg"}
    assert named.left == {"a": Left.UNSAFE_NAME, "b": Left.UNSAFE_NAME, "c": Left.DUPLICATE_NAME,
                          "d": Left.DUPLICATE_NAME, "e": Left.NO_NAME, "g": Left.UNSAFE_NAME,
                          "h": Left.UNSAFE_NAME, "i": Left.UNSAFE_NAME, "j": Left.UNSAFE_NAME}


def test_a_package_of_no_photos_is_an_index_and_a_manifest(day: dict[str, Any]) -> None:
    api = day["api"]
    created = _request(api, term="2019-06", naming="capture_key")
    assert created.status_code == 201, created.text
    package = _ready(api, created.json()["id"])
    assert (package["status"], package["included"], package["excluded"]) == ("ready", 0, 0)
    archive = _zip(api, package["id"])
    assert set(archive.namelist()) == {INDEX_CSV, INDEX_XLSX, MANIFEST}
    _manifest_holds(archive)
    assert _csv_rows(archive) == []


def test_concurrent_requests_make_one_package(day: dict[str, Any]) -> None:
    api = day["api"]
    barrier = threading.Barrier(6)
    answers: list[Any] = []

    def ask() -> None:
        barrier.wait()
        answers.append(_request(api, naming="capture_key"))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {200, 201, 409}, [a.text for a in answers]
    assert statuses.count(201) <= 1
    ids = {a.json()["id"] for a in answers if a.status_code in (200, 201)}
    assert len(ids) == 1, answers
    assert all(a.json()["code"] == "delivery_in_progress" for a in answers if a.status_code == 409)
    package = _ready(api, ids.pop())
    assert package["status"] == "ready"
    # Asked again with nothing changed: the same ready package, not another one.
    again = _request(api, naming="capture_key")
    assert again.status_code == 200 and again.json()["id"] == package["id"]


def test_a_retake_after_the_request_does_not_change_the_package(day: dict[str, Any]) -> None:
    api, key = day["api"], day["keys"][6]
    first = _request(api, naming="capture_key", rebuild=True)
    assert first.status_code in (200, 201), first.text
    before = next(p for p in [day["photos"][6]])
    retake = _upload(api, day["open_checkin"], 999)  # a new accepted version while the package is being made
    assert retake["version"] == before["version"] + 1
    package = _ready(api, first.json()["id"])
    hashes = _manifest_holds(_zip(api, package["id"]))
    assert hashes[f"{key}.jpg"] == before["standard_sha256"]
    old_link = api.get(f"{CAPTURE}/deliveries/{package['id']}/download", "school10403").json()["url"]
    # A new request sees the retake: its content differs, so it is a new package with the new version.
    second = _request(api, naming="capture_key")
    assert second.status_code == 201 and second.json()["id"] != package["id"]
    assert _manifest_holds(_zip(api, _ready(api, second.json()["id"])["id"]))[f"{key}.jpg"] == retake[
        "standard_sha256"]
    # Only the newest zip is kept: the older one is deleted and says it was superseded.
    assert _ready(api, package["id"])["status"] == "superseded"
    assert api.get(f"{CAPTURE}/deliveries/{package['id']}/download", "school10403").json()[
        "code"] == "delivery_not_ready"
    assert api.client.get(old_link).status_code == 404


def test_requests_are_validated(day: dict[str, Any]) -> None:
    api = day["api"]
    for body in ({"naming": "full_name"}, {"term": "2026-6"}, {"school_code": "10403/../x"},
                 {"term": "2026-06" * 100}):
        assert _request(api, **body).status_code == 422, body
    assert _request(api, "photographer").status_code == 403
    assert _request(api, "school10405").json()["code"] == "school_out_of_scope"
    missing = api.get(f"{CAPTURE}/deliveries/nope", "school10403")
    assert missing.status_code == 404 and missing.json()["code"] == "delivery_not_found"


def _signed(api: Api, body: bytes, service: str = "capture", at: int | None = None, path: str = FILE_NAMES,
            key: bytes | None = None) -> Any:
    settings = _app(api, "roster").state.ctx.settings
    headers = {"Content-Type": "application/json",
               **service_auth.sign(key or settings.signing_key(), service, "POST", path, body, at)}
    return api.client.post(FILE_NAMES, content=body, headers=headers)


def test_roster_answers_file_names_only_to_capture_or_the_agency(day: dict[str, Any]) -> None:
    api, keys, students = day["api"], day["keys"], day["students"]
    body = {"school_code": "10403", "naming": "id_number", "subject_keys": [keys[0], "S-NOT-A-KEY"]}
    raw = __import__("json").dumps(body).encode()
    ok = _signed(api, raw)
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"names": [{"subject_key": keys[0], "stem": students[0]["id_number"]}],
                         "unknown": ["S-NOT-A-KEY"]}
    assert ok.headers["cache-control"] == "no-store"
    agency = api.post(FILE_NAMES, "agency", json={**body, "naming": "student_no"})
    assert agency.json()["names"][0]["stem"] == students[0]["student_no"]
    for user in ("school10403", "province", "photographer", "school10405"):
        assert api.post(FILE_NAMES, user, json=body).status_code == 403, user
    assert api.post(FILE_NAMES, json=body).status_code == 401
    # Forged: another body under a captured signature, a stale time, a caller it does not serve, a wrong key.
    settings = _app(api, "roster").state.ctx.settings
    headers = service_auth.sign(settings.signing_key(), "capture", "POST", FILE_NAMES, raw)
    other = __import__("json").dumps({**body, "school_code": "10405"}).encode()
    swapped = api.client.post(FILE_NAMES, content=other, headers={**headers, "Content-Type": "application/json"})
    assert swapped.status_code == 401 and swapped.json()["code"] == "service_call_invalid"
    assert _signed(api, raw, at=1).json()["code"] == "service_call_expired"
    assert _signed(api, raw, service="payments").json()["code"] == "service_call_invalid"
    assert _signed(api, raw, key=b"k" * 32).json()["code"] == "service_call_invalid"
    too_many = __import__("json").dumps({**body, "subject_keys": ["S"] * 5001}).encode()
    assert _signed(api, too_many).status_code == 422
    audit = api.get("/api/roster/v1/audit", "school10403", params={"target_type": "school", "target_id": "10403"})
    given = [e for e in audit.json()["items"] if e["action"] == "delivery.file_names"]
    assert {(e["actor"], e["actor_role"]) for e in given} >= {("capture", "service"), ("agency", "agency_admin")}
    assert students[0]["id_number"] not in audit.text
    # The agency of another province is refused the school.
    issuer = _app(api, "roster").state.issuer
    stranger = issuer.issue(Principal(subject="x", role=Role.AGENCY_ADMIN, username="agency11", province="11"))
    refused = api.client.post(FILE_NAMES, json=body, headers={"Authorization": f"Bearer {stranger}"})
    assert refused.status_code == 403 and refused.json()["code"] == "school_out_of_scope"


def test_progress_by_college_and_class(day: dict[str, Any]) -> None:
    api = day["api"]
    response = api.get(f"{CAPTURE}/progress", "school10403")
    assert response.status_code == 200, response.text
    body = response.json()
    xg = next(c for c in body["classes"] if c["class_no"] == "XG2301")
    assert xg["approved"] == 30 and xg["checked_in"] >= 7 and xg["photographed"] >= 7 and xg["confirmed"] >= 0
    assert body["totals"]["approved"] == sum(c["approved"] for c in body["classes"])
    assert body["totals"]["confirmed"] == sum(c["confirmed"] for c in body["classes"])
    assert api.get(f"{CAPTURE}/progress", "agency", params={"school_code": "10403"}).json() == body
    assert api.get(f"{CAPTURE}/progress", "agency").json()["code"] == "school_required"
    assert api.get(f"{CAPTURE}/progress", "school10405", params={"school_code": "10403"}).status_code == 403
    assert api.get(f"{CAPTURE}/progress", "school10405").json()["classes"] == []
    assert api.get(f"{CAPTURE}/progress", "school10403", params={"school_code": "1' OR 1=1"}).status_code == 422


def test_another_province_sees_nothing(day: dict[str, Any]) -> None:
    api = day["api"]
    package = api.get(f"{CAPTURE}/deliveries", "school10403").json()["items"][0]
    issuer = _app(api, "roster").state.issuer
    for role in (Role.AGENCY_ADMIN, Role.PROVINCE_REVIEWER):
        token = issuer.issue(Principal(subject="x", role=role, username="other", province="11"))
        headers = {"Authorization": f"Bearer {token}"}
        assert api.client.get(f"{CAPTURE}/deliveries", headers=headers).json()["items"] == []
        assert api.client.get(f"{CAPTURE}/deliveries/{package['id']}", headers=headers).status_code == 404
        progress = api.client.get(f"{CAPTURE}/progress", params={"school_code": "10403"}, headers=headers)
        assert progress.json()["classes"] == []
    token = issuer.issue(Principal(subject="x", role=Role.AGENCY_ADMIN, username="other", province="11"))
    asked = api.client.post(f"{CAPTURE}/deliveries", headers={"Authorization": f"Bearer {token}"},
                            json={"school_code": "10403", "term": "2026-06"})
    assert asked.status_code == 404 and asked.json()["code"] == "school_not_found"


def test_a_cancelled_package_says_so_and_frees_the_school(day: dict[str, Any]) -> None:
    """The capture job runner is paused so the package stays queued (no race with the job): cancelled through the
    kernel's job API, the package shows it, and a new request for the same school and term is accepted."""
    api = day["api"]
    runner = _app(api, "capture").state.ctx.jobs
    portal = cast(Any, api.client).portal
    portal.call(runner.stop)
    try:
        queued = _request(api, naming="student_no", rebuild=True)
        assert queued.status_code == 201, queued.text
        package = queued.json()
        assert package["status"] == "queued"
        blocked = _request(api, naming="student_no", rebuild=True)
        assert blocked.status_code == 200 and blocked.json()["id"] == package["id"]  # one at a time
        assert api.get(f"{CAPTURE}/deliveries/{package['id']}/download", "school10403").json()[
            "code"] == "delivery_not_ready"
        assert api.post(f"{CAPTURE}/jobs/{package['job_id']}/cancel", "school10405").status_code == 404
        cancelled = api.post(f"{CAPTURE}/jobs/{package['job_id']}/cancel", "school10403")
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled", cancelled.text
        after = api.get(f"{CAPTURE}/deliveries/{package['id']}", "school10403").json()
        assert (after["status"], after["error_code"]) == ("cancelled", "cancelled")
        again = _request(api, naming="student_no", rebuild=True)
        assert again.status_code == 201 and again.json()["id"] != package["id"]
    finally:
        portal.call(runner.start)
    assert _ready(api, again.json()["id"])["status"] == "ready"


def test_an_anomaly_raised_after_the_request_still_keeps_the_student_out(day: dict[str, Any]) -> None:
    """Fixed content never overrides the rule: an anomaly raised while the package waits is checked again by the
    job. (The runner is paused so the anomaly lands between request and job.)"""
    api, key = day["api"], day["keys"][0]
    runner = _app(api, "capture").state.ctx.jobs
    portal = cast(Any, api.client).portal
    portal.call(runner.stop)
    try:
        queued = _request(api, naming="capture_key", rebuild=True)
        assert queued.status_code == 201, queued.text
        late = api.post(f"{CAPTURE}/checkins/{day['photos'][0]['checkin_id']}/photos", "photographer",
                        files={"file": ("late.jpg", jpeg(31337), "image/jpeg")})
        assert late.json()["code"] == "checkin_closed"  # recorded as an open anomaly naming the student
    finally:
        portal.call(runner.start)
    package = _ready(api, queued.json()["id"])
    assert {x["subject_key"]: x["reason"] for x in package["left_out"]}[key] == Left.OPEN_ANOMALY
    assert f"{key}.jpg" not in _zip(api, package["id"]).namelist()
    for anomaly in api.get(f"{CAPTURE}/anomalies", "agency", params={"status": "open"}).json()["items"]:
        if anomaly["subject_key"] == key:
            api.post(f"{CAPTURE}/anomalies/{anomaly['id']}/resolve", "agency", json={"resolution": "核实无误"})


def test_before_the_deadline_only_confirmed_photos_go_in(day: dict[str, Any]) -> None:
    """The proofreading filter: with the deadline ahead, a photo goes in once its student confirmed it (正确); the
    others are left out as not confirmed, and the progress page counts the confirmation."""
    api, keys = day["api"], day["keys"]
    _deadline(api, "2099-01-01T00:00:00+08:00")
    try:
        confirmed = api.post(f"{CAPTURE}/proofreading/me/confirm", DEMO_STUDENT)  # students[0] is the demo student
        assert confirmed.status_code == 200, confirmed.text
        created = _request(api, naming="capture_key")
        assert created.status_code == 201, created.text
        package = _ready(api, created.json()["id"])
        names = {n for n in _zip(api, package["id"]).namelist() if n.endswith(".jpg")}
        assert names == {f"{keys[0]}.jpg"}
        left = {x["subject_key"]: x["reason"] for x in package["left_out"]}
        assert all(left[k] == Left.NOT_CONFIRMED for k in (keys[1], keys[2], keys[3], keys[4], keys[6]))
        xg = next(c for c in api.get(f"{CAPTURE}/progress", "school10403").json()["classes"]
                  if c["class_no"] == "XG2301")
        assert xg["confirmed"] >= 1
    finally:
        _deadline(api, "2026-01-01T00:00:00+08:00")
