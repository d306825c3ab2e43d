"""Unique-key races end as 409 problem+json with a stable code, never 500; make-up certificate numbers come from
a race-free counter. Each test runs against the embedded system on SQLite and with roster on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from services.roster.certificates import repository as certificates_repo
from services.roster.directory import repository as directory_repo
from tests.conftest import embedded_settings
from tests.support.api import DEMO_STUDENT, DEMO_STUDENT_NO, Api
from tests.support.infra import note_used, require_postgres
from tests.support.pg import temporary_databases


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def system(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    data_dir = tmp_path_factory.mktemp(f"conflicts-{request.param}")
    if request.param == "sqlite":
        with TestClient(create_gateway(embedded_settings(data_dir)), raise_server_exceptions=False) as client:
            yield Api(client)
        return
    require_postgres()
    note_used("roster conflicts: PostgreSQL 127.0.0.1:5432")
    with temporary_databases("roster") as urls:
        settings = embedded_settings(data_dir, roster_database_url=urls["roster"])
        with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
            yield Api(client)


def _at_once(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Run the calls in threads released together; their responses in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _slowed(monkeypatch: pytest.MonkeyPatch, module: object, name: str, seconds: float = 0.3) -> None:
    """Hold each request inside the check-then-write window, so both pass the check before either writes."""
    original = getattr(module, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(module, name, slow)


def test_two_concurrent_creates_of_one_college_give_one_201_and_one_409(
        system: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    system.token("school10405")  # sign in first: only the creates race
    _slowed(monkeypatch, directory_repo, "college_code_taken")
    body = {"code": "RACE1", "name": "竞态学院"}
    responses = _at_once(*[lambda: system.post("/api/roster/v1/colleges", "school10405", json=body)] * 2)
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    [conflict] = [r for r in responses if r.status_code == 409]
    assert conflict.headers["content-type"].startswith("application/problem+json")
    assert conflict.json()["code"] == "college_code_taken"
    codes = [c["code"] for c in system.get("/api/roster/v1/colleges", "school10405").json()["items"]]
    assert codes.count("RACE1") == 1


def test_a_create_that_passes_the_check_and_hits_the_unique_key_is_a_409(
        system: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database, not the check, has the last word: the same race made deterministic."""
    college = system.post("/api/roster/v1/colleges", "school10405", json={"code": "RACE2", "name": "甲"}).json()
    assert system.post("/api/roster/v1/classes", "school10405",
                       json={"college_id": college["id"], "code": "C-RACE"}).status_code == 201
    monkeypatch.setattr(directory_repo, "college_code_taken", lambda *_: False)
    monkeypatch.setattr(directory_repo, "class_code_taken", lambda *_: False)
    again = system.post("/api/roster/v1/colleges", "school10405", json={"code": "RACE2", "name": "乙"})
    assert (again.status_code, again.json()["code"]) == (409, "college_code_taken"), again.text
    klass = system.post("/api/roster/v1/classes", "school10405", json={"college_id": college["id"], "code": "C-RACE"})
    assert (klass.status_code, klass.json()["code"]) == (409, "class_code_taken"), klass.text


def test_two_concurrent_make_up_certificates_get_distinct_numbers(
        system: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    students = system.get("/api/roster/v1/students", "school10403",
                          params={"review_status": "approved", "limit": 2}).json()["items"]
    assert len(students) == 2
    system.token("school10403")
    _slowed(monkeypatch, certificates_repo, "next_sequence")  # hold the number until the other asks for one
    responses = _at_once(*[
        (lambda sid=s["id"]: system.post(f"/api/roster/v1/students/{sid}/certificates", "school10403"))
        for s in students])
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    numbers = [r.json()["number"] for r in responses]
    assert len(set(numbers)) == 2
    sequences = sorted(int(n.split("-")[3]) for n in numbers)
    assert sequences[1] == sequences[0] + 1
    again = system.post(f"/api/roster/v1/students/{students[0]['id']}/certificates", "school10403").json()
    assert int(again["number"].split("-")[3]) == sequences[1] + 1
    check = system.get(f"/api/roster/v1/certificates/{numbers[0]}", "agency")
    assert check.status_code == 200 and check.json()["valid"], check.text


def test_sqlite_writers_wait_for_each_other(tmp_path: Path) -> None:
    """Concurrent writers must queue (busy timeout), not fail with 'database is locked'."""
    from services.kernel.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
    engine.dispose()


def test_a_students_own_record_reads_the_same_on_either_database(system: Api) -> None:
    """The student's hot read runs on the event loop on SQLite and in the threadpool on PostgreSQL
    (services.kernel.reads): either way it is the record the school sees."""
    [row] = system.get("/api/roster/v1/students", "school10403", params={"q": DEMO_STUDENT_NO}).json()["items"]
    as_school = system.get(f"/api/roster/v1/students/{row['id']}", "school10403").json()
    own = system.get("/api/roster/v1/students/me", DEMO_STUDENT)
    assert own.status_code == 200, own.text
    assert own.json() == as_school
