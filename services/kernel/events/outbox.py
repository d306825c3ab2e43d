"""The transactional outbox and the consumer inbox: two tables every service database has.
An event is written in the same transaction as the state change it announces; a consumer records each
event id it applied in the same transaction as its own change, so redelivery never applies it twice."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.kernel.db import UTCDateTime
from services.kernel.events.envelope import Envelope, Tenant

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
_Seq = BigInteger().with_variant(Integer(), "sqlite")


def add_event_tables(metadata: MetaData) -> tuple[Table, Table]:
    outbox = Table(
        "outbox", metadata,
        Column("seq", _Seq, primary_key=True, autoincrement=True),
        Column("event_id", String(32), nullable=False, unique=True),
        Column("type", String(120), nullable=False),
        Column("version", Integer, nullable=False),
        Column("occurred_at", UTCDateTime(), nullable=False),
        Column("tenant_province", String(8)),
        Column("tenant_school", String(8)),
        Column("payload", JSON, nullable=False),
        Column("published_at", UTCDateTime(), index=True),
        Column("attempts", Integer, nullable=False, default=0),
    )
    inbox = Table(
        "inbox", metadata,
        Column("event_id", String(32), primary_key=True),
        Column("consumer", String(80), primary_key=True),
        Column("type", String(120), nullable=False),
        Column("applied_at", UTCDateTime(), nullable=False),
    )
    from services.kernel.jobs.table import add_job_table  # here, not at the top: the jobs package imports this one

    add_job_table(metadata)
    return outbox, inbox


def write_outbox(session: Session, outbox: Table, envelope: Envelope) -> None:
    session.execute(insert(outbox).values(
        event_id=envelope.id, type=envelope.type, version=envelope.version, occurred_at=envelope.occurred_at,
        tenant_province=envelope.tenant.province, tenant_school=envelope.tenant.school,
        payload=envelope.payload, attempts=0,
    ))


def pending(session: Session, outbox: Table, limit: int) -> list[tuple[int, Envelope]]:
    rows = session.execute(
        select(outbox).where(outbox.c.published_at.is_(None)).order_by(outbox.c.seq).limit(limit)
    ).mappings()
    return [(row["seq"], _envelope(row)) for row in rows]


def _envelope(row) -> Envelope:  # type: ignore[no-untyped-def]
    return Envelope(
        id=row["event_id"], type=row["type"], version=row["version"], occurred_at=row["occurred_at"],
        tenant=Tenant(province=row["tenant_province"], school=row["tenant_school"]), payload=row["payload"],
    )


def mark_published(session: Session, outbox: Table, seqs: list[int]) -> None:
    if seqs:
        session.execute(
            update(outbox).where(outbox.c.seq.in_(seqs)).values(published_at=datetime.now(UTC))
        )


def mark_failed(session: Session, outbox: Table, seq: int) -> None:
    session.execute(update(outbox).where(outbox.c.seq == seq).values(attempts=outbox.c.attempts + 1))


def count_pending(session: Session, outbox: Table) -> int:
    from sqlalchemy import func

    return int(session.execute(
        select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
    ).scalar_one())


def claim(session: Session, inbox: Table, envelope: Envelope, consumer: str) -> bool:
    """Record that `consumer` applies `envelope` in this transaction; False if it already did."""
    values = {"event_id": envelope.id, "consumer": consumer, "type": envelope.type, "applied_at": datetime.now(UTC)}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(inbox).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(inbox).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise NotImplementedError(dialect)
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]
