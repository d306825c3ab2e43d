"""All of the proofreading feature's SQL. Staff reads start from the scoped subjects (`subject_keys`) and read
photos, verdicts and reports of those keys only, so coordinators and monitors see their college or class although
photos carry no class; a student's reads are by the key in their own token."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, update
from sqlmodel import Session, col, select

from services.capture.models import Photo, Proof, ProofDeadline, ProofReport, Subject, utcnow
from services.kernel.db import table_of, upsert_insert
from services.kernel.queries import get_system
from services.kernel.tenancy import Principal, scoped, unscoped_for_system

# Keys: a list of subject keys, or a scoped SELECT of them (one query instead of thousands of parameters).
Keys = Any


def subject_keys(principal: Principal, school_code: str | None, class_id: str | None) -> Any:
    stmt = scoped(select(Subject.subject_key), Subject, principal)
    if school_code:
        stmt = stmt.where(col(Subject.school_code) == school_code)
    if class_id:
        stmt = stmt.where(col(Subject.class_id) == class_id)
    return stmt


def subjects(session: Session, principal: Principal, school_code: str | None, class_id: str | None
             ) -> list[Subject]:
    stmt = scoped(select(Subject), Subject, principal)
    if school_code:
        stmt = stmt.where(col(Subject.school_code) == school_code)
    if class_id:
        stmt = stmt.where(col(Subject.class_id) == class_id)
    order = (col(Subject.school_code), col(Subject.class_no), col(Subject.roster_order))
    return list(session.exec(stmt.order_by(*order)))


def own_subject(session: Session, principal: Principal) -> Subject | None:
    return session.exec(scoped(select(Subject), Subject, principal)).first()


def latest_photos(session: Session, keys: Keys) -> dict[str, Photo]:
    """Each subject's latest accepted photo version (the one delivery would take)."""
    latest = (select(col(Photo.subject_key), func.max(Photo.version).label("version"))
              .where(col(Photo.accepted).is_(True), col(Photo.subject_key).in_(keys))
              .group_by(col(Photo.subject_key)).subquery())
    stmt = select(Photo).join(latest, and_(col(Photo.subject_key) == latest.c.subject_key,
                                           col(Photo.version) == latest.c.version))
    # System read: limited to the keys above, which are the caller's own or came through scoped().
    return {p.subject_key: p for p in session.exec(unscoped_for_system(stmt))}


def proofs(session: Session, keys: Keys) -> dict[str, Proof]:
    stmt = select(Proof).where(col(Proof.subject_key).in_(keys)).execution_options(populate_existing=True)
    return {p.subject_key: p for p in session.exec(unscoped_for_system(stmt))}


def reports(session: Session, keys: Keys, *, open_only: bool) -> dict[str, list[ProofReport]]:
    stmt = select(ProofReport).where(col(ProofReport.subject_key).in_(keys))
    if open_only:
        stmt = stmt.where(col(ProofReport.state) == "open")
    found: dict[str, list[ProofReport]] = {}
    for report in session.exec(unscoped_for_system(stmt.order_by(col(ProofReport.created_at).desc()))):
        found.setdefault(report.subject_key, []).append(report)
    return found


def report_of(session: Session, subject_key: str, version: int, kind: str) -> ProofReport | None:
    return get_system(session, ProofReport, subject_key=subject_key, version=version, kind=kind)


def deadlines(session: Session, school_codes: Iterable[str]) -> dict[tuple[str, str], datetime]:
    stmt = select(ProofDeadline).where(col(ProofDeadline.school_code).in_(sorted(set(school_codes))))
    return {(d.school_code, d.term): d.deadline for d in session.exec(unscoped_for_system(stmt))}


def deadlines_in_scope(session: Session, principal: Principal, school_code: str | None) -> list[ProofDeadline]:
    stmt = scoped(select(ProofDeadline), ProofDeadline, principal)
    if school_code:
        stmt = stmt.where(col(ProofDeadline.school_code) == school_code)
    return list(session.exec(stmt.order_by(col(ProofDeadline.school_code), col(ProofDeadline.term))))


def deadline_row(session: Session, school_code: str, term: str) -> ProofDeadline | None:
    return get_system(session, ProofDeadline, school_code=school_code, term=term)


def set_verdict(session: Session, photo: Photo, state: str, *, only_if_changed: bool) -> bool:
    """The student's verdict on `photo` in one statement (concurrent confirms settle in the database: the second
    changes nothing); True when this call changed it."""
    table = table_of(Proof)
    values = {"subject_key": photo.subject_key, "school_code": photo.school_code,
              "province_code": photo.province_code, "photo_id": photo.id, "version": photo.version, "state": state,
              "decided_at": utcnow()}
    changes = {k: v for k, v in values.items() if k != "subject_key"}
    stmt = upsert_insert(session, table).values(**values)
    where = ((table.c.version != photo.version) | (table.c.state != state)) if only_if_changed else None
    # RETURNING, not rowcount: a row comes back only when inserted or updated (rowcount is -1 on psycopg here).
    upsert = stmt.on_conflict_do_update(index_elements=[table.c.subject_key], set_=changes, where=where)
    return session.execute(upsert.returning(table.c.subject_key)).first() is not None


def resolve_reports(session: Session, resolution: str, *, subject_key: str | None = None,
                    before_version: int | None = None, version: int | None = None, kind: str | None = None,
                    anomaly_id: str | None = None) -> None:
    stmt = update(ProofReport).where(col(ProofReport.state) == "open")
    if subject_key is not None:
        stmt = stmt.where(col(ProofReport.subject_key) == subject_key)
    if before_version is not None:
        stmt = stmt.where(col(ProofReport.version) < before_version)
    if version is not None:
        stmt = stmt.where(col(ProofReport.version) == version)
    if kind is not None:
        stmt = stmt.where(col(ProofReport.kind) == kind)
    if anomaly_id is not None:
        stmt = stmt.where(col(ProofReport.anomaly_id) == anomaly_id)
    session.execute(stmt.values(state="resolved", resolution=resolution, resolved_at=utcnow()))
