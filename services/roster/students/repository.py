"""Students' SQL: the school's list, one record, a class in roster order, the history of changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from services.kernel.db import table_of
from services.kernel.errors import register_conflict
from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.reads import ReadSession
from services.kernel.tenancy import Principal, own_params, own_rows, scoped, unscoped_for_system
from services.roster.models import College, School, SchoolClass, Student, StudentCapture, StudentChange

# One table, three unique keys (学号, ID number per school; the pseudonym): one stable code for all of them.
register_conflict("student", "student_exists", "该学生（学号或证件号码）已存在", "The student already exists")


def student(session: Session, principal: Principal, student_id: str) -> Student | None:
    return get_scoped(session, principal, Student, id=student_id)


class OwnStudent(NamedTuple):
    """A student's own record as read for them: read-only, no ORM object (the notice-day hot read)."""

    id: str
    school_code: str
    student_no: str
    exam_no: str | None
    name: str
    sex: str
    birth_date: date | None
    id_type: str
    id_number: str
    ethnicity: str | None
    political: str | None
    major_code: str | None
    major_name: str | None
    level: str
    duration: str | None
    study_mode: str | None
    entry_date: date | None
    expected_graduation: date | None
    college_id: str | None
    class_id: str | None
    campus: str | None
    review_status: str
    subject_key: str | None
    capture_code: str | None
    school_name: str | None
    captured_terms: tuple[str, ...]  # the terms they were photographed in, in no order


@cache
def _own_student() -> Select[*tuple[Any, ...]]:
    # Built (and so compiled) once: the caller's rule is bind parameters (tenancy.own_rows), not literals. One row
    # per term they were photographed in (one row with NULL if none): no aggregate, whose separator SQLAlchemy
    # would render into the SQL on every execution.
    student, school, captures = table_of(Student).c, table_of(School).c, table_of(StudentCapture).c
    columns = [student[name] for name in OwnStudent._fields[:-2]]
    joined = (table_of(Student).outerjoin(table_of(School), school.school_code == student.school_code)
              .outerjoin(table_of(StudentCapture), captures.student_id == student.id))
    return own_rows(core_select(*columns, school.name, captures.term).select_from(joined), Student)


def own_student(reads: ReadSession, principal: Principal) -> OwnStudent | None:
    """The signed-in student's record, their school's name and the terms they were photographed in: one query."""
    rows = reads.execute(_own_student(), own_params(principal)).all()
    if not rows:
        return None
    return OwnStudent._make((*rows[0][:-1], tuple(row[-1] for row in rows if row[-1] is not None)))


def by_id_number(session: Session, principal: Principal, school_code: str | None, id_number: str
                 ) -> list[Student]:
    """Students in scope with this ID number (unique per school, so several only across schools)."""
    return list_scoped(session, principal, Student, col(Student.school_code), id_number=id_number,
                       school_code=school_code)


def student_for_system(session: Session, student_id: str) -> Student | None:
    return get_system(session, Student, id=student_id)


def students_for_system(session: Session, student_ids: Sequence[str]) -> dict[str, Student]:
    if not student_ids:
        return {}
    stmt = unscoped_for_system(select(Student).where(col(Student.id).in_(sorted(set(student_ids)))))
    return {s.id: s for s in session.exec(stmt)}


def students_page(
    session: Session, principal: Principal, *, school_code: str | None, college_id: str | None,
    class_id: str | None, status: str | None, query: str | None, offset: int, limit: int,
) -> tuple[list[Student], int]:
    stmt = scoped(select(Student), Student, principal)
    for column, value in (("school_code", school_code), ("college_id", college_id), ("class_id", class_id),
                          ("review_status", status)):
        if value:
            stmt = stmt.where(getattr(Student, column) == value)
    if query:
        # What was typed is matched as text: % and _ are no wildcards (a search for "%" is not every student).
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(col(Student.student_no).like(like, escape="\\")
                          | col(Student.name).like(like, escape="\\"))
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(Student.school_code, Student.student_no).offset(offset).limit(limit))
    return list(rows), int(total)


def school_students(session: Session, school_code: str) -> list[Student]:
    return list(session.exec(unscoped_for_system(select(Student).where(Student.school_code == school_code))))


def roster_orders(session: Session, class_ids: Sequence[str]) -> dict[str, int]:
    """Each approved student's position among the approved students of their class in 学号 order (1, 2, 3 …
    without gaps), for these classes in one query: the capture day's queue and the class list's 序号."""
    if not class_ids:
        return {}
    position = func.row_number().over(partition_by=Student.class_id, order_by=Student.student_no)
    stmt = unscoped_for_system(select(Student.id, position).where(
        col(Student.class_id).in_(sorted(set(class_ids))), col(Student.review_status) == "approved"))
    return {student_id: int(order) for student_id, order in session.exec(stmt)}


def approved_in_classes(session: Session, class_ids: Sequence[str]) -> list[Student]:
    """The approved students of these classes (one query)."""
    if not class_ids:
        return []
    stmt = unscoped_for_system(select(Student).where(
        col(Student.class_id).in_(sorted(set(class_ids))), col(Student.review_status) == "approved"))
    return list(session.exec(stmt))


def colleges_for_system(session: Session, college_ids: Sequence[str]) -> dict[str, College]:
    if not college_ids:
        return {}
    stmt = unscoped_for_system(select(College).where(col(College.id).in_(sorted(set(college_ids)))))
    return {c.id: c for c in session.exec(stmt)}


def classes_for_system(session: Session, class_ids: Sequence[str]) -> dict[str, SchoolClass]:
    if not class_ids:
        return {}
    stmt = unscoped_for_system(select(SchoolClass).where(col(SchoolClass.id).in_(sorted(set(class_ids)))))
    return {c.id: c for c in session.exec(stmt)}


def history(session: Session, principal: Principal, student_id: str) -> list[StudentChange]:
    return list_scoped(session, principal, StudentChange, StudentChange.id, student_id=student_id)
