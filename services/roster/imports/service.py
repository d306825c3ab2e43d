"""Staged roster import: upload (file-level checks at once), validation in the background with progress,
a report of every issue, then an all-or-nothing commit that creates or updates students by 学号."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from services.kernel.blobstore import BlobStore
from services.kernel.errors import Conflict, FieldIssue, NotFound, TucaiError
from services.kernel.jobs import enqueue
from services.kernel.tenancy import Principal, Role, require_school_access
from services.kernel.uow import UnitOfWork
from services.roster.directory import repository as directory_repo
from services.roster.directory import service as directory
from services.roster.imports import repository as repo
from services.roster.imports.annotate import annotated_workbook
from services.roster.imports.rosterfile import RosterFileError, read_roster
from services.roster.imports.validation import (
    WARNING,
    AcceptedRow,
    ExistingStudents,
    Issue,
    ValidationReport,
    validate_roster,
)
from services.roster.models import AuditEntry, ImportIssue, ImportJob, SchoolClass, Student
from services.roster.rules.codes import DEFAULT as DEFAULT_CODES
from services.roster.rules.codes import CodeTables
from services.roster.rules.idcard import upgrade_15
from services.roster.students import repository as students_repo
from services.roster.students.service import apply_change, warning_entry

MAX_BYTES = 50 * 2**20
MAX_ROWS = 200_000
PROGRESS_EVERY = 2_000
# The job kind that validates an upload (services/roster/imports/jobs.py).
VALIDATE_IMPORT = "roster.validate_import"

# StudentRecord field -> Student column, for the fields an import sets.
RECORD_FIELDS = (
    "student_no", "exam_no", "name", "sex", "birth_date", "id_type", "id_number", "ethnicity_code", "ethnicity",
    "political_code", "political", "major_code", "major_name", "level", "duration", "study_mode", "entry_date",
    "expected_graduation", "phone",
)


def file_problem(exc: RosterFileError) -> TucaiError:
    return TucaiError(exc.code, exc.zh, exc.en, status=413 if exc.code == "file_too_large" else 422)


def start(uow: UnitOfWork, blobs: BlobStore, principal: Principal, school_code: str | None, filename: str,
          data: bytes) -> ImportJob:
    """Check the file itself now (so a bad file is refused before anything is written), keep it, open a job."""
    school = directory.school_for_write(uow.session, principal, school_code)
    try:
        sheet = read_roster(data, filename, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except RosterFileError as exc:
        raise file_problem(exc) from exc
    sha = hashlib.sha256(data).hexdigest()
    waiting = repo.waiting_with_same_file(uow.session, school.school_code, sha)
    if waiting is not None:
        shown = f"「{waiting.filename}」（{_beijing(waiting.created_at)} 上传）"
        raise Conflict("import_duplicate_waiting",
                       f"相同内容的文件{shown}正在等待确认导入：请在导入记录中继续该次导入，或先放弃它再上传",
                       f"An identical file ({waiting.filename}) is waiting to be confirmed: continue or discard it",
                       errors=[FieldIssue(field="file", code="import_duplicate_waiting",
                                          message_zh=f"导入任务 {waiting.id}", message_en=f"import {waiting.id}")])
    job = ImportJob(school_code=school.school_code, province_code=school.province_code, filename=filename[:200],
                    size=len(data), sha256=sha, blob_key="", file_format=sheet.format, rows=len(sheet.rows),
                    created_by=principal.username)
    suffix = PurePosixPath(filename).suffix.lower()[:8] or ".bin"
    job.blob_key = f"imports/{school.school_code}/{job.id}/original{suffix}"
    blobs.put(job.blob_key, data, content_type="application/octet-stream", metadata={"sha256": sha})
    uow.session.add(job)
    # The validation job exists if and only if this upload commits.
    enqueue(uow, VALIDATE_IMPORT, {"import_id": job.id}, province=job.province_code, school=job.school_code)
    return job


def existing_students(session: Session, school_code: str) -> ExistingStudents:
    by_no: dict[str, str] = {}
    by_id: dict[str, str] = {}
    by_exam: dict[str, str] = {}
    for s in students_repo.school_students(session, school_code):
        by_no[s.student_no] = s.id_number
        by_id[s.id_number] = s.student_no
        if s.exam_no:
            by_exam[s.exam_no] = s.student_no
    return ExistingStudents(by_student_no=by_no, by_id_number=by_id, by_exam_no=by_exam)


def load_code_tables(path: Path | None) -> CodeTables:
    """The code tables in force: the defaults, with the tables a deployment's JSON file names replaced."""
    if path is None:
        return DEFAULT_CODES
    return CodeTables.from_dict(json.loads(path.read_text(encoding="utf-8")))


def validate(session: Session, blobs: BlobStore, job: ImportJob, codes: CodeTables,
              progress: Callable[[int, int], None] | None = None) -> ValidationReport:
    sheet = read_roster(blobs.get(job.blob_key), job.filename, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    return validate_roster(sheet, school_code=job.school_code, today=date.today(), codes=codes,
                           existing=existing_students(session, job.school_code), progress=progress)


def job_in_scope(session: Session, principal: Principal, job_id: str) -> ImportJob:
    job = repo.job(session, principal, job_id)
    if job is None:
        raise NotFound("import_not_found", "导入任务不存在", "No such import job")
    return job


def commit(uow: UnitOfWork, blobs: BlobStore, codes: CodeTables, principal: Principal, job_id: str,
           skip_error_rows: bool) -> ImportJob:
    """All or nothing: every accepted row is written in this one transaction, or none is."""
    job = job_in_scope(uow.session, principal, job_id)
    require_school_access(principal, job.school_code, job.province_code)
    if job.status != "validated":
        raise Conflict("import_not_ready", f"导入任务状态为「{_STATUS_ZH.get(job.status, job.status)}」，不能提交",
                       f"The import is {job.status}; only a validated import can be committed")
    # Validate again against the roster as it is now: another import may have landed since.
    report = validate(uow.session, blobs, job, codes)
    errors = report.counts["errors"]
    if errors and not skip_error_rows:
        raise Conflict("import_has_errors",
                       f"还有 {report.counts['rows_with_errors']} 行有错误：请修改后重新上传，或选择仅导入无误的行",
                       f"{errors} errors remain; fix and re-upload, or import only the good rows")
    warnings: dict[int, list[dict[str, Any]]] = {}
    for issue in report.issues:
        if issue.severity == WARNING and issue.row is not None:
            warnings.setdefault(issue.row, []).append(warning_entry(issue))
    created, updated = _write_students(uow, job, report.accepted, principal.username, warnings)
    job.status, job.committed_at = "committed", datetime.now(UTC)
    job.accepted, job.updates = len(report.accepted), updated
    uow.session.add(job)
    uow.session.add(AuditEntry(school_code=job.school_code, province_code=job.province_code,
                               actor=principal.username, actor_role=principal.role.value, action="import.committed",
                               target_type="import", target_id=job.id,
                               details={"created": created, "updated": updated, "skipped_error_rows":
                                        report.counts["rows_with_errors"] if skip_error_rows else 0}))
    return job


def _beijing(at: datetime) -> str:
    return at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M")


_STATUS_ZH = {"validating": "校验中", "validated": "已校验", "committed": "已导入", "failed": "失败",
              "discarded": "已放弃"}


def discard(uow: UnitOfWork, principal: Principal, job_id: str) -> ImportJob:
    job = job_in_scope(uow.session, principal, job_id)
    require_school_access(principal, job.school_code, job.province_code)
    if job.status == "committed":
        raise Conflict("import_already_committed", "已导入的任务不能放弃", "A committed import cannot be discarded")
    job.status = "discarded"
    uow.session.add(job)
    return job


def _write_students(uow: UnitOfWork, job: ImportJob, rows: list[AcceptedRow], actor: str,
                    warnings: dict[int, list[dict[str, Any]]]) -> tuple[int, int]:
    """Create or update the accepted rows' students; each keeps its row's warnings for the reviewer."""
    session = uow.session
    existing = {s.student_no: s for s in students_repo.school_students(session, job.school_code)}
    colleges = directory_repo.colleges_by_name(session, job.school_code)
    classes = directory_repo.classes_by_code(session, job.school_code)
    system = Principal(subject="system", role=Role.PLATFORM_ADMIN, username=actor)
    created = updated = 0
    for accepted in rows:
        record = accepted.record
        college_id = _college_for(uow, system, job, colleges, record.college)
        class_id = _class_for(uow, job, classes, college_id, record.class_no, record.class_name)
        values: dict[str, Any] = {field: getattr(record, field) for field in RECORD_FIELDS}
        values.update(college_id=college_id, class_id=class_id)
        student = existing.get(record.student_no)
        if student is None:
            student = Student(school_code=job.school_code, province_code=job.province_code,
                              original_row=accepted.original, import_job_id=job.id,
                              import_warnings=warnings.get(accepted.row, []), **values)
            session.add(student)
            existing[record.student_no] = student
            created += 1
        else:
            row_warnings = warnings.get(accepted.row, [])
            if len(record.id_number) == 15 and upgrade_15(record.id_number) == student.id_number:
                values["id_number"] = student.id_number  # a legacy 15-digit form never replaces the 18-digit one
                row_warnings = [w for w in row_warnings if w["field"] != "sfzh"]
            student.original_row, student.import_job_id = accepted.original, job.id
            student.import_warnings = row_warnings
            if apply_change(uow, student, values, source="import", actor=actor, reference=job.id):
                updated += 1
    session.flush()
    return created, updated


def _college_for(uow: UnitOfWork, system: Principal, job: ImportJob, colleges: dict[str, Any],
                 name: str | None) -> str | None:
    """Colleges named in the roster (FY) are created on first sight, so the directory follows the roster."""
    if not name:
        return None
    college = colleges.get(name)
    if college is None:
        code = _next_code(colleges)
        college = directory.create_college(uow, system, code, name, job.school_code)
        colleges[name] = college
    return str(college.id)


def _next_code(colleges: dict[str, Any]) -> str:
    taken = {c.code for c in colleges.values()}
    n = len(taken) + 1
    while f"{n:03d}" in taken:
        n += 1
    return f"{n:03d}"


def _class_for(uow: UnitOfWork, job: ImportJob, classes: dict[str, SchoolClass], college_id: str | None,
               class_no: str | None, class_name: str | None) -> str | None:
    if not class_no or not college_id:
        return None
    klass = classes.get(class_no)
    if klass is None:
        klass = directory.create_class(uow, job.school_code, job.province_code, college_id, class_no,
                                       class_name or class_no)
        classes[class_no] = klass
    return klass.id


def jobs(session: Session, principal: Principal) -> list[ImportJob]:
    return repo.import_jobs(session, principal)


def issues(session: Session, principal: Principal, job_id: str, severity: str | None, offset: int,
           limit: int) -> tuple[list[ImportIssue], int]:
    job_in_scope(session, principal, job_id)
    return repo.import_issues(session, principal, job_id, severity, offset, limit)


def annotated(session: Session, blobs: BlobStore, principal: Principal, job_id: str) -> tuple[bytes, str]:
    """The registrar's own file with the bad cells marked and a comment on each; returns it and a file name."""
    job = job_in_scope(session, principal, job_id)
    if not job.blob_key:
        raise NotFound("import_file_missing", "该导入没有保存原始文件（演示数据）",
                       "This import kept no file (demo data)")
    sheet = read_roster(blobs.get(job.blob_key), job.filename)
    found = [Issue(row=i.row, column=i.column, field=i.field, code=i.code, severity=i.severity,
                   message=i.message, message_en=i.message_en)
             for i in repo.all_import_issues(session, job.id)]
    return annotated_workbook(sheet, found), job.filename.rsplit(".", 1)[0] + "-问题标注.xlsx"
