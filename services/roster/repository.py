"""All of roster's SQL. Reads on behalf of a user go through tenancy.scoped(); system reads say so.
get_scoped, get_system and list_scoped (from the kernel) are re-exported for the domain modules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert
from sqlmodel import Session, select

from services.kernel.queries import get_scoped as get_scoped
from services.kernel.queries import get_system as get_system
from services.kernel.queries import list_scoped as list_scoped
from services.kernel.tenancy import Principal, scoped, unscoped_for_system
from services.roster.models import (
    AuditEntry,
    Campaign,
    Certificate,
    College,
    Coordinator,
    Erratum,
    ImportIssue,
    ImportJob,
    Province,
    ReviewBatch,
    ReviewItem,
    School,
    SchoolClass,
    Student,
    StudentChange,
    UserAccount,
)
from services.roster.validation import Issue

# --- accounts -------------------------------------------------------------------------------------------------

def user_by_username(session: Session, username: str) -> UserAccount | None:
    # Sign-in happens before there is a principal: a system read by design.
    return get_system(session, UserAccount, username=username)


def user_by_id(session: Session, principal: Principal, user_id: str) -> UserAccount | None:
    return get_scoped(session, principal, UserAccount, id=user_id)


def province(session: Session, code: str) -> Province | None:
    return session.get(Province, code)


def provinces(session: Session) -> list[Province]:
    return list(session.exec(select(Province).order_by(Province.code)))


# --- directory ------------------------------------------------------------------------------------------------

def schools(session: Session, principal: Principal) -> list[School]:
    return list_scoped(session, principal, School, School.school_code)


def school(session: Session, principal: Principal, code: str) -> School | None:
    return get_scoped(session, principal, School, school_code=code)


def school_for_system(session: Session, code: str) -> School | None:
    return get_system(session, School, school_code=code)


def colleges(session: Session, principal: Principal, school_code: str | None = None) -> list[College]:
    return list_scoped(session, principal, College, College.school_code, College.code, school_code=school_code)


def college_code_taken(session: Session, school_code: str, code: str) -> bool:
    return get_system(session, College, school_code=school_code, code=code) is not None


def colleges_by_name(session: Session, school_code: str) -> dict[str, College]:
    rows = session.exec(unscoped_for_system(select(College).where(College.school_code == school_code)))
    return {c.name: c for c in rows}


def classes_by_code(session: Session, school_code: str) -> dict[str, SchoolClass]:
    rows = session.exec(unscoped_for_system(select(SchoolClass).where(SchoolClass.school_code == school_code)))
    return {c.code: c for c in rows}


def has_any_school(session: Session) -> bool:
    return session.exec(unscoped_for_system(select(func.count()).select_from(School))).one() > 0


def coordinators(session: Session, principal: Principal, school_code: str | None) -> list[Coordinator]:
    return list_scoped(session, principal, Coordinator, Coordinator.college_id, Coordinator.kind,
                       school_code=school_code)


# --- students -------------------------------------------------------------------------------------------------

def students_page(
    session: Session, principal: Principal, *, school_code: str | None, college_id: str | None,
    class_id: str | None, status: str | None, query: str | None, offset: int, limit: int,
) -> tuple[list[Student], int]:
    stmt = scoped(select(Student), Student, principal)
    for column, value in (("school_code", school_code), ("college_id", college_id), ("class_id", class_id),
                          ("review_status", status)):
        if value:
            stmt = stmt.where(getattr(Student, column) == value)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(Student.student_no.like(like) | Student.name.like(like))  # type: ignore[attr-defined]
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(Student.school_code, Student.student_no).offset(offset).limit(limit))
    return list(rows), int(total)


def school_students(session: Session, school_code: str) -> list[Student]:
    return list(session.exec(unscoped_for_system(select(Student).where(Student.school_code == school_code))))


def student_for_signin(session: Session, school_code: str, student_no: str) -> Student | None:
    return get_system(session, Student, school_code=school_code, student_no=student_no)


def class_students(session: Session, class_id: str) -> list[Student]:
    stmt = unscoped_for_system(select(Student).where(Student.class_id == class_id).order_by(Student.student_no))
    return list(session.exec(stmt))


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


def history(session: Session, principal: Principal, student_id: str) -> list[StudentChange]:
    return list_scoped(session, principal, StudentChange, StudentChange.id, student_id=student_id)


# --- imports --------------------------------------------------------------------------------------------------

def import_jobs(session: Session, principal: Principal) -> list[ImportJob]:
    return list_scoped(session, principal, ImportJob, ImportJob.created_at.desc())  # type: ignore[attr-defined]


def add_import_issues(session: Session, job: ImportJob, issues: list[Issue]) -> None:
    """All of a validation's issues in one multi-row INSERT (a large file can have thousands)."""
    if issues:
        session.execute(insert(ImportIssue), [
            {"job_id": job.id, "school_code": job.school_code, "province_code": job.province_code, "row": i.row,
             "column": (i.column or "")[:80] or None, "field": i.field, "code": i.code, "severity": i.severity,
             "message": i.message[:400], "message_en": i.message_en[:400]}
            for i in issues
        ])


def stale_validations(session: Session) -> list[ImportJob]:
    return list(session.exec(unscoped_for_system(select(ImportJob).where(ImportJob.status == "validating"))))


def import_issues(session: Session, principal: Principal, job_id: str, severity: str | None, offset: int,
                  limit: int) -> tuple[list[ImportIssue], int]:
    stmt = scoped(select(ImportIssue), ImportIssue, principal).where(ImportIssue.job_id == job_id)
    if severity:
        stmt = stmt.where(ImportIssue.severity == severity)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(ImportIssue.id).offset(offset).limit(limit))
    return list(rows), int(total)


def all_import_issues(session: Session, job_id: str) -> list[ImportIssue]:
    stmt = unscoped_for_system(select(ImportIssue).where(ImportIssue.job_id == job_id).order_by(ImportIssue.id))
    return list(session.exec(stmt))


# --- review ---------------------------------------------------------------------------------------------------

def campaign(session: Session, province_code: str, term: str) -> Campaign | None:
    return get_system(session, Campaign, province_code=province_code, term=term)


def review_batches(session: Session, principal: Principal, status: str | None) -> list[ReviewBatch]:
    return list_scoped(session, principal, ReviewBatch, ReviewBatch.submitted_at.desc(),  # type: ignore[attr-defined]
                       status=status)


def review_items(session: Session, batch_id: str) -> list[tuple[ReviewItem, Student]]:
    stmt = unscoped_for_system(select(ReviewItem, Student).join(Student, Student.id == ReviewItem.student_id)
                               .where(ReviewItem.batch_id == batch_id).order_by(Student.student_no))
    return list(session.exec(stmt))  # type: ignore[arg-type]


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


# --- errata, certificates -------------------------------------------------------------------------------------

def errata(session: Session, principal: Principal, status: str | None, student_id: str | None) -> list[Erratum]:
    return list_scoped(session, principal, Erratum, Erratum.requested_at.desc(),  # type: ignore[attr-defined]
                       status=status, student_id=student_id)


def certificate_count(session: Session, school_code: str, year_prefix: str) -> int:
    stmt = unscoped_for_system(select(func.count()).select_from(Certificate).where(
        Certificate.school_code == school_code, Certificate.number.like(f"%-{school_code}-{year_prefix}-%")))  # type: ignore[attr-defined]
    return int(session.exec(stmt).one())


def status_counts(session: Session, principal: Principal) -> dict[str, dict[str, int]]:
    stmt = scoped(select(Student.school_code, Student.review_status, func.count()).group_by(
        Student.school_code, Student.review_status), Student, principal)
    counts: dict[str, dict[str, int]] = {}
    for school_code, status, count in session.exec(stmt):
        counts.setdefault(school_code, {})[status] = int(count)
    return counts


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


def class_student_counts(session: Session, principal: Principal, college_id: str | None,
                         school_code: str | None) -> dict[str, int]:
    stmt = scoped(select(Student.class_id, func.count()).group_by(Student.class_id), Student, principal)
    if college_id:
        stmt = stmt.where(Student.college_id == college_id)
    if school_code:
        stmt = stmt.where(Student.school_code == school_code)
    return {class_id: int(n) for class_id, n in session.exec(stmt) if class_id}
