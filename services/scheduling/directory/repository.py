"""All of the directory feature's SQL. Reads for users go through the tenant scope; the `*_for_system` look-ups
serve the event consumer, which no user drives."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from services.kernel.queries import get_system
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


def classes(session: Session, principal: Principal, school_code: str | None) -> list[ClassView]:
    stmt = scoped(select(ClassView), ClassView, principal)
    if school_code:
        stmt = stmt.where(ClassView.school_code == school_code)
    return list(session.exec(stmt.order_by(ClassView.school_code, ClassView.code)))


def approved_by_class(session: Session, principal: Principal) -> dict[str | None, int]:
    """Approved students per class id, in one GROUP BY (not one count per class)."""
    counts = scoped(select(StudentView.class_id, func.count()).group_by(StudentView.class_id), StudentView,
                    principal)
    return {class_id: int(n) for class_id, n in session.exec(counts)}


def approved_count(session: Session, principal: Principal, school_code: str) -> int:
    stmt = scoped(select(func.count()).select_from(StudentView).where(StudentView.school_code == school_code),
                  StudentView, principal)
    return int(session.exec(stmt).one())


def school_for_system(session: Session, code: str) -> SchoolView | None:
    return get_system(session, SchoolView, school_code=code)


def college_for_system(session: Session, college_id: str) -> CollegeView | None:
    return get_system(session, CollegeView, college_id=college_id)


def class_for_system(session: Session, class_id: str) -> ClassView | None:
    return get_system(session, ClassView, class_id=class_id)
