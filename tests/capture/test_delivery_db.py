"""Delivery and progress on both databases: concurrent package requests leave exactly one package being made (the
partial unique index settles the race on SQLite and PostgreSQL); the content fixed at request time takes each
student's newest accepted version and leaves out open anomalies, also those raised on a check-in; progress counts
non-void check-ins and accepted photos per class."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from services.capture.delivery import service as delivery
from services.capture.delivery.naming import Left, Naming
from services.capture.models import (
    Anomaly,
    Checkin,
    DeliveryItem,
    DeliveryPackage,
    Photo,
    Proof,
    ProofDeadline,
    Subject,
    outbox,
)
from services.capture.progress import service as progress
from services.kernel.tenancy import Principal, Role, unscoped_for_system
from services.kernel.uow import UnitOfWork
from tests.capture.support import capture_database

SCHOOL = Principal(subject="a", role=Role.SCHOOL_ADMIN, username="school10403", province="36", school="10403")


def _photo(n: int, key: str, checkin: str, version: int, accepted: bool) -> Photo:
    return Photo(id=f"p{n}", checkin_id=checkin, station_id="st1", school_code="10403", province_code="36",
                 subject_key=key, sequence_no=1, version=version, original_key=f"o{n}", original_sha256=f"{n:064d}",
                 original_size=1, content_type="image/jpeg", standard_key=f"s{n}", standard_sha256=f"{n:064d}",
                 accepted=accepted, uploaded_by="photographer")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sessions(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    with capture_database(request.param, tmp_path, "capture delivery") as factory:
        _seed(factory)
        yield factory


def _seed(factory: Any) -> None:
    with UnitOfWork(factory, outbox) as uow:
        for i in range(6):
            uow.session.add(Subject(subject_key=f"s{i}", school_code="10403", province_code="36", term="2026-06",
                                    level="硕士", sex="男", masked_name="王*", masked_id_number="36**",
                                    class_id="A" if i < 3 else "B", class_no="A" if i < 3 else "B", roster_order=i))
        uow.session.flush()
        # s0: v1 accepted, v2 rejected -> v1; s1: v1, v2 accepted -> v2; s2: anomaly on its check-in;
        # s3: voided check-in, no photo; s4: anomaly naming it directly; s5: nothing.
        for i, status in enumerate(["done", "done", "done", "void", "done"]):
            uow.session.add(Checkin(id=f"c{i}", station_id="st1", school_code="10403", province_code="36",
                                    subject_key=f"s{i}", sequence_no=i + 1, status=status, method="pass",
                                    photographer="photographer"))
        uow.session.flush()
        uow.session.add_all([_photo(1, "s0", "c0", 1, True), _photo(2, "s0", "c0", 2, False),
                             _photo(3, "s1", "c1", 1, True), _photo(4, "s1", "c1", 2, True),
                             _photo(5, "s2", "c2", 1, True), _photo(6, "s4", "c4", 1, True)])
        uow.session.add_all([
            Anomaly(kind="sequence_mismatch", school_code="10403", province_code="36", checkin_id="c2",
                    detail="x", reported_by="photographer"),
            Anomaly(kind="open_at_two_stations", school_code="10403", province_code="36", subject_key="s4",
                    detail="x", reported_by="photographer"),
            Anomaly(kind="open_at_two_stations", school_code="10403", province_code="36", subject_key="s1",
                    detail="x", reported_by="photographer", status="resolved")])
        # Proofreading is over (past the deadline: unconfirmed photos go in); s0 confirmed its photo version 1.
        uow.session.add(ProofDeadline(school_code="10403", province_code="36", term="2026-06",
                                      deadline=datetime(2026, 1, 1, tzinfo=UTC), set_by="agency"))
        uow.session.add(Proof(subject_key="s0", school_code="10403", province_code="36", photo_id="p1", version=1,
                              state="confirmed"))
        uow.commit()


def test_the_content_is_each_students_newest_accepted_version_without_open_anomalies(sessions: Any) -> None:
    with UnitOfWork(sessions, outbox) as uow:
        package = delivery.request_package(uow, SCHOOL, "10403", "2026-06", Naming.CAPTURE_KEY).package
        uow.commit()
    with sessions() as session:
        items = session.exec(unscoped_for_system(select(DeliveryItem).where(
            col(DeliveryItem.package_id) == package.id).order_by(col(DeliveryItem.position)))).all()
    assert [(i.subject_key, i.photo_id, i.excluded_reason) for i in items] == [
        ("s0", "p1", None), ("s1", "p4", None), ("s2", None, Left.OPEN_ANOMALY),
        ("s3", None, Left.NOT_PHOTOGRAPHED), ("s4", None, Left.OPEN_ANOMALY), ("s5", None, Left.NOT_PHOTOGRAPHED)]


def test_concurrent_requests_leave_one_package_being_made(sessions: Any) -> None:
    def ask(_: int) -> str:
        try:
            with UnitOfWork(sessions, outbox) as uow:
                package = delivery.request_package(uow, SCHOOL, "10403", "2026-06", Naming.STUDENT_NO).package
                uow.commit()
                return package.id
        except IntegrityError:
            return "conflict"

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(ask, range(12)))
    with sessions() as session:
        packages = session.exec(unscoped_for_system(select(DeliveryPackage))).all()
    assert len(packages) == 1
    assert set(answers) <= {packages[0].id, "conflict"} and packages[0].id in answers


def test_progress_counts_check_ins_and_accepted_photos_per_class(sessions: Any) -> None:
    with UnitOfWork(sessions, outbox) as uow:
        result = progress.progress(uow, SCHOOL, None, "2026-06")
    counts = {c.class_no: (c.approved, c.checked_in, c.photographed, c.confirmed) for c in result.classes}
    assert counts == {"A": (3, 3, 3, 1), "B": (3, 1, 1, 0)}
