"""Payments' tables. Payers are approved students known by pseudonym: who may owe the capture fee."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from services.kernel.db import new_registry
from services.kernel.events.outbox import add_event_tables
from services.kernel.tenancy import TenantScoped


class PaymentsTable(SQLModel, registry=new_registry()):
    pass


metadata = PaymentsTable.metadata
outbox, inbox = add_event_tables(metadata)


class Payer(PaymentsTable, TenantScoped, table=True):
    subject_key: str = Field(primary_key=True, max_length=40)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    term: str = Field(max_length=7)
    class_id: str | None = Field(default=None, index=True, max_length=32)
    class_no: str | None = Field(default=None, max_length=40)
    masked_name: str = Field(max_length=60)
