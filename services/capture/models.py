"""Capture's tables."""

from __future__ import annotations

from sqlmodel import SQLModel

from services.kernel.db import new_registry
from services.kernel.events.outbox import add_event_tables


class CaptureTable(SQLModel, registry=new_registry()):
    pass


metadata = CaptureTable.metadata
outbox, inbox = add_event_tables(metadata)
