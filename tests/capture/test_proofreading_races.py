"""Concurrent confirms of one photo, on SQLite and on PostgreSQL: every caller gets `confirmed`, the verdict is
written once and ProofConfirmed is emitted once (one upsert whose update only applies to a change)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlmodel import col, select

from services.capture.models import Checkin, Photo, outbox
from services.capture.proofreading import service
from services.kernel.tenancy import Principal, Role
from services.kernel.uow import UnitOfWork
from tests.capture.test_sequence_numbers import sessions  # noqa: F401  (the SQLite / PostgreSQL capture database)

STUDENT = Principal(subject="st", role=Role.STUDENT, username="2023090101", province="36", school="10403",
                    subject_key="s0")


def test_concurrent_confirms_are_written_and_announced_once(sessions: Any) -> None:  # noqa: F811
    with UnitOfWork(sessions, outbox) as uow:
        checkin = Checkin(station_id="st1", school_code="10403", province_code="36", subject_key="s0",
                          sequence_no=1, method="pass", photographer="photographer")
        uow.session.add(checkin)
        uow.session.flush()
        uow.session.add(Photo(checkin_id=checkin.id, station_id="st1", school_code="10403", province_code="36",
                              subject_key="s0", sequence_no=1, version=1, original_key="o", original_sha256="0" * 64,
                              original_size=1, content_type="image/jpeg", standard_key="s", accepted=True,
                              uploaded_by="photographer"))
        uow.commit()

    def confirm(_: int) -> str:
        with UnitOfWork(sessions, outbox) as uow:
            state = service.confirm(uow, STUDENT).state
            uow.commit()
            return str(state)

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(confirm, range(8))) == {"confirmed"}
    with UnitOfWork(sessions, outbox) as uow:
        emitted = uow.session.execute(select(outbox.c.type).where(col(outbox.c.type) == "capture.proof.confirmed"))
        assert len(emitted.all()) == 1
        assert service.mine(uow, STUDENT).state == "confirmed"
