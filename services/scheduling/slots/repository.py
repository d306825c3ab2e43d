"""All SQL of published slots. The student's own slot is found through their own (scoped) row."""

from __future__ import annotations

from sqlmodel import Session, col, select

from services.kernel.queries import get_scoped, get_system
from services.kernel.tenancy import Principal, scoped, unscoped_for_system
from services.scheduling.models import CaptureDay, PublishedSlot, SchoolView, StudentView


def own_student(session: Session, student: Principal) -> StudentView | None:
    return get_scoped(session, student, StudentView, subject_key=student.subject_key)


def slots_of_class_for_system(session: Session, class_id: str) -> list[PublishedSlot]:
    """System read: the class comes from the student's own scoped row, never from the request."""
    stmt = unscoped_for_system(select(PublishedSlot).where(PublishedSlot.class_id == class_id)
                               .order_by(col(PublishedSlot.date), col(PublishedSlot.start)))
    return list(session.exec(stmt))


def day_for_system(session: Session, day_id: str) -> CaptureDay | None:
    return get_system(session, CaptureDay, id=day_id)


def school_for_system(session: Session, code: str) -> SchoolView | None:
    return get_system(session, SchoolView, school_code=code)


def day_slots(session: Session, principal: Principal, day_id: str) -> list[PublishedSlot]:
    stmt = scoped(select(PublishedSlot).where(PublishedSlot.day_id == day_id), PublishedSlot, principal)
    return list(session.exec(stmt.order_by(col(PublishedSlot.date), col(PublishedSlot.room), col(PublishedSlot.start))))
