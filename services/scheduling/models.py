"""Scheduling's tables (one metadata; the kernel adds outbox and inbox). The directory views and the approved
students are read models kept from roster's events; capture days, plans, published slots and the make-up calendar
are scheduling's own.

Time: a capture day and a make-up window are local events in China. Their dates are local dates and their times
local wall-clock "HH:MM" strings, Asia/Shanghai (LOCAL_TZ), stored as such and never converted (a capture day at
09:00 is 09:00 in Nanchang whatever the server's zone). Instants (created, published) are UTC."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.kernel.db import UTCDateTime, new_registry
from services.kernel.errors import register_conflict
from services.kernel.events.outbox import add_event_tables
from services.kernel.ids import new_id
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


LOCAL_TZ = "Asia/Shanghai"


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


class StudentView(SchedulingTable, ApprovedStudent, table=True):
    """An approved student, by pseudonym (roster's projection): allocation needs class, level, queue order.
    A student principal whose subject is this pseudonym (slots/identity.py) sees their own row."""

    __subject_column__ = "subject_key"


class CaptureDay(SchedulingTable, TenantScoped, table=True):
    """One capture campaign of a school: its dates (local), daily windows, rooms and rates. Edited as a whole
    document by the agency; the school adds its preferences."""

    __tablename__ = "capture_day"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    term: str = Field(max_length=7)
    title: str = Field(default="", max_length=80)
    dates: list[str] = _json(list)  # local dates, ISO "YYYY-MM-DD" (LOCAL_TZ)
    windows: list[dict[str, str]] = _json(list)  # [{"start": "09:00", "end": "12:00"}] local, every date
    rooms: list[dict[str, Any]] = _json(list)  # [{"id": "E201", "campus": "前湖", "stations": 1}]
    blackouts: list[dict[str, Any]] = _json(list)  # [{"date", "start", "end", "room": id or None}] local
    rate_per_station_per_minute: float = 2.7
    arrival_lead_minutes: int = 20
    preferences: list[dict[str, Any]] = _json(list)  # school: [{"college_id", "campus", "date", "start"}]
    bring: list[str] = _json(list)  # what to bring, shown with every student's slot
    dress: list[str] = _json(list)  # dress rules
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class CapturePlan(SchedulingTable, TenantScoped, table=True):
    """A solved plan of a capture day: the instance it was solved from and the allocation's plan document."""

    __tablename__ = "capture_plan"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    day_id: str = Field(index=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    status: str = Field(default="solving", max_length=12)  # solving, draft, published, superseded, failed
    job_id: str | None = Field(default=None, max_length=32)
    based_on: str | None = Field(default=None, max_length=32)  # the published plan a re-plan kept classes of
    instance: dict[str, Any] = _json(dict)
    result: dict[str, Any] = _json(dict)  # allocation's Plan (by alias: "class"), or {} while solving
    labels: dict[str, Any] = _json(dict)  # class id -> {code, name, college_id, college_name}
    created_at: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PublishedSlot(SchedulingTable, TenantScoped, table=True):
    """A class's place in the published plan of a day: what timetables and "my slot" read. Local date/times."""

    __tablename__ = "published_slot"
    __table_args__ = (UniqueConstraint("day_id", "class_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    plan_id: str = Field(index=True, max_length=32)
    day_id: str = Field(index=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    class_id: str = Field(index=True, max_length=64)
    college_id: str | None = Field(default=None, index=True, max_length=32)
    class_code: str = Field(default="", max_length=40)
    class_name: str = Field(default="", max_length=80)
    college_name: str = Field(default="", max_length=80)
    students: int
    room: str = Field(max_length=64)
    campus: str | None = Field(default=None, max_length=64)
    date: date
    start: str = Field(max_length=5)
    end: str = Field(max_length=5)
    arrive: str = Field(max_length=5)


class MakeupWindow(SchedulingTable, TenantScoped, table=True):
    """A half-day of make-up captures (补拍) at the agency's office: seats, and how many are booked. `booked` only
    moves in single conditional UPDATEs (makeup/repository.py), so it never exceeds `seats`."""

    __tablename__ = "makeup_window"
    __tenant_level__ = "province"
    __student_access__ = "school"
    __table_args__ = (UniqueConstraint("province_code", "date", "period"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    province_code: str = Field(index=True, max_length=2)
    date: date  # local (LOCAL_TZ)
    period: str = Field(max_length=2)  # am | pm
    start: str = Field(max_length=5)  # local "HH:MM"
    end: str = Field(max_length=5)
    seats: int
    booked: int = 0
    location: str = Field(default="", max_length=120)
    created_at: datetime = Field(sa_type=UTCDateTime)


class MakeupBooking(SchedulingTable, TenantScoped, table=True):
    """A student's seat: one per student (unique pseudonym), moved by changing its window."""

    __tablename__ = "makeup_booking"
    __subject_column__ = "subject_key"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    window_id: str = Field(index=True, max_length=32)
    province_code: str = Field(index=True, max_length=2)
    school_code: str = Field(index=True, max_length=5)
    subject_key: str = Field(unique=True, max_length=40)
    masked_name: str = Field(max_length=60)
    college_name: str = Field(default="", max_length=80)
    class_name: str = Field(default="", max_length=80)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class BoardMark(SchedulingTable, TenantScoped, table=True):
    """The live board's read model, kept from capture's events: one row per student and local capture date,
    saying whether they checked in and were photographed. Keyed by student and date (not by event), so a replayed
    or repeated event (a retake, a second check-in) counts a student once. `class_id` is the student's class when
    first seen (the approved-student read model), which places them in their class's slot."""

    __tablename__ = "board_mark"
    __table_args__ = (UniqueConstraint("subject_key", "day"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    subject_key: str = Field(max_length=40)
    day: date = Field(index=True)  # the local (LOCAL_TZ) date the event was applied on
    class_id: str | None = Field(default=None, index=True, max_length=64)
    station_id: str = Field(default="", max_length=32)
    checkin_id: str = Field(default="", max_length=32)
    checked_in: bool = False
    photographed: bool = False
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    photographed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CertificateView(SchedulingTable, TenantScoped, table=True):
    """Make-up certificates roster issued, by the student's pseudonym: booking a make-up seat requires one."""

    __tablename__ = "certificate_view"
    __subject_column__ = "subject_key"

    number: str = Field(primary_key=True, max_length=40)
    subject_key: str = Field(index=True, max_length=40)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    issued_at: datetime = Field(sa_type=UTCDateTime)
    revoked: bool = False


register_conflict("makeup_booking", "makeup_already_booked", "你已预约补拍，请改约或取消后再预约",
                  "You already hold a make-up seat; move or cancel it")
register_conflict("makeup_window", "makeup_window_exists", "该日期该时段已设补拍窗口",
                  "A make-up window for this date and period exists")
register_conflict("published_slot", "slot_conflict", "发布冲突，请刷新后重试", "The plan changed; reload and retry")
