"""All of scheduling's SQL."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from services.kernel.tenancy import Principal, scoped
from services.scheduling.models import ClassView, CollegeView, SchoolView, StudentView


def colleges(session: Session, principal: Principal, school_code: str | None = None) -> list[CollegeView]:
    stmt = scoped(select(CollegeView), CollegeView, principal)
    if school_code:
        stmt = stmt.where(CollegeView.school_code == school_code)
    return list(session.exec(stmt.order_by(CollegeView.school_code, CollegeView.code)))


def school(session: Session, principal: Principal, code: str) -> SchoolView | None:
    return session.exec(scoped(select(SchoolView).where(SchoolView.school_code == code), SchoolView,
                               principal)).first()


def classes(session: Session, principal: Principal, school_code: str | None) -> list[tuple[ClassView, int]]:
    counts = scoped(select(StudentView.class_id, func.count()).group_by(StudentView.class_id), StudentView,
                    principal)
    approved = {class_id: int(n) for class_id, n in session.exec(counts)}
    stmt = scoped(select(ClassView), ClassView, principal)
    if school_code:
        stmt = stmt.where(ClassView.school_code == school_code)
    return [(c, approved.get(c.class_id, 0)) for c in session.exec(stmt.order_by(ClassView.school_code,
                                                                                 ClassView.code))]


def approved_count(session: Session, principal: Principal, school_code: str) -> int:
    stmt = scoped(select(func.count()).select_from(StudentView).where(StudentView.school_code == school_code),
                  StudentView, principal)
    return int(session.exec(stmt).one())
