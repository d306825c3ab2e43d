"""Sign-in under attack (issue 7, parts 3 and 4): the student second factor cannot be read off the masked ID
number others see, accounts lock per account whatever the address, and the answers do not reveal which 学号 exist."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from services.gateway.app import create_gateway
from tests.conftest import embedded_settings
from tests.support.api import Api

STUDENT_TOKEN = "/api/roster/v1/auth/student-token"
STAFF_TOKEN = "/api/roster/v1/auth/token"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = embedded_settings(tmp_path_factory.mktemp("signin"), signin_attempts_per_window=1000)
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
        yield Api(client)


_next_address = iter(f"198.51.100.{i % 250}" for i in range(1, 10**6))


def _from_new_address(api: Api) -> TestClient:
    """A client for the same running system, from an address not used before."""
    return TestClient(api.client.app, client=(next(_next_address), 40000), raise_server_exceptions=False)


def _classmates(api: Api, viewer: str) -> list[dict]:
    return api.get("/api/roster/v1/students", viewer, params={"limit": 500}).json()["items"]


def _candidates(masked: str) -> int:
    """How many second factors (last six of the ID number) agree with the mask and the calendar."""
    tail = masked[-6:]
    pools = []
    for position, ch in enumerate(tail, start=len(masked) - 6):
        if ch != "*":
            pools.append([ch])
        elif position == 17:
            pools.append(list("0123456789X"))
        else:
            pools.append(list("0123456789"))
    days = sum(1 for d1, d2 in product(*pools[:2]) if 1 <= int(d1 + d2) <= 31)  # positions 13-14: the birth day
    rest = 1
    for pool in pools[2:]:
        rest *= len(pool)
    return days * rest


@pytest.mark.parametrize("viewer", ["monitor10403", "coordinator10403", "photographer", "agency", "school10403"])
def test_the_masked_id_number_reveals_none_of_the_second_factor(system: Api, viewer: str) -> None:
    students = _classmates(system, viewer)
    assert students, viewer
    for s in students:
        masked = s["id_number_masked"]
        assert set(masked[-8:]) == {"*"}, masked
        assert _candidates(masked) >= 100_000, masked


def _guesses_from_mask(masked: str) -> list[str]:
    """The attack of the issue: the mask shows the last four, the two before are the birth day; try four days."""
    last4 = masked[-4:]
    if "*" in last4:
        return []
    return [f"{day:02d}{last4}" for day in (1, 10, 15, 20)]


def test_four_guesses_per_classmate_from_the_visible_mask_open_no_account(system: Api) -> None:
    opened = []
    for s in _classmates(system, "monitor10403"):
        for guess in _guesses_from_mask(s["id_number_masked"]):
            response = _from_new_address(system).post(
                STUDENT_TOKEN, json={"school_code": "10403", "student_no": s["student_no"], "secret": guess})
            if response.status_code == 200:
                opened.append(s["student_no"])
    assert opened == []


def _attempts(api: Api, student_no: str, count: int) -> list[tuple[int, dict, str | None]]:
    out = []
    for _ in range(count):
        response = _from_new_address(api).post(
            STUDENT_TOKEN, json={"school_code": "10403", "student_no": student_no, "secret": "000000"})
        body = {k: v for k, v in response.json().items() if k != "request_id"}
        out.append((response.status_code, body, response.headers.get("retry-after")))
    return out


def test_an_unknown_student_number_answers_exactly_like_a_real_one(system: Api) -> None:
    real = _attempts(system, "2023090105", 7)
    unknown = _attempts(system, "2099999999", 7)
    assert [r[0] for r in real] == [401] * 5 + [429] * 2
    assert [(code, body) for code, body, _ in real] == [(code, body) for code, body, _ in unknown]
    assert [retry for *_, retry in real] == [retry for *_, retry in unknown]


@contextmanager
def _statements(api: Api) -> Iterator[list[str]]:
    """The SQL roster runs meanwhile, without the relay's and the job runner's polls (the outbox, the jobs)."""
    engine = api.client.app.apps["roster"].state.ctx.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not any(table in statement for table in ("outbox", "jobs", "inbox", "dead_letter")):
            seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_an_unknown_student_number_costs_the_same_work_as_a_real_one(system: Api) -> None:
    """What makes the time of an answer tell nothing: a 学号 that does not exist is looked up, compared and counted
    as a failure by the very same statements as a real one given a wrong secret (the comparison is constant-time)."""
    real = _classmates(system, "school10405")[0]["student_no"]
    work = []
    for student_no in (real, "2099000001"):
        with _statements(system) as seen:
            response = _from_new_address(system).post(
                STUDENT_TOKEN, json={"school_code": "10405", "student_no": student_no, "secret": "000000"})
        assert response.status_code == 401, response.text
        work.append(seen)
    assert work[0] == work[1], work
    assert any("sign_in" in statement for statement in work[1]), work[1]  # the failure is counted


def test_a_student_lock_holds_across_addresses_even_with_the_right_secret(system: Api) -> None:
    student_no = "2023090106"
    [row] = system.get("/api/roster/v1/students", "school10403", params={"q": student_no}).json()["items"]
    secret = system.get(f"/api/roster/v1/students/{row['id']}", "school10403").json()["id_number"][-6:]
    assert [code for code, *_ in _attempts(system, student_no, 5)] == [401] * 5  # five addresses
    locked = _from_new_address(system).post(
        STUDENT_TOKEN, json={"school_code": "10403", "student_no": student_no, "secret": secret})
    assert locked.status_code == 429 and locked.json()["code"] == "account_locked"
    assert int(locked.headers["retry-after"]) > 0


def test_a_secret_that_is_not_ascii_is_refused_not_a_500(system: Api) -> None:
    response = _from_new_address(system).post(
        STUDENT_TOKEN, json={"school_code": "10403", "student_no": "2023090107", "secret": "身份证后六位"})
    assert response.status_code == 401 and response.json()["code"] == "invalid_student_credentials"


@pytest.mark.parametrize("username", ["school10405", "no-such-staff"])
def test_staff_accounts_lock_after_ten_failures_whatever_the_address(system: Api, username: str) -> None:
    for _ in range(10):
        response = _from_new_address(system).post(STAFF_TOKEN, data={"username": username, "password": "wrong"})
        assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"
    locked = _from_new_address(system).post(STAFF_TOKEN, data={"username": username, "password": "tucai-demo"})
    assert locked.status_code == 429 and locked.json()["code"] == "account_locked"
    assert int(locked.headers["retry-after"]) > 0 and locked.json()["message_zh"].startswith("尝试次数过多")


def test_a_staff_success_clears_the_count(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path, signin_attempts_per_window=1000)
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
        for _ in range(2):
            for _ in range(9):
                assert client.post(STAFF_TOKEN, data={"username": "province", "password": "x"}).status_code == 401
            ok = client.post(STAFF_TOKEN, data={"username": "province", "password": "tucai-demo"})
            assert ok.status_code == 200


def test_the_lock_counts_failures_across_replicas_sharing_the_database(tmp_path: Path) -> None:
    """Two roster replicas on one database (here: two gateways on the same data): five failures in all lock the
    student on both, however the attempts are spread; a per-process count would have allowed five on each."""
    settings = embedded_settings(tmp_path, signin_attempts_per_window=1000)
    wrong = {"school_code": "10403", "student_no": "2023090108", "secret": "000000"}
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as first:
        with TestClient(create_gateway(settings), raise_server_exceptions=False) as second:
            answers = [(first, second)[i % 2].post(STUDENT_TOKEN, json=wrong).status_code for i in range(6)]
            assert answers == [401] * 5 + [429]
            for replica in (first, second):
                locked = replica.post(STUDENT_TOKEN, json=wrong)
                assert locked.status_code == 429 and locked.json()["code"] == "account_locked"
            staff = [(first, second)[i % 2].post(STAFF_TOKEN, data={"username": "school10405", "password": "x"})
                     .status_code for i in range(11)]
            assert staff == [401] * 10 + [429]
