"""Roster's approved-student projection, through capture's consumer (the projection plus the capture code):
each event applied to a real table, on SQLite and on PostgreSQL (the upsert is dialect-specific)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from services.capture.models import Subject, metadata, outbox
from services.capture.subjects.consumers import subjects_consumer
from services.kernel.db import make_engine, make_session_factory
from services.kernel.events.event import Event
from services.kernel.tenancy import unscoped_for_system
from services.kernel.uow import UnitOfWork
from services.roster.events import (
    CaptureCodeRegistered,
    ClassUpdated,
    CollegeUpdated,
    MakeupCertificateIssued,
    StudentApproved,
    StudentUpdated,
    StudentWithdrawn,
)
from tests.support.infra import note_used, require_postgres
from tests.support.pg import temporary_databases

FACTS: dict[str, Any] = {
    "school_code": "10403", "province_code": "36", "term": "2026-06", "college_id": "c1", "college_name": "信工学院",
    "class_id": "k1", "class_no": "XG2301", "class_name": "信工2301", "campus": "前湖校区", "level": "硕士",
    "sex": "男", "masked_name": "王*明", "masked_id_number": "36**************12", "roster_order": 1}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'capture.db'}"
        return
    require_postgres()
    note_used("projection: PostgreSQL 127.0.0.1:5432")
    with temporary_databases("capture") as urls:
        yield urls["capture"]


@pytest.fixture
def apply(url: str) -> Iterator[Any]:
    """apply(event, ...) runs capture's handlers, each event in its own unit of work, as the consumer does."""
    engine = make_engine(url)
    metadata.create_all(engine)
    sessions = make_session_factory(engine)

    def run(*events: Event) -> dict[str, Subject]:
        for event in events:
            with UnitOfWork(sessions, outbox) as uow:
                subjects_consumer.handlers[type(event)](uow, event)
                uow.commit()
        with sessions() as session:
            return {s.subject_key: s for s in session.exec(unscoped_for_system(select(Subject)))}

    yield run
    engine.dispose()


def approved(key: str, **changes: Any) -> StudentApproved:
    return StudentApproved(subject_key=key, **{**FACTS, **changes})


def test_approval_inserts_every_fact_and_a_repeat_changes_nothing(apply: Any) -> None:
    rows = apply(approved("s1"), approved("s1"))
    assert set(rows) == {"s1"}
    assert {k: getattr(rows["s1"], k) for k in FACTS} == FACTS
    assert rows["s1"].capture_code is None


def test_an_update_overwrites_the_facts_but_keeps_the_term_when_none_is_sent_and_the_service_columns(
        apply: Any) -> None:
    rows = apply(approved("s1"),
                 CaptureCodeRegistered(subject_key="s1", school_code="10403", province_code="36", capture_code="AB12"),
                 StudentUpdated(subject_key="s1", **{**FACTS, "term": "", "class_id": None, "class_no": None,
                                                     "class_name": None, "masked_name": "李*"}))
    row = rows["s1"]
    assert (row.term, row.class_id, row.class_no, row.class_name, row.masked_name) == ("2026-06", None, None, None,
                                                                                        "李*")
    assert row.capture_code == "AB12"  # capture's own column: the projection never touches it


def test_withdrawal_deletes_and_a_capture_code_for_an_unknown_student_is_ignored(apply: Any) -> None:
    rows = apply(approved("s1"), approved("s2"),
                 StudentWithdrawn(subject_key="s1", school_code="10403", province_code="36", reason="撤销"),
                 StudentWithdrawn(subject_key="s1", school_code="10403", province_code="36", reason="撤销"),
                 CaptureCodeRegistered(subject_key="s9", school_code="10403", province_code="36", capture_code="X"))
    assert set(rows) == {"s2"}


def test_renames_rewrite_every_row_of_the_college_or_class_and_no_other(apply: Any) -> None:
    rows = apply(approved("s1"), approved("s2"), approved("s3", college_id="c2", college_name="法学院",
                                                          class_id="k2", class_no="FX2301", class_name="法学2301"),
                 CollegeUpdated(college_id="c1", school_code="10403", province_code="36", code="XG", name="信息学院"),
                 ClassUpdated(class_id="k1", college_id="c1", school_code="10403", province_code="36",
                              code="XG2301A", name="信息2301"))
    assert {k: (r.college_name, r.class_no, r.class_name) for k, r in rows.items()} == {
        "s1": ("信息学院", "XG2301A", "信息2301"),
        "s2": ("信息学院", "XG2301A", "信息2301"),
        "s3": ("法学院", "FX2301", "法学2301"),
    }


def certificate(key: str, issued_at: datetime, number: str = "10403-2026-0001") -> MakeupCertificateIssued:
    return MakeupCertificateIssued(number=number, subject_key=key, school_code="10403", province_code="36",
                                   issued_at=issued_at)


def test_the_latest_make_up_certificate_is_kept_and_an_older_or_redelivered_one_never_moves_it_back(
        apply: Any) -> None:
    early, late = datetime(2026, 6, 1, 2, tzinfo=UTC), datetime(2026, 6, 3, 9, 30, tzinfo=UTC)
    rows = apply(approved("s1"), approved("s2"), certificate("s1", late), certificate("s1", early, "10403-2026-0002"),
                 certificate("s1", late), certificate("s9", late),
                 StudentUpdated(subject_key="s1", **{**FACTS, "masked_name": "李*"}))
    assert rows["s1"].makeup_certified_at == late  # the projection's update keeps capture's own column
    assert rows["s2"].makeup_certified_at is None and "s9" not in rows  # a student capture does not know: ignored
