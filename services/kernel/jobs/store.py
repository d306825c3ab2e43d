"""All SQL on the job table. Every write by a runner names the lease owner, so a runner that lost its lease
(it stalled and another replica took the job over) changes nothing."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, Update, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from services.kernel.ids import new_id
from services.kernel.jobs.table import JobState


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Claimed:
    id: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    done: int
    total: int | None
    cancel_requested: bool  # a running job cancelled while its runner was gone


def insert_job(session: Session, table: Table, kind: str, payload: dict[str, Any], *, province: str | None,
               school: str | None, max_attempts: int) -> str:
    job_id, at = new_id(), now()
    session.execute(insert(table).values(
        id=job_id, kind=kind, payload=payload, province_code=province, school_code=school,
        state=JobState.QUEUED, progress_done=0, attempts=0, max_attempts=max_attempts, cancel_requested=False,
        created_at=at, updated_at=at,
    ))
    return job_id


def _claimable(table: Table, kinds: Collection[str], at: datetime) -> ColumnElement[bool]:
    c = table.c
    return and_(c.kind.in_(kinds), or_(
        and_(c.state == JobState.QUEUED, or_(c.lease_until.is_(None), c.lease_until <= at)),
        and_(c.state == JobState.RUNNING, c.lease_until <= at),  # its runner died or stalled
    ))


def claim(session: Session, table: Table, kinds: Collection[str], owner: str, lease: float) -> Claimed | None:
    """Take the oldest claimable job in one statement. On PostgreSQL the inner SELECT skips rows another
    replica is claiming right now (SKIP LOCKED) and the outer WHERE re-checks the row once locked; SQLite has
    one writer at a time, so the same statement (FOR UPDATE is not rendered there) is atomic as it is."""
    at, c = now(), table.c
    oldest = (select(c.id).where(_claimable(table, kinds, at)).order_by(c.created_at, c.id).limit(1)
              .with_for_update(skip_locked=True).scalar_subquery())
    row = session.execute(
        update(table).where(c.id == oldest, _claimable(table, kinds, at))
        .values(state=JobState.RUNNING, attempts=c.attempts + 1, lease_owner=owner,
                lease_until=at + timedelta(seconds=lease), started_at=func.coalesce(c.started_at, at),
                updated_at=at)
        .returning(c.id, c.kind, c.payload, c.attempts, c.max_attempts, c.progress_done, c.progress_total,
                   c.cancel_requested)
    ).one_or_none()
    if row is None:
        return None
    return Claimed(row.id, row.kind, row.payload, row.attempts, row.max_attempts, row.progress_done,
                   row.progress_total, bool(row.cancel_requested))


def _held(table: Table, job_id: str, owner: str) -> ColumnElement[bool]:
    return and_(table.c.id == job_id, table.c.lease_owner == owner, table.c.state == JobState.RUNNING)


def checkpoint(session: Session, table: Table, job_id: str, owner: str, lease: float, done: int,
               total: int | None, message: str | None) -> bool | None:
    """Record progress and renew the lease; returns whether cancel was requested, None if the lease is lost."""
    at = now()
    values: dict[str, Any] = {"progress_done": done, "progress_total": total,
                              "lease_until": at + timedelta(seconds=lease), "updated_at": at}
    if message is not None:
        values["message"] = message[:400]
    row = session.execute(update(table).where(_held(table, job_id, owner)).values(**values)
                          .returning(table.c.cancel_requested)).one_or_none()
    return None if row is None else bool(row.cancel_requested)


def renew(session: Session, table: Table, job_id: str, owner: str, lease: float) -> bool:
    at = now()
    return _matched(session, update(table).where(_held(table, job_id, owner))
                    .values(lease_until=at + timedelta(seconds=lease), updated_at=at))


def settle(session: Session, table: Table, job_id: str, owner: str, state: JobState, **values: Any) -> bool:
    """End the attempt: a final state (finished_at set) or back to queued; False if the lease was lost."""
    at = now()
    if state != JobState.QUEUED:
        values["finished_at"] = at
        values.setdefault("lease_until", None)
    return _matched(session, update(table).where(_held(table, job_id, owner))
                    .values(state=state, lease_owner=None, updated_at=at, **values))


def _matched(session: Session, stmt: Update) -> bool:
    """Run an UPDATE; whether it matched a row. DML executes to a CursorResult (the result with rowcount),
    though Session.execute is typed to return any Result."""
    result = cast("CursorResult[*tuple[Any, ...]]", session.execute(stmt))
    return bool(result.rowcount)


def request_cancel(session: Session, table: Table, job_id: str) -> None:
    """A queued job is cancelled at once; a running one when its handler next reports progress."""
    at = now()
    c = table.c
    session.execute(update(table).where(c.id == job_id, c.state == JobState.QUEUED)
                    .values(state=JobState.CANCELLED, cancel_requested=True, finished_at=at, updated_at=at))
    session.execute(update(table).where(c.id == job_id, c.state == JobState.RUNNING)
                    .values(cancel_requested=True, updated_at=at))
