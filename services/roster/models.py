"""Roster's tables: the directory (provinces, agencies, schools, colleges) and accounts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from services.kernel.db import UTCDateTime, new_registry
from services.kernel.events.outbox import add_event_tables
from services.kernel.ids import new_id
from services.kernel.tenancy import TenantScoped


class RosterTable(SQLModel, registry=new_registry()):
    pass


metadata = RosterTable.metadata
outbox, inbox = add_event_tables(metadata)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Province(RosterTable, table=True):
    code: str = Field(primary_key=True, max_length=2)  # GB/T 2260 first two digits, "36" 江西
    name: str = Field(max_length=20)


class Agency(RosterTable, TenantScoped, table=True):
    __tenant_level__ = "province"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    province_code: str = Field(foreign_key="province.code", index=True, max_length=2)
    name: str = Field(max_length=80)


class School(RosterTable, TenantScoped, table=True):
    school_code: str = Field(primary_key=True, max_length=5)  # 院校代码
    province_code: str = Field(foreign_key="province.code", index=True, max_length=2)
    name: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class College(RosterTable, TenantScoped, table=True):
    __table_args__ = (UniqueConstraint("school_code", "code"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(foreign_key="school.school_code", index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    code: str = Field(max_length=20)
    name: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserAccount(RosterTable, TenantScoped, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    username: str = Field(unique=True, max_length=64)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=32)
    display_name: str = Field(max_length=80)
    province_code: str | None = Field(default=None, index=True, max_length=2)
    school_code: str | None = Field(default=None, index=True, max_length=5)
    is_demo: bool = False
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
