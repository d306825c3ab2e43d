"""The dead-letter table every service database has: events a consumer gave up on, with the error, until an
admin replays them (consumer.replay) or they are fixed at the source. One row per (consumer, event): an event
that is dead-lettered again (its ack was lost, or a replay failed) updates its row instead of adding one."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.kernel.db import UTCDateTime
from services.kernel.events.bus import DeadLetter
from services.kernel.events.envelope import Envelope, Tenant
from services.kernel.ids import new_id

TABLE = "dead_letter"


def add_dead_letter_table(metadata: MetaData) -> Table:
    return Table(
        TABLE, metadata,
        Column("id", String(32), primary_key=True),
        Column("event_id", String(64), nullable=False),
        Column("consumer", String(80), nullable=False),
        Column("type", String(120), nullable=False),  # the subject when the message did not decode
        Column("version", Integer),
        Column("occurred_at", UTCDateTime()),
        Column("tenant_province", String(8)),
        Column("tenant_school", String(8)),
        Column("payload", JSON, nullable=False),  # {"raw_base64": ...} when the message did not decode
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("first_failed_at", UTCDateTime(), nullable=False),
        Column("last_failed_at", UTCDateTime(), nullable=False),
        UniqueConstraint("consumer", "event_id"),
    )


def dead_letter_table(metadata: MetaData) -> Table:
    return metadata.tables[TABLE]


def record(session: Session, table: Table, consumer: str, letter: DeadLetter) -> None:
    """Insert the dead letter, or add its attempts to the row the same event already has."""
    envelope = letter.envelope
    values: dict[str, Any] = {
        "id": new_id(), "event_id": letter.event_id, "consumer": consumer,
        "type": envelope.type if envelope else letter.subject, "version": envelope.version if envelope else None,
        "occurred_at": envelope.occurred_at if envelope else None,
        "tenant_province": envelope.tenant.province if envelope else None,
        "tenant_school": envelope.tenant.school if envelope else None,
        "payload": envelope.payload if envelope else {"raw_base64": base64.b64encode(letter.raw or b"").decode()},
        "error": letter.error, "attempts": letter.attempts,
        "first_failed_at": letter.first_failed_at, "last_failed_at": letter.last_failed_at,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.consumer, table.c.event_id],
        set_={"error": stmt.excluded.error, "last_failed_at": stmt.excluded.last_failed_at,
              "attempts": table.c.attempts + stmt.excluded.attempts},
    )
    session.execute(stmt)


def failed_again(session: Session, table: Table, letter_id: str, error: str, at: datetime) -> None:
    session.execute(update(table).where(table.c.id == letter_id).values(
        error=error, last_failed_at=at, attempts=table.c.attempts + 1))


def listing(session: Session, table: Table, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    rows = session.execute(
        select(table).order_by(table.c.last_failed_at.desc(), table.c.id).limit(limit).offset(offset)
    ).mappings().all()
    total = session.execute(select(func.count()).select_from(table)).scalar_one()
    return [dict(row) for row in rows], int(total)


def get(session: Session, table: Table, letter_id: str) -> dict[str, Any] | None:
    row = session.execute(select(table).where(table.c.id == letter_id)).mappings().first()
    return dict(row) if row else None


def remove(session: Session, table: Table, letter_id: str) -> None:
    session.execute(delete(table).where(table.c.id == letter_id))


def envelope_of(row: dict[str, Any]) -> Envelope | None:
    """The event a dead letter holds; None if the message never decoded (nothing to replay)."""
    if row["version"] is None or row["occurred_at"] is None:
        return None
    return Envelope(id=row["event_id"], type=row["type"], version=row["version"], occurred_at=row["occurred_at"],
                    tenant=Tenant(province=row["tenant_province"], school=row["tenant_school"]),
                    payload=row["payload"])
