"""All SQL of the live board. Consumers read and write marks as the system; the board reads through the scope."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from services.kernel.queries import get_system
from services.kernel.tenancy import Principal, scoped
from services.scheduling.models import BoardMark, PublishedSlot, StudentView


def mark_for_system(session: Session, subject_key: str, day: date) -> BoardMark | None:
    return get_system(session, BoardMark, subject_key=subject_key, day=day)


def class_of_for_system(session: Session, subject_key: str) -> str | None:
    student = get_system(session, StudentView, subject_key=subject_key)
    return student.class_id if student else None


def marks(session: Session, principal: Principal, school_code: str, day: date) -> list[BoardMark]:
    stmt = scoped(select(BoardMark).where(col(BoardMark.school_code) == school_code, col(BoardMark.day) == day),
                  BoardMark, principal)
    return list(session.exec(stmt))


def slots(session: Session, principal: Principal, day_id: str, day: date) -> list[PublishedSlot]:
    stmt = scoped(select(PublishedSlot).where(col(PublishedSlot.day_id) == day_id, col(PublishedSlot.date) == day),
                  PublishedSlot, principal)
    return list(session.exec(stmt.order_by(col(PublishedSlot.room), col(PublishedSlot.start))))
