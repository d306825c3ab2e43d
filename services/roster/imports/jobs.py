"""The import's long work, run by the kernel's job runner: validating an uploaded roster. Any replica may claim
it; a crash resumes it from the start (validation writes nothing until it has a verdict); progress shows on the
import page; when the job gives up (failed after its retries, or cancelled) the import says so."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.kernel.jobs import JobContext, JobKind, JobOutcome
from services.kernel.uow import UnitOfWork
from services.roster.imports import repository as repo
from services.roster.imports.rosterfile import RosterFileError
from services.roster.imports.service import PROGRESS_EVERY, VALIDATE_IMPORT, load_code_tables, validate
from services.roster.imports.validation import ValidationReport
from services.roster.models import ImportJob


def validate_import(job: JobContext, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Validate every row and store the issues and counts; progress is a checkpoint every PROGRESS_EVERY rows."""
    uow = job.uow()
    record = repo.job_for_system(uow.session, payload["import_id"])
    if record is None or record.status != "validating":
        return None  # discarded meanwhile, or already done by an earlier attempt
    codes = load_code_tables(job.settings.roster_code_tables_file)

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            record.progress = done
            uow.session.add(record)
            job.progress(done, total)

    try:
        report = validate(uow.session, job.runtime.blobs, record, codes, progress)
    except RosterFileError as exc:
        # The file itself is the problem: a verdict, not a failure of the job.
        record.status, record.error_code, record.error_message = "failed", exc.code, exc.zh[:400]
        uow.session.add(record)
        return {"status": "failed", "code": exc.code}
    _store_report(uow.session, record, report)
    return {"status": "validated", "rows": record.rows, "errors": record.errors}


def _store_report(session: Session, job: ImportJob, report: ValidationReport) -> None:
    counts = report.counts
    job.rows, job.accepted, job.updates = counts["rows"], counts["accepted"], counts["updates"]
    job.warnings, job.errors, job.progress = counts["warnings"], counts["errors"], counts["rows"]
    job.rows_with_errors = counts["rows_with_errors"]
    job.status = "validated"
    session.add(job)
    repo.add_import_issues(session, job, report.issues, report.who)


def give_up(uow: UnitOfWork, payload: dict[str, Any], outcome: JobOutcome) -> None:
    """The validation will not finish: the import shows why instead of validating for ever."""
    record = repo.job_for_system(uow.session, payload["import_id"])
    if record is None or record.status != "validating":
        return
    record.status = "failed"
    if outcome.state == "cancelled":
        record.error_code, record.error_message = "validation_cancelled", "校验已取消，请重新上传"
    else:
        record.error_code = outcome.code or "validation_failed"
        record.error_message = (outcome.zh or "校验失败，请重新上传")[:400]
    uow.session.add(record)


KINDS = [JobKind(VALIDATE_IMPORT, validate_import, on_give_up=give_up)]
