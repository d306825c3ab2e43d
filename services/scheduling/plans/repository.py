"""All SQL of plans and published slots. User reads go through the tenant scope; `*_for_system` reads serve the
solving job, which no user drives."""

from __future__ import annotations

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.tenancy import Principal, scoped
from services.scheduling.models import CapturePlan, PublishedSlot, StudentView


def plan(session: Session, principal: Principal, plan_id: str) -> CapturePlan | None:
    return get_scoped(session, principal, CapturePlan, id=plan_id)


def plans_of_day(session: Session, principal: Principal, day_id: str) -> list[CapturePlan]:
    return list_scoped(session, principal, CapturePlan, CapturePlan.created_at.desc(), day_id=day_id)  # type: ignore[attr-defined]


def published(session: Session, principal: Principal, day_id: str) -> CapturePlan | None:
    return get_scoped(session, principal, CapturePlan, day_id=day_id, status="published")


def plan_for_system(session: Session, plan_id: str) -> CapturePlan | None:
    return get_system(session, CapturePlan, id=plan_id)


def class_groups(session: Session, principal: Principal, school_code: str) -> list[tuple]:  # type: ignore[type-arg]
    """Approved students per (college, class): count, a level and a campus (the most frequent is not needed:
    a class is one level and one campus in practice; min/max pick one deterministically)."""
    s = StudentView
    stmt = scoped(select(s.college_id, s.college_name, s.class_id, s.class_no, s.class_name, func.count(),
                         func.min(s.level), func.max(s.campus))
                  .where(s.school_code == school_code)
                  .group_by(s.college_id, s.college_name, s.class_id, s.class_no, s.class_name)
                  .order_by(s.college_name, s.class_no), s, principal)
    return list(session.exec(stmt))  # type: ignore[call-overload]


def supersede(session: Session, day_id: str) -> None:
    session.execute(update(CapturePlan).where(CapturePlan.day_id == day_id, CapturePlan.status == "published")
                    .values(status="superseded"))


def replace_slots(session: Session, day_id: str, slots: list[PublishedSlot]) -> None:
    session.execute(delete(PublishedSlot).where(PublishedSlot.day_id == day_id))  # type: ignore[arg-type]
    session.add_all(slots)
