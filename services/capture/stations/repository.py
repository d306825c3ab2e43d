"""All of the stations feature's SQL. A photographer's reads are narrowed to the stations assigned to them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Integer, cast, func, update
from sqlmodel import Session, col, select

from services.capture.models import CaptureDay, Checkin, CheckinStatus, Photo, Station, Subject
from services.kernel.queries import get_system
from services.kernel.tenancy import Principal, Role, scoped, unscoped_for_system


def _own(stmt: Any, principal: Principal) -> Any:
    # Tenancy gives a photographer their province; a station is theirs only when assigned to them.
    if principal.role == Role.PHOTOGRAPHER:
        return stmt.where(col(Station.photographer) == principal.username)
    return stmt


def stations(session: Session, principal: Principal, day: date | None) -> list[Station]:
    stmt = _own(scoped(select(Station), Station, principal), principal)
    if day is not None:
        stmt = stmt.where(col(Station.day) == day)
    return list(session.exec(stmt.order_by(col(Station.day).desc(), col(Station.school_code), col(Station.name))))


def station(session: Session, principal: Principal, station_id: str) -> Station | None:
    stmt = _own(scoped(select(Station).where(col(Station.id) == station_id), Station, principal), principal)
    return session.exec(stmt).first()


def day_stations(session: Session, day_id: str) -> list[Station]:
    stmt = unscoped_for_system(select(Station).where(col(Station.capture_day_id) == day_id))
    return list(session.exec(stmt.order_by(col(Station.name))))


def capture_day_for_system(session: Session, school_code: str, day: date) -> CaptureDay | None:
    return get_system(session, CaptureDay, school_code=school_code, day=day)


def province_of_school(session: Session, school_code: str) -> str | None:
    subject = session.exec(unscoped_for_system(select(Subject).where(col(Subject.school_code) == school_code))).first()
    return subject.province_code if subject else None


def next_sequence_no(session: Session, station_id: str) -> int:
    """The station's next 拍摄序号 in one statement: the row lock serialises concurrent check-ins and a rolled-back
    check-in gives its number back with the rest of its transaction, so committed numbers never repeat."""
    stmt = (update(Station).where(col(Station.id) == station_id)
            .values(last_sequence_no=col(Station.last_sequence_no) + 1).returning(col(Station.last_sequence_no)))
    return int(session.execute(stmt).scalar_one())


def open_checkin(session: Session, station_id: str) -> Checkin | None:
    stmt = select(Checkin).where(col(Checkin.station_id) == station_id, col(Checkin.status) == CheckinStatus.OPEN)
    return session.exec(unscoped_for_system(stmt)).first()


def done_count(session: Session, station_id: str) -> int:
    stmt = select(func.count()).select_from(Checkin).where(
        col(Checkin.station_id) == station_id, col(Checkin.status) == CheckinStatus.DONE)
    return int(session.execute(unscoped_for_system(stmt)).scalar_one())


def queue(session: Session, school_code: str, limit: int) -> list[Subject]:
    """The next students of the school in list order who have no check-in yet (the class queue behind)."""
    seen = select(Checkin.subject_key).where(col(Checkin.school_code) == school_code)
    stmt = (select(Subject).where(col(Subject.school_code) == school_code, col(Subject.subject_key).not_in(seen))
            .order_by(col(Subject.college_name), col(Subject.class_no), col(Subject.roster_order)).limit(limit))
    return list(session.exec(unscoped_for_system(stmt)))


def subject_for_system(session: Session, subject_key: str) -> Subject | None:
    return get_system(session, Subject, subject_key=subject_key)


def photo_stats(session: Session, checkin_id: str) -> tuple[int, bool]:
    """How many versions the check-in's photo has and whether one was accepted."""
    stmt = select(func.count(), func.max(cast(col(Photo.accepted), Integer))).where(col(Photo.checkin_id) == checkin_id)
    count, accepted = session.execute(unscoped_for_system(stmt)).one()
    return int(count), bool(accepted)
