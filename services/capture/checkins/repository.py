"""All of the check-ins feature's SQL. Lookups that decide a binding read system-wide on purpose: a student open
at another school's or photographer's station must still be found, or the refusal could not be given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.capture.models import Checkin, CheckinStatus, Photo, Station, Subject
from services.kernel.tenancy import Principal, Role, scoped, unscoped_for_system


def subject(session: Session, subject_key: str) -> Subject | None:
    return session.exec(unscoped_for_system(select(Subject).where(col(Subject.subject_key) == subject_key))).first()


def subjects_by_capture_code(session: Session, code: str) -> list[Subject]:
    stmt = select(Subject).where(func.upper(Subject.capture_code) == code)
    return list(session.exec(unscoped_for_system(stmt).limit(2)))


def open_checkin_of_subject(session: Session, subject_key: str) -> Checkin | None:
    stmt = select(Checkin).where(col(Checkin.subject_key) == subject_key, col(Checkin.status) == CheckinStatus.OPEN)
    return session.exec(unscoped_for_system(stmt)).first()


def last_capture_at(session: Session, subject_key: str) -> datetime | None:
    """When the student's latest accepted photo was taken in (None: never photographed)."""
    stmt = select(func.max(Photo.created_at)).where(col(Photo.subject_key) == subject_key,
                                                    col(Photo.accepted).is_(True))
    value: datetime | None = session.execute(unscoped_for_system(stmt)).scalar_one()
    return value


def open_checkin_of_station(session: Session, station_id: str) -> Checkin | None:
    stmt = select(Checkin).where(col(Checkin.station_id) == station_id, col(Checkin.status) == CheckinStatus.OPEN)
    return session.exec(unscoped_for_system(stmt).with_for_update()).first()


def has_accepted_photo(session: Session, checkin_id: str) -> bool:
    stmt = select(Photo.id).where(col(Photo.checkin_id) == checkin_id, col(Photo.accepted).is_(True))
    return session.exec(unscoped_for_system(stmt)).first() is not None


def has_photos(session: Session, checkin_id: str) -> bool:
    stmt = select(Photo.id).where(col(Photo.checkin_id) == checkin_id)
    return session.exec(unscoped_for_system(stmt)).first() is not None


def checkin(session: Session, principal: Principal, checkin_id: str) -> Checkin | None:
    """A check-in the caller may see; a photographer sees only those of their own stations."""
    stmt = scoped(select(Checkin).where(col(Checkin.id) == checkin_id), Checkin, principal)
    if principal.role == Role.PHOTOGRAPHER:
        mine = select(Station.id).where(col(Station.photographer) == principal.username)
        stmt = stmt.where(col(Checkin.station_id).in_(mine))
    return session.exec(stmt).first()
