"""Review's SQL: campaigns, batches and their items, the facts behind the rule flags, and the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, select

from services.kernel.errors import register_conflict
from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.tenancy import Principal, scoped, unscoped_for_system
from services.roster.models import AuditEntry, Campaign, ReviewBatch, ReviewItem, Student

register_conflict("campaign", "campaign_exists", "该届采集工作已存在", "A campaign for this term exists")
register_conflict("reviewitem", "student_already_in_batch", "该学生已在此审核批次中",
                  "The student is already in this batch")


def campaign(session: Session, province_code: str, term: str) -> Campaign | None:
    return get_system(session, Campaign, province_code=province_code, term=term)


def campaigns(session: Session, principal: Principal) -> list[Campaign]:
    return list_scoped(session, principal, Campaign, Campaign.term.desc())  # type: ignore[attr-defined]


def review_batches(session: Session, principal: Principal, status: str | None) -> list[ReviewBatch]:
    return list_scoped(session, principal, ReviewBatch, ReviewBatch.submitted_at.desc(),  # type: ignore[attr-defined]
                       status=status)


def batch(session: Session, principal: Principal, batch_id: str) -> ReviewBatch | None:
    return get_scoped(session, principal, ReviewBatch, id=batch_id)


def review_items(session: Session, batch_id: str) -> list[tuple[ReviewItem, Student]]:
    stmt = unscoped_for_system(select(ReviewItem, Student).join(Student, Student.id == ReviewItem.student_id)
                               .where(ReviewItem.batch_id == batch_id).order_by(Student.student_no))
    return list(session.exec(stmt))  # type: ignore[arg-type]


def same_id_elsewhere(session: Session, province_code: str, school_code: str, id_numbers: Sequence[str]
                      ) -> dict[str, list[str]]:
    """Schools of the province (other than this one) that list each ID number."""
    if not id_numbers:
        return {}
    stmt = unscoped_for_system(select(Student.id_number, Student.school_code).where(
        Student.province_code == province_code, Student.school_code != school_code,
        Student.id_number.in_(list(id_numbers))))  # type: ignore[attr-defined]
    found: dict[str, list[str]] = {}
    for number, code in session.exec(stmt):
        found.setdefault(number, []).append(code)
    return found


def earlier_approvals(session: Session, student_ids: Sequence[str], term: str) -> set[str]:
    if not student_ids:
        return set()
    stmt = unscoped_for_system(select(ReviewItem.student_id).where(
        ReviewItem.student_id.in_(list(student_ids)), ReviewItem.decision == "approved",  # type: ignore[attr-defined]
        ReviewItem.term < term))
    return set(session.exec(stmt))


def latest_items(session: Session, student_ids: Sequence[str]) -> dict[str, ReviewItem]:
    if not student_ids:
        return {}
    stmt = unscoped_for_system(select(ReviewItem).where(
        ReviewItem.student_id.in_(list(student_ids))))  # type: ignore[attr-defined]
    latest: dict[str, ReviewItem] = {}
    for item in session.exec(stmt):
        current = latest.get(item.student_id)
        if current is None or (item.decided_at or item.term) > (current.decided_at or current.term):  # type: ignore[operator]
            latest[item.student_id] = item
    return latest


def audit_page(session: Session, principal: Principal, *, target_type: str | None, target_id: str | None,
               offset: int, limit: int) -> tuple[list[AuditEntry], int]:
    stmt = scoped(select(AuditEntry), AuditEntry, principal)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if target_id:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(AuditEntry.id.desc()).offset(offset).limit(limit))  # type: ignore[union-attr]
    return list(rows), int(total)
