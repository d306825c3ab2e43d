"""All of the photos feature's SQL."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.capture.models import FaceEmbedding, Photo, Station, Subject
from services.kernel.tenancy import Principal, Role, scoped, unscoped_for_system


def by_content(session: Session, checkin_id: str, digest: str) -> Photo | None:
    stmt = select(Photo).where(col(Photo.checkin_id) == checkin_id, col(Photo.original_sha256) == digest)
    return session.exec(unscoped_for_system(stmt)).first()


def last_version(session: Session, subject_key: str) -> int:
    stmt = select(func.max(Photo.version)).where(col(Photo.subject_key) == subject_key)
    return int(session.execute(unscoped_for_system(stmt)).scalar_one() or 0)


def has_accepted(session: Session, subject_key: str) -> bool:
    stmt = select(Photo.id).where(col(Photo.subject_key) == subject_key, col(Photo.accepted).is_(True))
    return session.exec(unscoped_for_system(stmt)).first() is not None


def photo(session: Session, principal: Principal, photo_id: str) -> Photo | None:
    """A photo the caller may see; a photographer only those taken at their stations."""
    stmt = scoped(select(Photo).where(col(Photo.id) == photo_id), Photo, principal)
    if principal.role == Role.PHOTOGRAPHER:
        stmt = stmt.where(col(Photo.station_id).in_(
            select(Station.id).where(col(Station.photographer) == principal.username)))
    return session.exec(stmt).first()


def photo_for_system(session: Session, photo_id: str) -> Photo | None:
    return session.exec(unscoped_for_system(select(Photo).where(col(Photo.id) == photo_id))).first()


def subject_term(session: Session, subject_key: str) -> str | None:
    stmt = select(Subject.term).where(col(Subject.subject_key) == subject_key)
    return session.exec(unscoped_for_system(stmt)).first()


def has_embedding(session: Session, photo_id: str) -> bool:
    stmt = select(FaceEmbedding.photo_id).where(col(FaceEmbedding.photo_id) == photo_id)
    return session.exec(unscoped_for_system(stmt)).first() is not None


def embeddings(session: Session, school_code: str, term: str) -> list[FaceEmbedding]:
    """Every face of one school and campaign, in capture order (the guard's matrix: 512 B a row)."""
    stmt = (select(FaceEmbedding)
            .where(col(FaceEmbedding.school_code) == school_code, col(FaceEmbedding.term) == term)
            .order_by(col(FaceEmbedding.created_at), col(FaceEmbedding.photo_id)))
    return list(session.exec(unscoped_for_system(stmt)))


def embedded_checkins(session: Session, subject_key: str) -> set[str]:
    """The check-ins of a student's photos the guard has embedded: the one being shot again (a retake) or an
    earlier one (the photo is a make-up shoot's)."""
    stmt = (select(Photo.checkin_id).join(FaceEmbedding, col(FaceEmbedding.photo_id) == col(Photo.id))
            .where(col(FaceEmbedding.subject_key) == subject_key))
    return set(session.exec(unscoped_for_system(stmt)))
