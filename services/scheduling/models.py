"""Scheduling's tables (one metadata; the kernel adds outbox and inbox). The directory views and the approved
students are read models kept from roster's events."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.kernel.db import UTCDateTime, new_registry
from services.kernel.events.outbox import add_event_tables
from services.kernel.tenancy import TenantScoped
from services.roster.projection import ApprovedStudent


class SchedulingTable(SQLModel, registry=new_registry()):
    pass


metadata = SchedulingTable.metadata
outbox, inbox = add_event_tables(metadata)


class SchoolView(SchedulingTable, TenantScoped, table=True):
    school_code: str = Field(primary_key=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    name: str = Field(default="", max_length=80)
    college_count: int = 0  # incremented per applied event: a double-applied event would show here
    updated_at: datetime = Field(sa_type=UTCDateTime)


class CollegeView(SchedulingTable, TenantScoped, table=True):
    college_id: str = Field(primary_key=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    code: str = Field(max_length=20)
    name: str = Field(max_length=80)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ClassView(SchedulingTable, TenantScoped, table=True):
    class_id: str = Field(primary_key=True, max_length=32)
    college_id: str = Field(index=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    code: str = Field(max_length=40)
    name: str = Field(max_length=80)


class StudentView(SchedulingTable, ApprovedStudent, table=True):
    """An approved student, by pseudonym (roster's projection): allocation needs class, level, queue order."""
