"""No N+1: approving a batch and listing batches cost the same number of SQL statements for 50 students as
for 500. Every statement on the engine is counted (an executemany counts once, as it is one round trip), except
those on the outbox: the relay's, and the events' rows (one INSERT per event in the kernel today)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from services.kernel.service import ServiceContext
from services.roster.review import service as review
from tests.support.roster_batches import REVIEWER, roster_context, submitted_batch


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceContext]:
    with roster_context(tmp_path_factory.mktemp("counts")) as context:
        yield context


@contextmanager
def counted(ctx: ServiceContext) -> Iterator[list[str]]:
    statements: list[str] = []
    # Only this thread's statements: the relay and the job runner poll the same engine from their own threads.
    mine = threading.get_ident()

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        # The events' outbox rows are one INSERT each, by design.
        if threading.get_ident() == mine and "outbox" not in statement.lower():
            statements.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(ctx.engine, "before_cursor_execute", count)


def approve(ctx: ServiceContext, batch_id: str) -> tuple[int, int]:
    """Statements for approving the whole batch (the route's work: decide, then the batch's summary) and the
    number of students decided."""
    with counted(ctx) as statements, ctx.transaction() as uow:
        batch, decided = review.decide(uow, REVIEWER, batch_id, "approved", "材料齐全")
        review.summary(uow.session, batch)
        uow.session.flush()
    return len(statements), decided


def test_approving_a_batch_takes_a_constant_number_of_statements(ctx: ServiceContext) -> None:
    small, large = submitted_batch(ctx, "20001", 50), submitted_batch(ctx, "20002", 500)
    (small_count, small_decided), (large_count, large_decided) = approve(ctx, small), approve(ctx, large)
    assert (small_decided, large_decided) == (50, 500)
    assert small_count == large_count, (small_count, large_count)
    assert small_count <= 20


def test_listing_batches_takes_a_constant_number_of_statements(ctx: ServiceContext) -> None:
    def listing() -> int:
        with counted(ctx) as statements, ctx.transaction() as uow:
            found = review.summaries(uow.session, REVIEWER, None)
        assert found
        return len(statements)

    submitted_batch(ctx, "20003", 50)
    few = listing()
    submitted_batch(ctx, "20004", 500)
    submitted_batch(ctx, "20005", 5)
    assert listing() == few


def test_the_approved_facts_carry_each_students_roster_order(ctx: ServiceContext, tmp_path: Path) -> None:
    from sqlalchemy import select

    from services.roster.models import outbox

    batch_id = submitted_batch(ctx, "20006", 12)
    approve(ctx, batch_id)
    with ctx.uow() as uow:
        payloads = [row.payload for row in uow.session.execute(
            select(outbox.c.payload).where(outbox.c.type == "roster.student.approved").order_by(outbox.c.seq))
            if row.payload["school_code"] == "20006"]
    assert len(payloads) == 12
    by_class: dict[str, list[int]] = {}
    for p in payloads:
        by_class.setdefault(p["class_no"], []).append(p["roster_order"])
    assert all(sorted(orders) == [1, 2, 3] for orders in by_class.values()), by_class
    assert {p["college_name"] for p in payloads} == {"学院0", "学院1"}


def test_the_approval_benchmark_writes_its_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keeps `make bench approval` from rotting (tiny N; the figures are only checked to be positive)."""
    import json

    from tests.bench.__main__ import discover, main

    assert "approval" in discover()
    monkeypatch.setenv("TUCAI_BENCH_APPROVAL", "20")
    assert main(["approval", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "approval.json").read_text(encoding="utf-8"))
    [row] = result["rows"]
    assert result["n"] == 20 and row["value"] > 0 and row["limit"] > 0
