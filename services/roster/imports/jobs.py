"""The import's background work: validating an uploaded roster, and failing validations a restart interrupted.

This is the one place in roster that commits by itself: the validation runs after the upload's response, in
its own units of work, and commits its progress as it goes so the registrar sees it move. (It becomes a kernel
job with a lease, progress and cancel once the kernel's job runner lands.)"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from services.kernel.blobstore import BlobStore
from services.kernel.uow import UnitOfWork
from services.roster.imports import repository as repo
from services.roster.imports.rosterfile import RosterFileError
from services.roster.imports.service import PROGRESS_EVERY, validate
from services.roster.imports.validation import ValidationReport
from services.roster.models import ImportJob
from services.roster.rules.codes import CodeTables


def run_validation(make_uow: Callable[[], UnitOfWork], blobs: BlobStore, job_id: str, codes: CodeTables) -> None:
    """Background: validate every row, store the issues and counts. Progress is committed as it goes."""
    with make_uow() as uow:
        job = repo.job_for_system(uow.session, job_id)
        if job is None or job.status != "validating":
            return

        def progress(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                with make_uow() as tick:
                    row = repo.job_for_system(tick.session, job_id)
                    if row is not None:
                        row.progress = done
                        tick.commit()

        try:
            report = validate(uow.session, blobs, job, codes, progress)
        except RosterFileError as exc:
            job.status, job.error_code, job.error_message = "failed", exc.code, exc.zh[:400]
            uow.session.add(job)
            uow.commit()
            return
        _store_report(uow.session, job, report)
        uow.commit()


def _store_report(session: Session, job: ImportJob, report: ValidationReport) -> None:
    counts = report.counts
    job.rows, job.accepted, job.updates = counts["rows"], counts["accepted"], counts["updates"]
    job.warnings, job.errors, job.progress = counts["warnings"], counts["errors"], counts["rows"]
    job.rows_with_errors = counts["rows_with_errors"]
    job.status = "validated"
    session.add(job)
    repo.add_import_issues(session, job, report.issues)


def fail_interrupted(uow: UnitOfWork) -> int:
    """At start-up: validations that were running when the process stopped will never finish; say so.
    (Roster runs one replica; with several, this would need a lease per job.)"""
    stale = repo.stale_validations(uow.session)
    for job in stale:
        job.status, job.error_code = "failed", "validation_interrupted"
        job.error_message = "校验因服务重启而中断，请重新上传"
        uow.session.add(job)
    return len(stale)
