"""All SQL of capture days. User reads go through the tenant scope."""

from __future__ import annotations

from sqlmodel import Session, col, select

from services.kernel.queries import get_scoped
from services.kernel.tenancy import Principal, scoped
from services.scheduling.models import CaptureDay, CapturePlan, CollegeView, SchoolView


def day(session: Session, principal: Principal, day_id: str) -> CaptureDay | None:
    return get_scoped(session, principal, CaptureDay, id=day_id)


def days(session: Session, principal: Principal, school_code: str | None, term: str | None) -> list[CaptureDay]:
    stmt = scoped(select(CaptureDay), CaptureDay, principal)
    if school_code:
        stmt = stmt.where(CaptureDay.school_code == school_code)
    if term:
        stmt = stmt.where(CaptureDay.term == term)
    return list(session.exec(stmt.order_by(col(CaptureDay.school_code), col(CaptureDay.created_at))))


def school(session: Session, principal: Principal, school_code: str) -> SchoolView | None:
    return get_scoped(session, principal, SchoolView, school_code=school_code)


def college_ids(session: Session, principal: Principal, school_code: str) -> set[str]:
    stmt = scoped(select(CollegeView.college_id).where(CollegeView.school_code == school_code), CollegeView,
                  principal)
    return set(session.exec(stmt))


def school_names(session: Session, principal: Principal, school_codes: set[str]) -> dict[str, str]:
    stmt = scoped(select(SchoolView.school_code, SchoolView.name), SchoolView, principal)
    stmt = stmt.where(col(SchoolView.school_code).in_(school_codes))
    return dict(session.exec(stmt).all())


def plan_statuses(session: Session, principal: Principal, day_ids: list[str]) -> dict[str, list[str]]:
    """Each day's plan statuses, newest first (one query for all the days)."""
    stmt = scoped(select(CapturePlan.day_id, CapturePlan.status), CapturePlan, principal)
    stmt = stmt.where(col(CapturePlan.day_id).in_(day_ids)).order_by(col(CapturePlan.created_at).desc())
    out: dict[str, list[str]] = {}
    for day_id, status in session.exec(stmt):
        out.setdefault(day_id, []).append(status)
    return out
