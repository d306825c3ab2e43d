"""The transactional outbox and the consumer inbox (and the dead letters, dead_letters.py): tables every service
database has. An event is written in the same transaction as the state change it announces; a consumer records
each event id it applied in the same transaction as its own change, so redelivery never applies it twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    MetaData,
    RowMapping,
    String,
    Table,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from services.kernel.db import UTCDateTime
from services.kernel.events.dead_letters import add_dead_letter_table
from services.kernel.events.envelope import Envelope, Tenant

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
_Seq = BigInteger().with_variant(Integer(), "sqlite")


def add_event_tables(metadata: MetaData) -> tuple[Table, Table]:
    """The outbox and the inbox; the dead_letter table is added to `metadata` too (dead_letter_table() finds it),
    so every service has it without naming it in its models."""
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
    add_dead_letter_table(metadata)
    return outbox, inbox


_BUFFER, _LISTENING = "tucai_outbox_rows", "tucai_outbox_listening"


def write_outbox(session: Session, outbox: Table, envelope: Envelope) -> None:
    """Add `envelope` to the transaction's outbox rows. They are inserted together, in emit order, in one
    executemany just before the transaction commits (one round trip instead of one per event: emitting was
    the slowest step of the event path), and dropped if it rolls back. Nothing reads the outbox before commit."""
    row = {"event_id": envelope.id, "type": envelope.type, "version": envelope.version,
           "occurred_at": envelope.occurred_at, "tenant_province": envelope.tenant.province,
           "tenant_school": envelope.tenant.school, "payload": envelope.payload, "attempts": 0}
    if not session.info.get(_LISTENING):
        event.listen(session, "before_commit", _insert_buffered)
        event.listen(session, "after_rollback", _discard_buffered)
        session.info[_LISTENING] = True
    session.info.setdefault(_BUFFER, []).append((outbox, row))


def _insert_buffered(session: Session) -> None:
    buffered: list[tuple[Table, dict[str, Any]]] = session.info.pop(_BUFFER, [])
    by_table: dict[Table, list[dict[str, Any]]] = {}
    for table, row in buffered:
        by_table.setdefault(table, []).append(row)
    for table, rows in by_table.items():
        session.execute(insert(table), rows)


def _discard_buffered(session: Session) -> None:
    session.info.pop(_BUFFER, None)


def pending(session: Session, outbox: Table, limit: int) -> list[tuple[int, Envelope]]:
    rows = session.execute(
        select(outbox).where(outbox.c.published_at.is_(None)).order_by(outbox.c.seq).limit(limit)
    ).mappings()
    return [(row["seq"], _envelope(row)) for row in rows]


def _envelope(row: RowMapping) -> Envelope:
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
    return envelope.id in claim_many(session, inbox, [envelope], consumer)


def claim_many(session: Session, inbox: Table, envelopes: list[Envelope], consumer: str) -> set[str]:
    """Record that `consumer` applies `envelopes` in this transaction, in one statement; returns the ids that
    are new (the others were applied before). A concurrent transaction claiming one of them makes this wait on
    its key, then find it taken."""
    if not envelopes:
        return set()
    now = datetime.now(UTC)
    types = {e.id: e.type for e in envelopes}  # an id twice in the batch is claimed once
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Two array parameters instead of four per row: the statement text stays short and the same for every
        # batch (building and parsing a 1,000-parameter VALUES list cost more than the insert itself).
        unnest = text(
            f"INSERT INTO {inbox.name} (event_id, consumer, type, applied_at) "
            "SELECT e.id, :consumer, e.type, :now FROM unnest(CAST(:ids AS varchar[]), CAST(:types AS varchar[])) "
            "AS e(id, type) ON CONFLICT DO NOTHING RETURNING event_id"
        )
        params = {"consumer": consumer, "now": now, "ids": list(types), "types": list(types.values())}
        return set(session.execute(unnest, params).scalars())
    if dialect != "sqlite":  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise NotImplementedError(dialect)
    rows = [{"event_id": i, "consumer": consumer, "type": t, "applied_at": now} for i, t in types.items()]
    # executemany + RETURNING: one multi-row INSERT ("insertmanyvalues") from a statement compiled once.
    many = sqlite.insert(inbox).on_conflict_do_nothing().returning(inbox.c.event_id)
    return set(session.execute(many, rows).scalars())
