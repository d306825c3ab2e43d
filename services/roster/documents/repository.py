"""The documents' SQL: the rows a printout gathers (always through the scoped queries) and counts per school."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from services.kernel.queries import list_scoped
from services.kernel.tenancy import Principal, scoped
from services.roster.models import College, Erratum, ReviewItem, SchoolClass, Student


def classes(session: Session, principal: Principal, school_code: str | None, college_id: str | None,
            class_id: str | None) -> list[SchoolClass]:
    return list_scoped(session, principal, SchoolClass, SchoolClass.code, school_code=school_code,
                       college_id=college_id, id=class_id)


def colleges(session: Session, principal: Principal, school_code: str | None = None) -> list[College]:
    return list_scoped(session, principal, College, College.code, school_code=school_code)


def students(session: Session, principal: Principal, school_code: str | None, college_id: str | None = None,
             class_id: str | None = None) -> list[Student]:
    """In 学号 order: the order a class queues in."""
    return list_scoped(session, principal, Student, Student.student_no, school_code=school_code,
                       college_id=college_id, class_id=class_id)


def review_items(session: Session, principal: Principal, school_code: str, term: str) -> list[ReviewItem]:
    return list_scoped(session, principal, ReviewItem, ReviewItem.id, school_code=school_code, term=term)


def status_counts(session: Session, principal: Principal) -> dict[str, dict[str, int]]:
    stmt = scoped(select(Student.school_code, Student.review_status, func.count()).group_by(
        Student.school_code, Student.review_status), Student, principal)
    counts: dict[str, dict[str, int]] = {}
    for school_code, status, count in session.exec(stmt):
        counts.setdefault(school_code, {})[status] = int(count)
    errata = scoped(select(Erratum.school_code, func.count()).where(Erratum.status == "pending")
                    .group_by(Erratum.school_code), Erratum, principal)
    for school_code, count in session.exec(errata):
        counts.setdefault(school_code, {})["errata_pending"] = int(count)
    return counts
