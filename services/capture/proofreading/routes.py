"""Proofreading over HTTP: the student's own photo (read, confirm, report), the school's progress per student and
per class with a reminder list, and the agency's deadline."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from services.capture.models import ProofDeadline, ProofState, utcnow
from services.capture.proofreading import export, service
from services.capture.proofreading.schemas import (
    ClassProgressOut,
    DeadlineIn,
    DeadlineOut,
    MyProofOut,
    ProofPhotoOut,
    ProofReportOut,
    ProofRowList,
    ProofRowOut,
    ProofStateName,
    ProofSummaryOut,
    ReportIn,
)
from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW
from services.kernel.tenancy import Principal, Role

router = ServiceRouter(prefix="/v1", tags=["capture"], responses={
    401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}})

Student = Annotated[Principal, Depends(require_roles(Role.STUDENT))]
Agency = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN))]
Staff = Annotated[Principal, Depends(require_roles(
    Role.AGENCY_ADMIN, Role.PHOTOGRAPHER, Role.PROVINCE_REVIEWER, Role.SCHOOL_ADMIN, Role.COLLEGE_COORDINATOR,
    Role.CLASS_MONITOR))]


def _mine(view: service.ProofView, ctx: Context) -> MyProofOut:
    photo = None
    if view.photo is not None:
        signed = service.signed_photo(ctx.runtime.blobs, view.photo)
        photo = ProofPhotoOut(id=view.photo.id, version=view.photo.version, url=signed.url,
                              url_expires_at=signed.expires_at, taken_at=view.photo.taken_at or view.photo.created_at)
    reports = [ProofReportOut.model_validate(r, from_attributes=True) for r in view.reports]
    return MyProofOut(state=view.state, photo=photo, deadline=view.deadline, closed=view.closed(utcnow()),
                      reports=reports, updated_at=view.updated_at)


@router.get("/proofreading/me", response_model=MyProofOut,
            summary="The student's photo to proofread, with a short-lived link, the deadline and their reports")
def read_my_proof(principal: Student, uow: UoW, ctx: Context) -> MyProofOut:
    return _mine(service.mine(uow, principal), ctx)


@router.post("/proofreading/me/confirm", response_model=MyProofOut,
             summary="Confirm the photo (正确); repeating it is harmless")
def confirm_my_proof(principal: Student, uow: UoW, ctx: Context) -> MyProofOut:
    return _mine(service.confirm(uow, principal), ctx)


@router.post("/proofreading/me/report", response_model=MyProofOut,
             summary="Report the photo: not me (an anomaly for the agency) or ask for a retake")
def report_my_proof(body: ReportIn, principal: Student, uow: UoW, ctx: Context) -> MyProofOut:
    return _mine(service.report(uow, principal, body.kind, body.note.strip()), ctx)


def _row(view: service.ProofView) -> ProofRowOut:
    s = view.subject
    assert s is not None
    return ProofRowOut(
        subject_key=s.subject_key, school_code=s.school_code, province_code=s.province_code,
        college_name=s.college_name, class_id=s.class_id, class_no=s.class_no, class_name=s.class_name,
        roster_order=s.roster_order, masked_name=s.masked_name, masked_id_number=s.masked_id_number,
        state=view.state, photo_id=view.photo.id if view.photo else None,
        version=view.photo.version if view.photo else None,
        photographed_at=view.photo.created_at if view.photo else None,
        decided_at=view.proof.decided_at if view.proof and view.state in {"confirmed", "reported"} else None,
        deadline=view.deadline, open_reports=sorted({r.kind for r in view.reports}))


@router.get("/proofreading", response_model=ProofRowList,
            summary="Proofreading per student in scope (masked), by school, class and state")
def list_proofreading(principal: Staff, uow: UoW, school_code: str | None = None, class_id: str | None = None,
                      state: ProofStateName | None = None) -> ProofRowList:
    views = service.progress(uow, principal, school_code, class_id, ProofState(state) if state else None)
    return ProofRowList(items=[_row(v) for v in views], total=len(views))


def _deadline(d: ProofDeadline) -> DeadlineOut:
    return DeadlineOut.model_validate(d, from_attributes=True)


@router.get("/proofreading/summary", response_model=ProofSummaryOut,
            summary="Proofreading progress per class: photographed, confirmed, reported, to proofread")
def proofreading_summary(principal: Staff, uow: UoW, school_code: str | None = None) -> ProofSummaryOut:
    items = [ClassProgressOut(school_code=c.school_code, class_id=c.class_id, class_no=c.class_no,
                              class_name=c.class_name, college_name=c.college_name, students=c.students,
                              photographed=c.counts["photographed"], confirmed=c.counts[ProofState.CONFIRMED],
                              reported=c.counts[ProofState.REPORTED], to_proofread=c.counts[ProofState.TO_PROOFREAD])
             for c in service.summary(uow, principal, school_code)]
    return ProofSummaryOut(items=items, deadlines=[_deadline(d) for d in service.deadlines(uow, principal,
                                                                                          school_code)])


@router.get("/proofreading/reminders.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV (BOM, for Excel)"}},
            summary="Students who still have to proofread their photo, for the school to remind (CSV)")
def proofreading_reminders(principal: Staff, uow: UoW, school_code: str | None = None,
                           class_id: str | None = None) -> Response:
    views = service.progress(uow, principal, school_code, class_id, ProofState.TO_PROOFREAD)
    return Response(export.reminders_csv(views), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="proofreading-reminders.csv"'})


@router.put("/proofreading/deadline", response_model=DeadlineOut,
            summary="Set a school's proofreading deadline for a term (agency)")
def put_deadline(body: DeadlineIn, principal: Agency, uow: UoW) -> DeadlineOut:
    return _deadline(service.set_deadline(uow, principal, body.school_code, body.term, body.deadline))

