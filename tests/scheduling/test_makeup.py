"""The make-up calendar: the agency opens windows, a student books, moves and cancels one seat, and seats never
oversell, also when many students book at once (parallel transactions on SQLite and on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.kernel.db import make_engine, make_session_factory
from services.kernel.errors import Conflict
from services.kernel.tenancy import Principal, Role, unscoped_for_system
from services.kernel.uow import UnitOfWork
from services.roster.events import MakeupCertificateIssued
from services.scheduling.makeup import service
from services.scheduling.models import (
    CertificateView,
    MakeupBooking,
    MakeupWindow,
    StudentView,
    metadata,
    outbox,
)
from tests.scheduling.helpers import URL, approved_ready
from tests.support.api import DEMO_STUDENT, DEMO_STUDENT_NO, Api, wait_until
from tests.support.bus import publish
from tests.support.infra import note_used, require_postgres
from tests.support.pg import temporary_databases

SOON = date.today() + timedelta(days=10)


def _window(api: Api, day: date, period: str, seats: int) -> dict[str, Any]:
    response = api.post(f"{URL}/makeup/windows", "agency", json={"date": day.isoformat(), "period": period,
                                                                  "seats": seats, "location": "采集中心（南昌）"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_student_books_moves_and_cancels(embedded: Api) -> None:
    approved_ready(embedded)
    morning = _window(embedded, SOON, "am", 2)
    afternoon = _window(embedded, SOON, "pm", 1)
    assert (morning["start"], morning["end"], afternoon["start"]) == ("08:30", "11:30", "14:30")
    seen = {w["id"] for w in embedded.get(f"{URL}/makeup/windows", DEMO_STUDENT).json()["items"]}
    assert {morning["id"], afternoon["id"]} <= seen
    assert embedded.get(f"{URL}/makeup/bookings/me", DEMO_STUDENT).json()["code"] == "makeup_not_booked"

    put, headers = embedded.client.put, embedded.as_user(DEMO_STUDENT)
    refused = put(f"{URL}/makeup/bookings/me", headers=headers, json={"window_id": morning["id"]})
    assert (refused.status_code, refused.json()["code"]) == (403, "makeup_certificate_required")
    assert _issue_certificate(embedded, DEMO_STUDENT_NO)
    # The certificate reaches scheduling as roster's event; then the seat is the student's.
    booked = wait_until(lambda: r if (r := put(f"{URL}/makeup/bookings/me", headers=headers,
                                               json={"window_id": morning["id"]})).status_code == 200 else None)
    assert booked.json()["window"]["booked"] == 1 and "*" in booked.json()["masked_name"]
    moved = put(f"{URL}/makeup/bookings/me", headers=headers, json={"window_id": afternoon["id"]}).json()
    assert moved["window"]["id"] == afternoon["id"] and moved["window"]["free"] == 0
    lists = embedded.get(f"{URL}/makeup/windows/{afternoon['id']}/bookings", "agency").json()
    assert lists["total"] == 1 and lists["items"][0]["school_code"] == "10403"
    assert embedded.get(f"{URL}/makeup/windows/{morning['id']}/bookings", "agency").json()["window"]["booked"] == 0
    assert embedded.client.delete(f"{URL}/makeup/bookings/me", headers=headers).status_code == 204
    assert embedded.get(f"{URL}/makeup/windows/{afternoon['id']}/bookings", "agency").json()["window"]["free"] == 1


def _issue_certificate(api: Api, student_no: str) -> str:
    [row] = api.get("/api/roster/v1/students", "school10403", params={"q": student_no}).json()["items"]
    issued = api.post(f"/api/roster/v1/students/{row['id']}/certificates", "school10403")
    assert issued.status_code == 201, issued.text
    return str(issued.json()["number"])


def test_a_certificate_is_the_students_own_and_a_replayed_event_changes_nothing(embedded: Api) -> None:
    approved_ready(embedded)
    window = _window(embedded, SOON + timedelta(days=2), "am", 3)
    # Another student's certificate (the demo student's) does not let 2023090110 book.
    other = embedded.get("/api/roster/v1/students", "school10403", params={"q": "2023090110"}).json()["items"][0]
    record = embedded.get(f"/api/roster/v1/students/{other['id']}", "school10403").json()
    token = embedded.client.post("/api/roster/v1/auth/student-token", json={
        "school_code": "10403", "student_no": "2023090110", "secret": record["id_number"][-6:]}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    number = _issue_certificate(embedded, DEMO_STUDENT_NO)
    key = embedded.client.get("/api/roster/v1/students/me/pass", headers=headers).json()["subject_key"]
    refused = embedded.client.put(f"{URL}/makeup/bookings/me", headers=headers, json={"window_id": window["id"]})
    assert (refused.status_code, refused.json()["code"]) == (403, "makeup_certificate_required")

    # Roster's event for this student (as roster would send it), replayed: the same envelope twice and the same
    # facts under a new id are applied once.
    issued = MakeupCertificateIssued(number=number + "-X", subject_key=key, school_code="10403",
                                     province_code="36", issued_at=datetime.now(UTC))
    envelope = publish(embedded, issued)
    publish(embedded, envelope)
    publish(embedded, issued)
    booked = wait_until(lambda: r if (r := embedded.client.put(
        f"{URL}/makeup/bookings/me", headers=headers, json={"window_id": window["id"]})).status_code == 200 else None)
    assert booked.json()["window"]["booked"] == 1
    assert embedded.client.delete(f"{URL}/makeup/bookings/me", headers=headers).status_code == 204


def test_only_the_agency_opens_windows_and_sees_lists(embedded: Api) -> None:
    window = _window(embedded, SOON + timedelta(days=1), "am", 5)
    for user in ("school10403", "province"):
        assert embedded.post(f"{URL}/makeup/windows", user, json={"date": SOON.isoformat(), "period": "pm",
                                                                  "seats": 1}).status_code == 403
    assert embedded.get(f"{URL}/makeup/windows/{window['id']}/bookings", "school10403").status_code == 403
    again = embedded.post(f"{URL}/makeup/windows", "agency", json={"date": window["date"], "period": "am",
                                                                   "seats": 3})
    assert again.status_code == 409 and again.json()["code"] == "makeup_window_exists"
    assert embedded.client.put(f"{URL}/makeup/bookings/me", headers=embedded.as_user("school10403"),
                               json={"window_id": window["id"]}).json()["code"] == "students_only"


# --- concurrency: each booking in its own unit of work and thread, as concurrent requests are ---------------

@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sessions(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'scheduling.db'}"
        engine = make_engine(url)
        metadata.create_all(engine)
        yield make_session_factory(engine)
        engine.dispose()
        return
    require_postgres()
    note_used("make-up seats: PostgreSQL 127.0.0.1:5432")
    with temporary_databases("scheduling") as urls:
        engine = make_engine(urls["scheduling"])
        metadata.create_all(engine)
        yield make_session_factory(engine)
        engine.dispose()


def _students(sessions: Any, n: int) -> list[Principal]:
    with sessions() as session:
        session.add(MakeupWindow(id="w1", province_code="36", date=SOON, period="am", start="08:30", end="11:30",
                                 seats=3, created_at=datetime.now(UTC)))
        for i in range(n):
            session.add(StudentView(subject_key=f"s{i}", school_code="10403", province_code="36", term="2026-06",
                                    level="硕士研究生", sex="男", masked_name="王*", masked_id_number="36**"))
            session.add(CertificateView(number=f"c{i}", subject_key=f"s{i}", school_code="10403", province_code="36",
                                        issued_at=datetime.now(UTC)))
        session.commit()
    return [Principal(subject=f"id{i}", subject_key=f"s{i}", role=Role.STUDENT, province="36", school="10403")
            for i in range(n)]


def _book(sessions: Any, student: Principal) -> str:
    with UnitOfWork(sessions, outbox) as uow:
        try:
            service.book(uow, student, "w1")
            uow.commit()
            return "booked"
        except Conflict as refused:
            return refused.code
        except IntegrityError:
            return "duplicate"


def _state(sessions: Any) -> tuple[int, int]:
    with sessions() as session:
        window = session.exec(unscoped_for_system(select(MakeupWindow))).one()
        return window.booked, len(session.exec(unscoped_for_system(select(MakeupBooking))).all())


def test_parallel_bookings_never_oversell(sessions: Any) -> None:
    students = _students(sessions, 12)
    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(lambda s: _book(sessions, s), students))
    assert sorted(outcomes).count("booked") == 3 and set(outcomes) == {"booked", "makeup_full"}
    assert _state(sessions) == (3, 3)


def test_one_student_booking_twice_at_once_holds_one_seat(sessions: Any) -> None:
    [student] = _students(sessions, 1)
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: _book(sessions, student), range(6)))
    assert "booked" in outcomes
    assert _state(sessions) == (1, 1)
