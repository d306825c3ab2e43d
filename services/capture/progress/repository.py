"""All of the school progress's SQL: one grouped query over the approved students the caller may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, cast, exists, func, select
from sqlmodel import Session, col

from services.capture.models import Checkin, CheckinStatus, Photo, Subject
from services.kernel.tenancy import Principal, scoped


def by_class(session: Session, principal: Principal, school_code: str, term: str | None) -> list[Any]:
    """Per college and class: approved, checked in (a check-in that was not voided), photographed (an accepted
    photo). The check-in and photo subqueries are correlated to the scoped subjects, so they count nothing the
    caller may not see."""
    checked_in = exists().where(col(Checkin.subject_key) == col(Subject.subject_key),
                                col(Checkin.status) != CheckinStatus.VOID)
    photographed = exists().where(col(Photo.subject_key) == col(Subject.subject_key), col(Photo.accepted).is_(True))
    groups: list[Any] = [Subject.college_id, Subject.college_name, Subject.class_id, Subject.class_no,
                         Subject.class_name]
    counts: list[Any] = [func.count().label("approved"), func.sum(cast(checked_in, Integer)).label("checked_in"),
                         func.sum(cast(photographed, Integer)).label("photographed")]
    stmt = (select(*groups, *counts)
            .where(col(Subject.school_code) == school_code)
            .group_by(*groups)
            .order_by(col(Subject.college_name), col(Subject.class_no)))
    if term:
        stmt = stmt.where(col(Subject.term) == term)
    return list(session.execute(scoped(stmt, Subject, principal)))
