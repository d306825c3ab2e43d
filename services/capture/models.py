"""Capture's tables. Subjects are approved students known only by pseudonym and masked facts."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from services.kernel.db import new_registry
from services.kernel.events.outbox import add_event_tables
from services.kernel.tenancy import TenantScoped


class CaptureTable(SQLModel, registry=new_registry()):
    pass


metadata = CaptureTable.metadata
outbox, inbox = add_event_tables(metadata)


class Subject(CaptureTable, TenantScoped, table=True):
    """Who may be photographed: the photographer sees the masked name of the student in front of them."""

    subject_key: str = Field(primary_key=True, max_length=40)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    term: str = Field(max_length=7)
    college_id: str | None = Field(default=None, index=True, max_length=32)
    college_name: str | None = Field(default=None, max_length=80)
    class_id: str | None = Field(default=None, index=True, max_length=32)
    class_no: str | None = Field(default=None, max_length=40)
    level: str = Field(max_length=20)
    sex: str = Field(max_length=2)
    masked_name: str = Field(max_length=60)
    masked_id_number: str = Field(max_length=40)
    roster_order: int = 0
    capture_code: str | None = Field(default=None, index=True, max_length=64)
