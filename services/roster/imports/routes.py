"""Roster import over HTTP: upload, progress, issues, annotated workbook, commit, discard."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Query, UploadFile, status
from fastapi.responses import Response

from services.kernel.auth import CurrentPrincipal
from services.kernel.errors import TucaiError
from services.kernel.limits import max_body
from services.kernel.pagination import Offset
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.roster.deps import PROBLEMS, Blobs, Codes, SchoolAdmin
from services.roster.imports import service as importing
from services.roster.imports.schemas import CommitIn, ImportIssueList, ImportIssueOut, ImportJobList, ImportJobOut
from services.roster.models import ImportJob

router = ServiceRouter(prefix="/v1/imports", tags=["imports"], responses=PROBLEMS)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Multipart framing and the form fields around the file.
UPLOAD_OVERHEAD = 64 * 1024


def _out(job: ImportJob) -> ImportJobOut:
    return ImportJobOut.model_validate(job, from_attributes=True)


def _read_limited(upload: UploadFile) -> bytes:
    data = upload.file.read(importing.MAX_BYTES + 1)
    if len(data) > importing.MAX_BYTES:
        raise TucaiError("file_too_large", f"文件超过 {importing.MAX_BYTES // 2**20} MB 上限",
                         f"The file is larger than {importing.MAX_BYTES // 2**20} MB", status=413)
    return data


@router.post("", response_model=ImportJobOut, status_code=status.HTTP_202_ACCEPTED,
             summary="Upload a roster (.xls, .xlsx, .csv, .dbf); validation runs as a job",
             openapi_extra=max_body(importing.MAX_BYTES + UPLOAD_OVERHEAD))
def upload_roster(
    principal: SchoolAdmin, uow: UoW, blobs: Blobs, file: Annotated[UploadFile, File(description="花名册文件")],
    school_code: Annotated[str | None, Form(pattern=r"^\d{5}$")] = None,
) -> ImportJobOut:
    data = _read_limited(file)
    return _out(importing.start(uow, blobs, principal, school_code, file.filename or "roster", data))


@router.get("", response_model=ImportJobList, summary="Import jobs in scope, newest first")
def list_imports(principal: CurrentPrincipal, uow: UoW) -> ImportJobList:
    items = [_out(j) for j in importing.jobs(uow.session, principal)]
    return ImportJobList(items=items, total=len(items))


@router.get("/{job_id}", response_model=ImportJobOut, summary="An import job: status, progress and counts")
def read_import(job_id: str, principal: CurrentPrincipal, uow: UoW) -> ImportJobOut:
    return _out(importing.job_in_scope(uow.session, principal, job_id))


@router.get("/{job_id}/issues", response_model=ImportIssueList, summary="Every issue: row, column, code, message")
def list_issues(job_id: str, principal: CurrentPrincipal, uow: UoW, severity: str | None = None,
                offset: Offset = 0,
                limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> ImportIssueList:
    rows, total = importing.issues(uow.session, principal, job_id, severity, offset, limit)
    items = [ImportIssueOut.model_validate(i, from_attributes=True) for i in rows]
    return ImportIssueList(items=items, total=total, offset=offset, limit=limit)


@router.get("/{job_id}/annotated.xlsx", response_class=Response,
            summary="The registrar's own file with the bad cells marked and a comment on each",
            responses={200: {"content": {XLSX: {}}}})
def annotated(job_id: str, principal: CurrentPrincipal, uow: UoW, blobs: Blobs) -> Response:
    data, name = importing.annotated(uow.session, blobs, principal, job_id)
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.post("/{job_id}/commit", response_model=ImportJobOut, summary="Commit the import: all rows or none")
def commit_import(job_id: str, body: CommitIn, principal: SchoolAdmin, uow: UoW, blobs: Blobs,
                  codes: Codes) -> ImportJobOut:
    job = importing.commit(uow, blobs, codes, principal, job_id, body.skip_error_rows)
    return _out(job)


@router.delete("/{job_id}", response_model=ImportJobOut, summary="Discard an import that was not committed")
def discard_import(job_id: str, principal: SchoolAdmin, uow: UoW) -> ImportJobOut:
    job = importing.discard(uow, principal, job_id)
    return _out(job)
