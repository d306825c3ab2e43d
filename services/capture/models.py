"""Capture's tables (one metadata; the kernel adds outbox and inbox). Subjects are approved students known only
by pseudonym and masked facts."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from services.kernel.db import new_registry
from services.kernel.events.outbox import add_event_tables
from services.roster.projection import ApprovedStudent


class CaptureTable(SQLModel, registry=new_registry()):
    pass


metadata = CaptureTable.metadata
outbox, inbox = add_event_tables(metadata)


class Subject(CaptureTable, ApprovedStudent, table=True):
    """Who may be photographed (roster's projection): the photographer sees the masked name of the student in
    front of them. Beyond the projection: the CHSI capture code the student registered."""

    capture_code: str | None = Field(default=None, index=True, max_length=64)
