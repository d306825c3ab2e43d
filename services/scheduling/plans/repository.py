"""All SQL of plans and published slots. User reads go through the tenant scope; `*_for_system` reads serve the
solving job, which no user drives."""

from __future__ import annotations

from sqlalchemy import Row, delete, func, select, update
from sqlmodel import Session, col

from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.tenancy import Principal, scoped
from services.scheduling.models import CapturePlan, PublishedSlot, StudentView

# (college_id, college_name, class_id, class_no, class_name, approved count, a level, a campus)
ClassGroup = Row[str | None, str | None, str | None, str | None, str | None, int, str, str | None]


def plan(session: Session, principal: Principal, plan_id: str) -> CapturePlan | None:
    return get_scoped(session, principal, CapturePlan, id=plan_id)


def plans_of_day(session: Session, principal: Principal, day_id: str) -> list[CapturePlan]:
    return list_scoped(session, principal, CapturePlan, col(CapturePlan.created_at).desc(), day_id=day_id)


def published(session: Session, principal: Principal, day_id: str) -> CapturePlan | None:
    return get_scoped(session, principal, CapturePlan, day_id=day_id, status="published")


def plan_for_system(session: Session, plan_id: str) -> CapturePlan | None:
    return get_system(session, CapturePlan, id=plan_id)


def class_groups(session: Session, principal: Principal, school_code: str) -> list[ClassGroup]:
    """Approved students per (college, class): count, a level and a campus (the most frequent is not needed:
    a class is one level and one campus in practice; min/max pick one deterministically)."""
    s = StudentView
    keys = (col(s.college_id), col(s.college_name), col(s.class_id), col(s.class_no), col(s.class_name))
    # SQLAlchemy's select: sqlmodel's is typed for at most four columns.
    stmt = scoped(select(*keys, func.count(), func.min(col(s.level)), func.max(col(s.campus)))
                  .where(col(s.school_code) == school_code)
                  .group_by(*keys)
                  .order_by(col(s.college_name), col(s.class_no)), s, principal)
    return list(session.execute(stmt))


def supersede(session: Session, day_id: str) -> None:
    session.execute(update(CapturePlan).where(col(CapturePlan.day_id) == day_id, col(CapturePlan.status) == "published")
                    .values(status="superseded"))


def replace_slots(session: Session, day_id: str, slots: list[PublishedSlot]) -> None:
    session.execute(delete(PublishedSlot).where(col(PublishedSlot.day_id) == day_id))
    session.add_all(slots)
