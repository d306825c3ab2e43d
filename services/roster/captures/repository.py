"""All of the captures feature's SQL (system reads: an event consumer, no user drives them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.kernel.queries import get_system
from services.kernel.tenancy import unscoped_for_system
from services.roster.models import ReviewItem, Student, StudentCapture


def student_by_key(session: Session, subject_key: str) -> Student | None:
    return get_system(session, Student, subject_key=subject_key)


def approved_term(session: Session, student_id: str) -> str | None:
    """The latest term the student was approved for (the campaign the photo belongs to)."""
    stmt = select(func.max(ReviewItem.term)).where(col(ReviewItem.student_id) == student_id,
                                                   col(ReviewItem.decision) == "approved")
    return session.execute(unscoped_for_system(stmt)).scalar_one_or_none()


def capture(session: Session, student_id: str, term: str) -> StudentCapture | None:
    return get_system(session, StudentCapture, student_id=student_id, term=term)


def captured_terms(session: Session, student_ids: Sequence[str]) -> dict[str, list[str]]:
    """Student -> the terms they were photographed in, oldest first, in one query."""
    if not student_ids:
        return {}
    stmt = unscoped_for_system(select(StudentCapture.student_id, StudentCapture.term)
                               .where(col(StudentCapture.student_id).in_(list(student_ids)))
                               .order_by(col(StudentCapture.term)))
    found: dict[str, list[str]] = {}
    for student_id, term in session.exec(stmt):
        found.setdefault(student_id, []).append(term)
    return found
