"""Review's SQL: campaigns, batches and their items, the facts behind the rule flags, and the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, tuple_
from sqlalchemy import select as core_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from services.kernel.db import table_of
from services.kernel.errors import register_conflict
from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.reads import ReadSession
from services.kernel.tenancy import Principal, scoped, unscoped_for_system
from services.roster.models import AuditEntry, Campaign, ReviewBatch, ReviewItem, Student, StudentCapture, StudentChange

register_conflict("campaign", "campaign_exists", "该届采集工作已存在", "A campaign for this term exists")
register_conflict("reviewitem", "student_already_in_batch", "该学生已在此审核批次中",
                  "The student is already in this batch")


def campaign(session: Session, province_code: str, term: str) -> Campaign | None:
    return get_system(session, Campaign, province_code=province_code, term=term)


def campaigns(session: Session, principal: Principal) -> list[Campaign]:
    return list_scoped(session, principal, Campaign, col(Campaign.term).desc())


def review_batches(session: Session, principal: Principal, status: str | None) -> list[ReviewBatch]:
    return list_scoped(session, principal, ReviewBatch, col(ReviewBatch.submitted_at).desc(),
                       status=status)


def batch(session: Session, principal: Principal, batch_id: str) -> ReviewBatch | None:
    return get_scoped(session, principal, ReviewBatch, id=batch_id)


def review_items(session: Session, batch_id: str) -> list[tuple[ReviewItem, Student]]:
    stmt = unscoped_for_system(select(ReviewItem, Student).join(Student, col(Student.id) == ReviewItem.student_id)
                               .where(ReviewItem.batch_id == batch_id).order_by(Student.student_no))
    return list(session.exec(stmt))


def items_of_batches(session: Session, batch_ids: Sequence[str]) -> dict[str, list[tuple[ReviewItem, Student]]]:
    """The items of several batches with their students (学号 order), in one query."""
    found: dict[str, list[tuple[ReviewItem, Student]]] = {batch_id: [] for batch_id in batch_ids}
    if not batch_ids:
        return found
    stmt = unscoped_for_system(select(ReviewItem, Student).join(Student, col(Student.id) == ReviewItem.student_id)
                               .where(col(ReviewItem.batch_id).in_(list(batch_ids)))
                               .order_by(Student.student_no))
    for item, student in session.exec(stmt):
        found[item.batch_id].append((item, student))
    return found


def campaigns_for(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Campaign]:
    """Campaigns by (province, term), in one query."""
    if not keys:
        return {}
    stmt = unscoped_for_system(select(Campaign).where(
        tuple_(Campaign.province_code, Campaign.term).in_(sorted(keys))))
    return {(c.province_code, c.term): c for c in session.exec(stmt)}


def listed_elsewhere(session: Session, batch_ids: Sequence[str]) -> dict[tuple[str, str], list[str]]:
    """(batch, student) -> the other schools of the province that list the student's ID number. A self-join,
    so a batch of thousands costs one query and no list of thousands of parameters."""
    if not batch_ids:
        return {}
    own, other = aliased(Student), aliased(Student)
    stmt = unscoped_for_system(
        select(ReviewItem.batch_id, own.id, other.school_code)
        .join(own, col(own.id) == ReviewItem.student_id)
        .join(other, (col(other.id_number) == own.id_number) & (col(other.province_code) == own.province_code)
              & (col(other.school_code) != own.school_code))
        .where(col(ReviewItem.batch_id).in_(list(batch_ids)))
        .order_by(other.school_code))
    found: dict[tuple[str, str], list[str]] = {}
    for batch_id, student_id, school_code in session.exec(stmt):
        found.setdefault((batch_id, student_id), []).append(school_code)
    return found


def captured_earlier(session: Session, batch_ids: Sequence[str]) -> dict[tuple[str, str], list[str]]:
    """(batch, student) -> the earlier terms the student was photographed in (recorded from capture's events),
    in one query."""
    if not batch_ids:
        return {}
    stmt = unscoped_for_system(
        select(ReviewItem.batch_id, ReviewItem.student_id, StudentCapture.term).distinct()
        .join(StudentCapture, (col(StudentCapture.student_id) == ReviewItem.student_id)
              & (col(StudentCapture.term) < ReviewItem.term))
        .where(col(ReviewItem.batch_id).in_(list(batch_ids)))
        .order_by(StudentCapture.term))
    found: dict[tuple[str, str], list[str]] = {}
    for batch_id, student_id, term in session.exec(stmt):
        found.setdefault((batch_id, student_id), []).append(term)
    return found


def latest_items(session: Session, student_ids: Sequence[str]) -> dict[str, ReviewItem]:
    if not student_ids:
        return {}
    stmt = unscoped_for_system(select(ReviewItem).where(
        col(ReviewItem.student_id).in_(list(student_ids))))
    latest: dict[str, ReviewItem] = {}
    for item in session.exec(stmt):
        current = latest.get(item.student_id)
        # Ids are time-ordered (UUIDv7): the newest submission is the latest item, decided or still pending.
        if current is None or item.id > current.id:
            latest[item.student_id] = item
    return latest


def latest_rejection_reason(reads: ReadSession | Session, student_id: str) -> str | None:
    """The reason of a student's latest review item when it rejected them (ids are time-ordered, UUIDv7)."""
    item = table_of(ReviewItem).c
    stmt = unscoped_for_system(core_select(item.decision, item.reason).where(item.student_id == student_id)
                               .order_by(item.id.desc()).limit(1))
    row = reads.execute(stmt).first()
    return str(row.reason) if row is not None and row.decision == "rejected" else None


def audit_page(session: Session, principal: Principal, *, target_type: str | None, target_id: str | None,
               offset: int, limit: int) -> tuple[list[AuditEntry], int]:
    stmt = scoped(select(AuditEntry), AuditEntry, principal)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if target_id:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit))
    return list(rows), int(total)


def corrected_since_rejection(session: Session, school_code: str) -> set[str]:
    """The school's students whose data changed (an erratum, an edit, a new import) after their latest rejection,
    in one query."""
    rejected = (select(ReviewItem.student_id, func.max(ReviewItem.decided_at).label("at"))
                .where(ReviewItem.school_code == school_code, ReviewItem.decision == "rejected")
                .group_by(ReviewItem.student_id).subquery())
    changed = (select(StudentChange.student_id, func.max(StudentChange.at).label("at"))
               .where(StudentChange.school_code == school_code)
               .group_by(StudentChange.student_id).subquery())
    stmt = unscoped_for_system(select(rejected.c.student_id).join(
        changed, changed.c.student_id == rejected.c.student_id).where(changed.c.at > rejected.c.at))
    return set(session.exec(stmt))
