"""Proofreading through the HTTP API on the embedded system with demo data: a student checked in with their pass,
photographed, sees the photo on their phone through a link that fetches the JPEG and expires, confirms it; a
retake puts it back to be proofread; "not me" raises an anomaly; roster records the capture. Then tenancy (a
student sees only their own, schools only theirs) and hostile input (notes, kinds, replays, concurrency)."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image
from sqlmodel import col, select

from services.capture.photos.storage import URL_LIFETIME
from services.kernel.blobstore import local as local_blobs
from tests.capture.support import demo_stations, jpeg
from tests.support.api import Api, wait_until

CAPTURE = "/api/capture/v1"
ME = f"{CAPTURE}/proofreading/me"
# Approved demo students of 南昌大学's class XG2301 (学号 2023090101 … 30): one per scenario, so they stay apart.
A, B, C, D, E = "2023090101", "2023090102", "2023090103", "2023090104", "2023090105"


class Student:
    """A demo student signed in on their phone: headers, capture pass and pseudonymous key."""

    def __init__(self, api: Api, student_no: str) -> None:
        [row] = api.get("/api/roster/v1/students", "school10403", params={"q": student_no}).json()["items"]
        self.id = row["id"]
        record = api.get(f"/api/roster/v1/students/{row['id']}", "school10403").json()
        token = api.client.post("/api/roster/v1/auth/student-token", json={
            "school_code": "10403", "student_no": student_no, "secret": record["id_number"][-6:]})
        assert token.status_code == 200, token.text
        self.api, self.headers = api, {"Authorization": f"Bearer {token.json()['access_token']}"}
        issued = api.client.get("/api/roster/v1/students/me/pass", headers=self.headers).json()
        self.pass_token, self.key = issued["token"], issued["subject_key"]

    def get(self, path: str = ME, **kwargs: Any) -> Any:
        return self.api.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.api.client.post(path, headers=self.headers, **kwargs)

    def confirm(self) -> Any:
        return self.post(f"{ME}/confirm")

    def report(self, kind: str, note: str = "") -> Any:
        return self.post(f"{ME}/report", json={"kind": kind, "note": note})


@pytest.fixture(scope="module")
def system(embedded: Api) -> dict[str, Any]:
    students = {no: Student(embedded, no) for no in (A, B, C, D, E)}
    keys = {s.key for s in students.values()}
    wait_until(lambda: keys <= {s["subject_key"] for s in
                                embedded.get(f"{CAPTURE}/subjects", "photographer").json()["items"]})
    return {"api": embedded, "stations": [s["id"] for s in demo_stations(embedded)], **students}


def check_in(api: Api, station: str, student: Student) -> str:
    response = api.post(f"{CAPTURE}/checkins", "photographer", json={"station": station, "pass": student.pass_token})
    assert response.status_code in {200, 201}, response.text
    return str(response.json()["id"])


def upload(api: Api, checkin: str, seed: int) -> dict[str, Any]:
    response = api.post(f"{CAPTURE}/checkins/{checkin}/photos", "photographer",
                        files={"file": ("shot.jpg", jpeg(seed), "image/jpeg")})
    assert response.status_code == 201 and response.json()["accepted"], response.text
    return dict(response.json())


def events(api: Api, type_: str, subject_key: str, service: str = "capture") -> list[dict[str, Any]]:
    """What a service's outbox holds (the events it published or is about to)."""
    ctx = api.client.app.apps[service].state.ctx  # type: ignore[attr-defined]
    outbox = ctx.spec.outbox
    with ctx.transaction() as uow:
        rows = uow.session.execute(select(outbox.c.payload).where(col(outbox.c.type) == type_)).scalars()
        return [p for p in rows if p["subject_key"] == subject_key]


def test_photographed_seen_on_the_phone_confirmed_retaken_and_recorded_by_roster(
        system: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    api, student = system["api"], system[A]
    before = student.get().json()
    assert before["state"] == "not_photographed" and before["photo"] is None and before["reports"] == []
    nothing = student.confirm()
    assert nothing.status_code == 409 and nothing.json()["code"] == "no_photo_to_proofread"

    checkin = check_in(api, system["stations"][0], student)
    photo = upload(api, checkin, 101)
    mine = student.get().json()
    assert mine["state"] == "to_proofread"
    assert (mine["photo"]["id"], mine["photo"]["version"]) == (photo["id"], 1)
    # The deadline by default: two weeks after the photo.
    assert datetime.fromisoformat(mine["deadline"]) - datetime.fromisoformat(photo["created_at"]) == timedelta(days=14)

    # The link fetches the standard 480×640 JPEG, expires within minutes and cannot be forged.
    url, expires = mine["photo"]["url"], datetime.fromisoformat(mine["photo"]["url_expires_at"])
    assert timedelta(0) < expires - datetime.now(UTC) <= URL_LIFETIME
    fetched = api.client.get(url)
    assert fetched.status_code == 200 and fetched.headers["content-type"] == "image/jpeg"
    assert fetched.headers["cache-control"] == "private, no-store"  # the phone's browser keeps no copy
    assert Image.open(io.BytesIO(fetched.content)).size == (480, 640)
    assert api.client.get(url.replace("sig=", "sig=0")).status_code == 403
    later = time.time() + URL_LIFETIME.total_seconds() + 5
    monkeypatch.setattr(local_blobs, "time", SimpleNamespace(time=lambda: later))
    assert api.client.get(url).status_code == 403
    monkeypatch.undo()

    confirmed = student.confirm()
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    again = student.confirm()  # replayed: the same answer, no second event
    assert again.status_code == 200 and again.json()["state"] == "confirmed"
    [event] = events(api, "capture.proof.confirmed", student.key)
    assert (event["photo_id"], event["version"]) == (photo["id"], 1)

    # Roster records the capture (for the term the student was approved for).
    wait_until(lambda: api.client.get("/api/roster/v1/students/me", headers=student.headers).json()
               ["captured_terms"] == ["2026-06"])

    # A retake is a new version: proofread again; a retake request is answered by the next version.
    upload(api, checkin, 102)
    assert student.get().json()["state"] == "to_proofread"
    asked = student.report("retake", "  眼睛闭上了  ")
    assert asked.status_code == 200, asked.text
    body = asked.json()
    assert body["state"] == "reported"
    [request] = body["reports"]
    assert (request["kind"], request["note"], request["state"], request["version"]) == ("retake", "眼睛闭上了",
                                                                                        "open", 2)
    rows = api.get(f"{CAPTURE}/proofreading", "photographer", params={"state": "reported"}).json()["items"]
    assert [r["open_reports"] for r in rows if r["subject_key"] == student.key] == [["retake"]]
    upload(api, checkin, 103)
    assert student.get().json()["state"] == "to_proofread"
    wait_until(lambda: student.get().json()["reports"][0]["state"] == "resolved")
    assert student.confirm().json()["photo"]["version"] == 3


def test_not_me_raises_an_anomaly_that_the_agency_resolves(system: dict[str, Any]) -> None:
    api, student = system["api"], system[B]
    checkin = check_in(api, system["stations"][1], student)
    photo = upload(api, checkin, 201)
    reported = student.report("not_me", "这不是我，是同学的照片")
    assert reported.status_code == 200 and reported.json()["state"] == "reported"
    [report] = reported.json()["reports"]
    assert report["kind"] == "not_me" and report["state"] == "open"
    replay = student.report("not_me", "再点一次")
    assert replay.status_code == 200 and [r["id"] for r in replay.json()["reports"]] == [report["id"]]

    mine = [a for a in api.get(f"{CAPTURE}/anomalies", "agency", params={"status": "open"}).json()["items"]
            if a["subject_key"] == student.key]
    assert [(a["kind"], a["checkin_id"]) for a in mine] == [("proof_not_me", checkin)]  # one, not two
    [event] = events(api, "capture.proof.reported", student.key)
    assert (event["kind"], event["photo_id"], event["anomaly_id"]) == ("not_me", photo["id"], mine[0]["id"])
    assert "这不是我" not in str(event)  # the note stays in capture

    resolved = api.post(f"{CAPTURE}/anomalies/{mine[0]['id']}/resolve", "agency", json={"resolution": "已核实，重拍"})
    assert resolved.status_code == 200, resolved.text
    wait_until(lambda: student.get().json()["reports"][0]["state"] == "resolved")


def test_the_school_sees_its_classes_and_no_student_sees_anothers(system: dict[str, Any]) -> None:
    api, a, b = system["api"], system[A], system[B]
    assert a.get().json()["photo"]["id"] != b.get().json()["photo"]["id"]
    assert all(r["kind"] == "retake" for r in a.get().json()["reports"])  # never B's not-me
    # A student may not read the school's views or set deadlines.
    for path in ("/proofreading", "/proofreading/summary", "/proofreading/reminders.csv"):
        assert a.get(f"{CAPTURE}{path}").status_code == 403
    assert a.api.client.put(f"{CAPTURE}/proofreading/deadline", headers=a.headers, json={
        "school_code": "10403", "term": "2026-06", "deadline": "2030-01-01T00:00:00+08:00"}).status_code == 403
    # Staff only: a photographer's or a school's token has no proofreading of its own.
    assert api.get(ME, "school10403").status_code == 403

    rows = api.get(f"{CAPTURE}/proofreading", "school10403", params={"school_code": "10403"}).json()["items"]
    by_key = {r["subject_key"]: r for r in rows}
    assert by_key[a.key]["state"] in {"confirmed", "to_proofread"} and by_key[b.key]["state"] == "reported"
    assert all("*" in r["masked_name"] and "*" in r["masked_id_number"] for r in rows)
    assert len(rows) == 58  # both approved classes of the demo
    assert api.get(f"{CAPTURE}/proofreading", "school10405", params={"school_code": "10403"}).json()["items"] == []
    assert api.get(f"{CAPTURE}/proofreading/summary", "school10405").json()["items"] == []
    monitor = api.get(f"{CAPTURE}/proofreading", "monitor10403").json()["items"]
    assert {r["class_no"] for r in monitor} == {"XG2301"} and a.key in {r["subject_key"] for r in monitor}

    summary = api.get(f"{CAPTURE}/proofreading/summary", "agency", params={"school_code": "10403"}).json()
    xg = next(c for c in summary["items"] if c["class_no"] == "XG2301")
    assert xg["students"] == 30 and xg["photographed"] == 2
    assert xg["confirmed"] + xg["reported"] + xg["to_proofread"] == xg["photographed"]
    assert xg["reported"] >= 1

    # Reminders: who still has to proofread, masked, as a CSV for Excel.
    c = system[C]
    upload(api, check_in(api, system["stations"][0], c), 301)
    csv_text = api.get(f"{CAPTURE}/proofreading/reminders.csv", "school10403").content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("院校代码,") and len(lines) >= 2
    assert all(line.count("*") >= 2 for line in lines[1:])
    assert api.get(f"{CAPTURE}/proofreading/reminders.csv", "school10405").content.decode("utf-8-sig"
                                                                                          ).strip().count("\n") == 0


@pytest.mark.parametrize("body", [
    {"kind": "retake", "note": "长" * 201},  # oversized
    {"kind": "retake"},  # missing note
    {"kind": "maybe", "note": ""},  # wrong kind
    {"kind": ["retake"], "note": ""},
    {"note": "x"},
])
def test_malformed_reports_are_refused(system: dict[str, Any], body: dict[str, Any]) -> None:
    response = system[C].post(f"{ME}/report", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_nothing_to_confirm_or_report_without_a_photo(system: dict[str, Any]) -> None:
    student = system[D]
    for response in (student.confirm(), student.report("not_me", "")):
        assert response.status_code == 409 and response.json()["code"] == "no_photo_to_proofread"
    assert student.get().json()["state"] == "not_photographed"


def test_concurrent_confirms_confirm_once(system: dict[str, Any]) -> None:
    api, student = system["api"], system[E]
    upload(api, check_in(api, system["stations"][1], student), 501)
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: student.confirm(), range(8)))
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    assert {r.json()["state"] for r in responses} == {"confirmed"}
    assert len(events(api, "capture.proof.confirmed", student.key)) == 1


def test_an_id_number_typed_into_a_note_is_masked_before_capture_stores_it(system: dict[str, Any]) -> None:
    reported = system[E].report("retake", "请重拍，我的证件号 36010219990101123X")
    assert reported.status_code == 200, reported.text
    [report] = reported.json()["reports"]
    assert report["note"] == "请重拍，我的证件号 36**************3X"


def test_the_agency_sets_the_deadline_and_proofreading_closes(system: dict[str, Any]) -> None:
    api, c = system["api"], system[C]
    put = lambda user, body: api.client.put(f"{CAPTURE}/proofreading/deadline",  # noqa: E731
                                            headers=api.as_user(user), json=body)
    past = {"school_code": "10403", "term": "2026-06", "deadline": "2026-01-01T18:00:00+08:00"}
    assert put("school10403", past).status_code == 403
    assert put("agency", {**past, "deadline": "2026-01-01T18:00:00"}).status_code == 422  # no time zone
    assert put("agency", {**past, "school_code": "1040"}).status_code == 422
    assert put("agency", {**past, "term": "2026-13"}).status_code == 422
    assert put("agency", {**past, "school_code": "14277"}).json()["code"] == "school_unknown"
    set_past = put("agency", past)
    assert set_past.status_code == 200, set_past.text
    assert datetime.fromisoformat(set_past.json()["deadline"]) == datetime(2026, 1, 1, 10, tzinfo=UTC)

    mine = c.get().json()
    assert mine["state"] == "to_proofread" and mine["closed"] and mine["deadline"].startswith("2026-01-01T10:00")
    for response in (c.confirm(), c.report("retake", "")):
        assert response.status_code == 409 and response.json()["code"] == "proofreading_closed"
    assert c.report("not_me", "").json()["state"] == "reported"  # a mix-up is never silenced by a deadline
    summary = api.get(f"{CAPTURE}/proofreading/summary", "school10403").json()
    assert [d["deadline"][:10] for d in summary["deadlines"]] == ["2026-01-01"]

    moved = put("agency", {**past, "deadline": "2099-01-01T00:00:00+08:00"})
    assert moved.status_code == 200, moved.text
    summary = api.get(f"{CAPTURE}/proofreading/summary", "agency").json()
    assert [d["deadline"][:4] for d in summary["deadlines"]] == ["2098"]  # moved, not a second one (UTC)
    assert c.confirm().json()["state"] == "confirmed"


def test_a_student_lists_only_their_own_errata(system: dict[str, Any]) -> None:
    api, a, b = system["api"], system[A], system[B]
    filed = a.post(f"/api/roster/v1/students/{a.id}/errata", json={"field": "major_name", "new_value": "软件工程",
                                                                   "reason": "校对发现专业有误"})
    assert filed.status_code == 201 and filed.json()["source"] == "proofreading", filed.text
    by_school = api.post(f"/api/roster/v1/students/{b.id}/errata", "school10403",
                         json={"field": "major_name", "new_value": "人工智能"})
    assert by_school.status_code == 201
    # Filing on another student's record is refused.
    assert a.post(f"/api/roster/v1/students/{b.id}/errata", json={"field": "major_name",
                                                                  "new_value": "x"}).status_code in {403, 404}
    [requested] = events(api, "roster.erratum.requested", a.key, service="roster")
    assert (requested["field"], requested["source"]) == ("major_name", "proofreading")
    assert "软件工程" not in str(requested)  # which field, never the value
    own = a.get("/api/roster/v1/errata").json()["items"]
    assert [e["id"] for e in own] == [filed.json()["id"]]
    assert a.get("/api/roster/v1/errata", params={"student_id": b.id}).json()["items"] == []
    assert [e["id"] for e in b.get("/api/roster/v1/errata").json()["items"]] == [by_school.json()["id"]]
