"""Payments' tables (one metadata; the kernel adds outbox and inbox). Payers are approved students known by
pseudonym: who may owe the capture fee."""

from __future__ import annotations

from sqlmodel import SQLModel

from services.kernel.db import new_registry
from services.kernel.events.outbox import add_event_tables
from services.roster.projection import ApprovedStudent


class PaymentsTable(SQLModel, registry=new_registry()):
    pass


metadata = PaymentsTable.metadata
outbox, inbox = add_event_tables(metadata)


class Payer(PaymentsTable, ApprovedStudent, table=True):
    """Who may owe the capture fee (roster's projection); nothing of payments' own yet."""
