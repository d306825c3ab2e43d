"""拍摄序号 are single-statement increments of the station's counter: concurrent check-ins never get the same
number, on SQLite and on PostgreSQL, and a check-in that rolls back gives its number back (nothing committed
is ever reused)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.capture.checkins.passes import PassClaims
from services.capture.checkins.service import check_in
from services.capture.models import Checkin, Subject, outbox
from services.capture.stations.repository import next_sequence_no
from services.kernel.errors import TucaiError
from services.kernel.tenancy import Principal, Role, unscoped_for_system
from services.kernel.uow import UnitOfWork
from tests.capture.support import capture_database

PHOTOGRAPHER = Principal(subject="p1", role=Role.PHOTOGRAPHER, username="photographer", province="36")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sessions(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    with capture_database(request.param, tmp_path, "capture sequence numbers") as factory:
        with UnitOfWork(factory, outbox) as uow:
            for i in range(40):
                uow.session.add(Subject(subject_key=f"s{i}", school_code="10403", province_code="36",
                                        term="2026-06", level="硕士", sex="男", masked_name="王*",
                                        masked_id_number="36**", roster_order=i))
            uow.commit()
        yield factory


def test_concurrent_increments_never_repeat_a_number(sessions: Any) -> None:
    def take(_: int) -> int:
        with UnitOfWork(sessions, outbox) as uow:
            number = next_sequence_no(uow.session, "st1")
            uow.commit()
            return number

    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(take, range(120)))
    assert sorted(numbers) == list(range(1, 121))


def test_concurrent_check_ins_at_one_station_bind_one_student_and_numbers_stay_unique(sessions: Any) -> None:
    def scan(i: int) -> str:
        with UnitOfWork(sessions, outbox) as uow:
            try:
                result = check_in(uow, PHOTOGRAPHER, "st1", pass_claims=PassClaims(f"s{i}", "10403", "36"))
                uow.commit()
                return f"ok:{result.checkin.sequence_no}"
            except TucaiError as exc:
                return exc.code
            except IntegrityError:  # the open-per-station index settled the race (a 409 over HTTP)
                return "checkin_race"

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(scan, range(12)))
    winners = [o for o in outcomes if o.startswith("ok:")]
    assert len(winners) == 1, outcomes
    assert set(outcomes) - set(winners) <= {"station_busy", "checkin_race"}
    with sessions() as session:
        rows = list(session.exec(unscoped_for_system(select(Checkin))))
    assert len(rows) == 1 and rows[0].sequence_no == int(winners[0][3:])
