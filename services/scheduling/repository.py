"""All of scheduling's SQL."""

from __future__ import annotations

from sqlmodel import Session, select

from services.kernel.tenancy import Principal, scoped, unscoped_for_system
from services.scheduling.models import CollegeView, SchoolView


def colleges(session: Session, principal: Principal, school_code: str | None = None) -> list[CollegeView]:
    stmt = scoped(select(CollegeView), CollegeView, principal)
    if school_code:
        stmt = stmt.where(CollegeView.school_code == school_code)
    return list(session.exec(stmt.order_by(CollegeView.school_code, CollegeView.code)))


def school(session: Session, principal: Principal, code: str) -> SchoolView | None:
    return session.exec(scoped(select(SchoolView).where(SchoolView.school_code == code), SchoolView,
                               principal)).first()


def school_for_system(session: Session, code: str) -> SchoolView | None:
    return session.exec(unscoped_for_system(select(SchoolView).where(SchoolView.school_code == code))).first()


def college_for_system(session: Session, college_id: str) -> CollegeView | None:
    stmt = unscoped_for_system(select(CollegeView).where(CollegeView.college_id == college_id))
    return session.exec(stmt).first()
