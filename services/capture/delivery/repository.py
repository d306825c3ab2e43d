"""All of the delivery feature's SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import Session, col, select

from services.capture.models import Anomaly, CaptureDay, Checkin, DeliveryItem, DeliveryPackage, Photo, Subject
from services.kernel.tenancy import Principal, scoped, unscoped_for_system


def school_known(session: Session, principal: Principal, school_code: str) -> str | None:
    """The school's province if the caller may see it in capture (it has approved students or a capture day)."""
    for model in (Subject, CaptureDay):
        stmt = scoped(select(model.province_code).where(model.school_code == school_code), model, principal)
        province = session.exec(stmt.limit(1)).first()
        if province is not None:
            return str(province)
    return None


def subjects(session: Session, principal: Principal, school_code: str, term: str) -> list[Subject]:
    stmt = scoped(select(Subject).where(col(Subject.school_code) == school_code, col(Subject.term) == term),
                  Subject, principal)
    return list(session.exec(stmt.order_by(col(Subject.college_name), col(Subject.class_no),
                                           col(Subject.roster_order), col(Subject.subject_key))))


def subjects_for_system(session: Session, keys: Sequence[str]) -> dict[str, Subject]:
    found: dict[str, Subject] = {}
    for start in range(0, len(keys), 500):
        stmt = select(Subject).where(col(Subject.subject_key).in_(list(keys[start:start + 500])))
        found.update({s.subject_key: s for s in session.exec(unscoped_for_system(stmt))})
    return found


def current_accepted(session: Session, school_code: str) -> dict[str, Photo]:
    """Each student's newest accepted photo version at the school (a retake that passed replaces the earlier)."""
    stmt = select(Photo).where(col(Photo.school_code) == school_code, col(Photo.accepted).is_(True))
    current: dict[str, Photo] = {}
    for photo in session.exec(unscoped_for_system(stmt)):
        held = current.get(photo.subject_key)
        if held is None or photo.version > held.version:
            current[photo.subject_key] = photo
    return current


def subjects_with_open_anomalies(session: Session, school_code: str) -> set[str]:
    """Students an open anomaly names, directly, as the other student of a face mix-up (both photos are held back:
    either could be the wrong one), or through the check-in it was raised on."""
    open_ = (col(Anomaly.school_code) == school_code, col(Anomaly.status) == "open")
    direct = select(Anomaly.subject_key).where(*open_, col(Anomaly.subject_key).is_not(None))
    other = select(Anomaly.other_subject_key).where(*open_, col(Anomaly.other_subject_key).is_not(None))
    via_checkin = (select(Checkin.subject_key).join(Anomaly, col(Anomaly.checkin_id) == col(Checkin.id))
                   .where(*open_))
    keys: set[str | None] = set()
    for stmt in (direct, other, via_checkin):
        keys |= set(session.exec(unscoped_for_system(stmt)))
    return {k for k in keys if k}


def live_package(session: Session, school_code: str, term: str, naming: str, content_sha256: str
                 ) -> DeliveryPackage | None:
    """The package of this school, term and naming being made now, else a ready one with exactly this content."""
    same = (col(DeliveryPackage.school_code) == school_code, col(DeliveryPackage.term) == term,
            col(DeliveryPackage.naming) == naming)
    active = select(DeliveryPackage).where(*same, col(DeliveryPackage.status).in_(("queued", "running")))
    found = session.exec(unscoped_for_system(active)).first()
    if found is not None:
        return found
    ready = select(DeliveryPackage).where(*same, col(DeliveryPackage.status) == "ready",
                                          col(DeliveryPackage.content_sha256) == content_sha256)
    return session.exec(unscoped_for_system(ready)).first()


def older_ready(session: Session, package: DeliveryPackage) -> list[DeliveryPackage]:
    stmt = select(DeliveryPackage).where(
        col(DeliveryPackage.school_code) == package.school_code, col(DeliveryPackage.term) == package.term,
        col(DeliveryPackage.naming) == package.naming, col(DeliveryPackage.status) == "ready",
        col(DeliveryPackage.id) != package.id)
    return list(session.exec(unscoped_for_system(stmt)))


def items(session: Session, package_id: str) -> list[DeliveryItem]:
    stmt = select(DeliveryItem).where(col(DeliveryItem.package_id) == package_id).order_by(
        col(DeliveryItem.position))
    return list(session.exec(unscoped_for_system(stmt)))


def packages(session: Session, principal: Principal, school_code: str | None, term: str | None
             ) -> list[DeliveryPackage]:
    stmt = scoped(select(DeliveryPackage), DeliveryPackage, principal)
    if school_code:
        stmt = stmt.where(col(DeliveryPackage.school_code) == school_code)
    if term:
        stmt = stmt.where(col(DeliveryPackage.term) == term)
    return list(session.exec(stmt.order_by(col(DeliveryPackage.created_at).desc()).limit(200)))


def package(session: Session, principal: Principal, package_id: str) -> DeliveryPackage | None:
    stmt = scoped(select(DeliveryPackage).where(col(DeliveryPackage.id) == package_id), DeliveryPackage, principal)
    return session.exec(stmt).first()


def package_for_system(session: Session, package_id: str) -> DeliveryPackage | None:
    stmt = select(DeliveryPackage).where(col(DeliveryPackage.id) == package_id)
    return session.exec(unscoped_for_system(stmt)).first()


def leave_out(session: Session, package_id: str, reasons: dict[str, str]) -> None:
    for key, reason in reasons.items():
        session.execute(update(DeliveryItem).where(col(DeliveryItem.package_id) == package_id,
                                                   col(DeliveryItem.subject_key) == key)
                        .values(excluded_reason=reason))
