"""Imports' SQL: jobs, their issues (inserted in bulk), and the validations a restart interrupted."""

from __future__ import annotations

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.tenancy import Principal, scoped, unscoped_for_system
from services.roster.imports.validation import Issue
from services.roster.models import ImportIssue, ImportJob


def import_jobs(session: Session, principal: Principal) -> list[ImportJob]:
    return list_scoped(session, principal, ImportJob, col(ImportJob.created_at).desc())


def job(session: Session, principal: Principal, job_id: str) -> ImportJob | None:
    return get_scoped(session, principal, ImportJob, id=job_id)


def job_for_system(session: Session, job_id: str) -> ImportJob | None:
    return get_system(session, ImportJob, id=job_id)


def add_import_issues(session: Session, job: ImportJob, issues: list[Issue],
                      who: dict[int, tuple[str | None, str | None]] | None = None) -> None:
    """All of a validation's issues in one multi-row INSERT (a large file can have thousands), each with the
    学号 and 姓名 of its row as written."""
    who = who or {}
    if issues:
        session.execute(insert(ImportIssue), [
            {"job_id": job.id, "school_code": job.school_code, "province_code": job.province_code, "row": i.row,
             "column": (i.column or "")[:80] or None, "field": i.field, "code": i.code, "severity": i.severity,
             "message": i.message[:400], "message_en": i.message_en[:400],
             "student_no": who.get(i.row or 0, (None, None))[0], "student_name": who.get(i.row or 0, (None, None))[1]}
            for i in issues
        ])


def import_issues(session: Session, principal: Principal, job_id: str, severity: str | None, offset: int,
                  limit: int) -> tuple[list[ImportIssue], int]:
    stmt = scoped(select(ImportIssue), ImportIssue, principal).where(ImportIssue.job_id == job_id)
    if severity:
        stmt = stmt.where(ImportIssue.severity == severity)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(ImportIssue.id)).offset(offset).limit(limit))
    return list(rows), int(total)


def waiting_with_same_file(session: Session, school_code: str, sha256: str) -> ImportJob | None:
    """An import of the school with the same content still waiting (validating, or validated and not confirmed)."""
    stmt = unscoped_for_system(select(ImportJob).where(
        ImportJob.school_code == school_code, ImportJob.sha256 == sha256,
        col(ImportJob.status).in_(["validating", "validated"])).order_by(col(ImportJob.created_at).desc()))
    return session.exec(stmt).first()


def all_import_issues(session: Session, job_id: str) -> list[ImportIssue]:
    stmt = unscoped_for_system(select(ImportIssue).where(ImportIssue.job_id == job_id).order_by(col(ImportIssue.id)))
    return list(session.exec(stmt))
