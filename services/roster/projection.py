"""The approved-student projection roster ships for its consumers (public, like events.py and schemas.py).

Scheduling, capture and payments each keep their own table of approved students in their own database; this
module gives them the columns (`ApprovedStudent`, the fields of `StudentFacts`, all already masked) and the
handlers that keep such a table in step with roster's events, so a consumer is one line plus its own extras:

    class Subject(CaptureTable, ApprovedStudent, table=True):
        capture_code: str | None = ...

    Consumer("subjects", "roster.>", handlers=approved_students_handlers(Subject))

Every write is a single Core statement keyed by subject_key (or by college_id / class_id for renames): one
round trip per event, idempotent when an event is applied again, and nothing cached in the session's identity
map that a later bulk UPDATE could leave stale.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Table, delete, update
from sqlmodel import Field, Session, SQLModel

from services.kernel.db import table_of, upsert_insert
from services.kernel.events.consumer import EventHandler
from services.kernel.events.event import Event
from services.kernel.tenancy import TenantScoped
from services.kernel.uow import UnitOfWork
from services.roster.events import (
    ClassUpdated,
    CollegeUpdated,
    StudentApproved,
    StudentFacts,
    StudentUpdated,
    StudentWithdrawn,
)


class ApprovedStudent(SQLModel, TenantScoped):
    """Columns of an approved student, by pseudonym. Mix into a service's table class after its base:
    `class StudentView(SchedulingTable, ApprovedStudent, table=True)`. Tenant scoped by construction; a student
    sees only their own row (by the key in their token)."""

    __subject_column__ = "subject_key"

    subject_key: str = Field(primary_key=True, max_length=40)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    term: str = Field(max_length=7)
    college_id: str | None = Field(default=None, index=True, max_length=32)
    college_name: str | None = Field(default=None, max_length=80)
    class_id: str | None = Field(default=None, index=True, max_length=32)
    class_no: str | None = Field(default=None, max_length=40)
    class_name: str | None = Field(default=None, max_length=80)
    campus: str | None = Field(default=None, max_length=80)
    level: str = Field(max_length=20)
    sex: str = Field(max_length=2)
    masked_name: str = Field(max_length=60)
    masked_id_number: str = Field(max_length=40)
    roster_order: int = 0


# The columns the projection owns; a service's extra columns (capture_code, ...) are never touched by it.
FACT_COLUMNS = frozenset(ApprovedStudent.model_fields)


def approved_students_handlers(model: type[ApprovedStudent]) -> dict[type[Event], EventHandler]:
    """Handlers that keep `model`'s table equal to roster's approved students: approval and updates upsert by
    subject_key, withdrawal deletes, college and class renames rewrite the names on every row of theirs."""
    table = table_of(model)

    def upsert(uow: UnitOfWork, event: StudentFacts) -> None:
        upsert_student(uow.session, table, event)

    def withdraw(uow: UnitOfWork, event: StudentWithdrawn) -> None:
        uow.session.execute(delete(table).where(table.c.subject_key == event.subject_key))

    def college_renamed(uow: UnitOfWork, event: CollegeUpdated) -> None:
        uow.session.execute(update(table).where(table.c.college_id == event.college_id)
                            .values(college_name=event.name))

    def class_renamed(uow: UnitOfWork, event: ClassUpdated) -> None:
        # Downstream, class_no is the class's code (班号) and class_name its name.
        uow.session.execute(update(table).where(table.c.class_id == event.class_id)
                            .values(class_no=event.code, class_name=event.name))

    return {StudentApproved: upsert, StudentUpdated: upsert, StudentWithdrawn: withdraw,
            CollegeUpdated: college_renamed, ClassUpdated: class_renamed}


def upsert_student(session: Session, table: Table, facts: StudentFacts) -> None:
    """Insert the student's facts, or overwrite them: an event carries the full current facts, so a value that
    became None (left a class) is cleared. An empty term keeps the one known (roster sends "" when the
    student's latest review item has none)."""
    values = facts.model_dump(include=set(FACT_COLUMNS))
    changes = {k: v for k, v in values.items() if k != "subject_key" and not (k == "term" and not v)}
    stmt = upsert_insert(session, table).values(**values)
    session.execute(stmt.on_conflict_do_update(index_elements=[table.c.subject_key], set_=changes))


def merge_handlers(*maps: Mapping[type[Event], EventHandler]) -> dict[type[Event], EventHandler]:
    """One handler map from several; where more than one handles an event class, each runs, in the order the
    maps are given, in the same unit of work (e.g. the projection renames students, then scheduling its
    CollegeView)."""
    chains: dict[type[Event], list[EventHandler]] = {}
    for handlers in maps:
        for cls, fn in handlers.items():
            chains.setdefault(cls, []).append(fn)
    return {cls: fns[0] if len(fns) == 1 else _chain(fns) for cls, fns in chains.items()}


def _chain(fns: list[EventHandler]) -> Callable[[UnitOfWork, Any], None]:
    def run(uow: UnitOfWork, event: Any) -> None:
        for fn in fns:
            fn(uow, event)

    return run
