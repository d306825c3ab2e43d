"""Students over HTTP: the school's list, one record, the student's own record, capture pass and code,
history, errata and make-up certificates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response

from services.kernel.auth import CurrentPrincipal
from services.kernel.service import UoW
from services.roster import certificates, errata, students
from services.roster import repository as repo
from services.roster.api.deps import PROBLEMS, Codes, Issuer, SchoolAdmin, Student
from services.roster.models import Certificate
from services.roster.models import Student as StudentRow
from services.roster.passes import capture_pass
from services.roster.privacy import mask_id_number
from services.roster.schemas import (
    CaptureCodeIn,
    CapturePass,
    CertificateCheck,
    CertificateList,
    CertificateOut,
    ChangeList,
    ChangeOut,
    ErratumDecisionIn,
    ErratumIn,
    ErratumList,
    ErratumOut,
    StudentDetail,
    StudentList,
    StudentOut,
)
from services.roster.students import EDITABLE_FIELDS

router = APIRouter(prefix="/v1", tags=["students"], responses=PROBLEMS)


def _out(s: StudentRow, reason: str | None = None) -> StudentOut:
    return StudentOut(id=s.id, school_code=s.school_code, student_no=s.student_no, name=s.name, sex=s.sex,
                      id_number_masked=mask_id_number(s.id_number), college_id=s.college_id, class_id=s.class_id,
                      major_name=s.major_name, level=s.level, review_status=s.review_status, review_reason=reason)


def _detail(uow: UoW, s: StudentRow) -> StudentDetail:
    school = repo.school_for_system(uow.session, s.school_code)
    latest = repo.latest_items(uow.session, [s.id]).get(s.id)
    return StudentDetail(
        id=s.id, school_code=s.school_code, school_name=school.name if school else "", student_no=s.student_no,
        exam_no=s.exam_no, name=s.name, sex=s.sex, birth_date=s.birth_date, id_type=s.id_type,
        id_number=s.id_number, ethnicity=s.ethnicity, political=s.political, major_code=s.major_code,
        major_name=s.major_name, level=s.level, duration=s.duration, study_mode=s.study_mode,
        entry_date=s.entry_date, expected_graduation=s.expected_graduation, college_id=s.college_id,
        class_id=s.class_id, campus=s.campus, review_status=s.review_status,
        review_reason=latest.reason if latest and latest.decision == "rejected" else None,
        has_capture_pass=bool(s.subject_key and s.review_status == "approved"), capture_code=s.capture_code)


@router.get("/students", response_model=StudentList, summary="Students in scope (ID numbers masked)")
def list_students(
    principal: CurrentPrincipal, uow: UoW, school_code: str | None = None, college_id: str | None = None,
    class_id: str | None = None, review_status: str | None = None,
    q: Annotated[str | None, Query(max_length=40)] = None,
    offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> StudentList:
    rows, total = repo.students_page(uow.session, principal, school_code=school_code, college_id=college_id,
                                     class_id=class_id, status=review_status, query=q, offset=offset, limit=limit)
    rejected = [s.id for s in rows if s.review_status == "rejected"]
    reasons = {sid: item.reason for sid, item in repo.latest_items(uow.session, rejected).items()}
    return StudentList(items=[_out(s, reasons.get(s.id)) for s in rows], total=total, offset=offset, limit=limit)


@router.get("/students/me", response_model=StudentDetail, summary="The signed-in student's own record")
def read_my_record(principal: Student, uow: UoW) -> StudentDetail:
    return _detail(uow, errata.student_in_scope(uow.session, principal, principal.subject))


@router.get("/students/me/pass", response_model=CapturePass, summary="The student's capture pass (QR)")
def read_my_pass(principal: Student, uow: UoW, issuer: Issuer) -> CapturePass:
    return capture_pass(issuer, errata.student_in_scope(uow.session, principal, principal.subject))


@router.put("/students/me/capture-code", response_model=StudentDetail,
            summary="Register the CHSI capture code (学信网图像采集码)")
def register_capture_code(body: CaptureCodeIn, principal: Student, uow: UoW) -> StudentDetail:
    student = errata.student_in_scope(uow.session, principal, principal.subject)
    students.register_capture_code(uow, student, body.capture_code)
    return _detail(uow, student)


@router.get("/students/{student_id}", response_model=StudentDetail, summary="One student's full record")
def read_student(student_id: str, principal: SchoolAdmin, uow: UoW) -> StudentDetail:
    return _detail(uow, errata.student_in_scope(uow.session, principal, student_id))


@router.get("/students/{student_id}/pass", response_model=CapturePass, summary="A student's capture pass, to print")
def read_student_pass(student_id: str, principal: SchoolAdmin, uow: UoW, issuer: Issuer) -> CapturePass:
    return capture_pass(issuer, errata.student_in_scope(uow.session, principal, student_id))


@router.get("/students/{student_id}/history", response_model=ChangeList, summary="Every change to a student's data")
def read_history(student_id: str, principal: CurrentPrincipal, uow: UoW) -> ChangeList:
    errata.student_in_scope(uow.session, principal, student_id)
    items = [ChangeOut(field=c.field, field_label=EDITABLE_FIELDS.get(c.field, c.field), old_value=c.old_value,
                       new_value=c.new_value, source=c.source, reference=c.reference, actor=c.actor, at=c.at)
             for c in repo.history(uow.session, principal, student_id)]
    return ChangeList(items=items, total=len(items))


@router.post("/students/{student_id}/errata", response_model=ErratumOut, status_code=status.HTTP_201_CREATED,
             summary="Request a correction (勘误) to a student's data")
def request_erratum(student_id: str, body: ErratumIn, principal: CurrentPrincipal, uow: UoW,
                    codes: Codes) -> ErratumOut:
    erratum = errata.request(uow, principal, student_id, body, codes)
    return errata.out(uow.session, erratum)


@router.get("/errata", response_model=ErratumList, summary="Errata in scope (the school's queue)")
def list_errata(principal: CurrentPrincipal, uow: UoW,
                status_filter: Annotated[str | None, Query(alias="status")] = None,
                student_id: str | None = None) -> ErratumList:
    items = [errata.out(uow.session, e) for e in repo.errata(uow.session, principal, status_filter, student_id)]
    return ErratumList(items=items, total=len(items))


@router.post("/errata/{erratum_id}/decision", response_model=ErratumOut, summary="Approve or reject an erratum")
def decide_erratum(erratum_id: str, body: ErratumDecisionIn, principal: SchoolAdmin, uow: UoW,
                   codes: Codes) -> ErratumOut:
    erratum = errata.decide(uow, principal, erratum_id, body, codes)
    return errata.out(uow.session, erratum)


def _certificate_out(request: Request, c) -> CertificateOut:  # type: ignore[no-untyped-def]
    return CertificateOut(number=c.number, student_id=c.student_id, school_code=c.school_code,
                          issued_by=c.issued_by, issued_at=c.issued_at,
                          pdf_url=f"/api/roster/v1/certificates/{c.number}/pdf")


@router.post("/students/{student_id}/certificates", response_model=CertificateOut,
             status_code=status.HTTP_201_CREATED, summary="Issue a make-up certificate (补拍证明)")
def issue_certificate(student_id: str, principal: SchoolAdmin, uow: UoW, request: Request) -> CertificateOut:
    certificate = certificates.issue(uow, principal, student_id)
    return _certificate_out(request, certificate)


@router.get("/students/{student_id}/certificates", response_model=CertificateList,
            summary="The make-up certificates issued to a student")
def list_certificates(student_id: str, principal: SchoolAdmin, uow: UoW, request: Request) -> CertificateList:
    errata.student_in_scope(uow.session, principal, student_id)
    items = [_certificate_out(request, c) for c in repo.list_scoped(
        uow.session, principal, Certificate, Certificate.issued_at, student_id=student_id)]
    return CertificateList(items=items, total=len(items))


@router.get("/certificates/{number}", response_model=CertificateCheck,
            summary="Verify a make-up certificate (the agency scans its QR code)")
def check_certificate(number: str, principal: CurrentPrincipal, uow: UoW) -> CertificateCheck:
    return certificates.check(uow.session, principal, number)


@router.get("/certificates/{number}/pdf", response_class=Response, summary="The make-up certificate as PDF",
            responses={200: {"content": {"application/pdf": {}}}})
def certificate_pdf(number: str, principal: SchoolAdmin, uow: UoW, request: Request) -> Response:
    base = str(request.app.state.ctx.settings.public_base_url).rstrip("/")
    data = certificates.pdf(uow.session, principal, number, f"{base}/api/roster/v1/certificates/{number}", [])
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{number}.pdf"'})
