"""All of the subjects feature's SQL (the projection's own writes live in services.roster.projection)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col

from services.capture.models import Subject
from services.kernel.queries import list_scoped
from services.kernel.tenancy import Principal


def subjects(session: Session, principal: Principal, school_code: str | None, class_id: str | None) -> list[Subject]:
    return list_scoped(session, principal, Subject, Subject.school_code, Subject.class_no, Subject.roster_order,
                       school_code=school_code, class_id=class_id)


def set_capture_code(session: Session, subject_key: str, capture_code: str) -> None:
    # One statement, like the projection's writes; a subject not (or no longer) approved matches no row.
    session.execute(update(Subject).where(col(Subject.subject_key) == subject_key).values(capture_code=capture_code))


def set_makeup_certified_at(session: Session, subject_key: str, issued_at: datetime) -> None:
    column = col(Subject.makeup_certified_at)
    session.execute(update(Subject).where(col(Subject.subject_key) == subject_key,
                                          or_(column.is_(None), column < issued_at))
                    .values(makeup_certified_at=issued_at))
