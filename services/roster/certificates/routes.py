"""Make-up certificates over HTTP: issue, list a student's, verify a number, print the PDF."""

from __future__ import annotations

from fastapi import status
from fastapi.responses import Response

from services.kernel.auth import CurrentPrincipal
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW
from services.roster.certificates import service as certificates
from services.roster.certificates.schemas import CertificateCheck, CertificateList, CertificateOut
from services.roster.deps import PROBLEMS, SchoolAdmin, Student
from services.roster.models import Certificate
from services.roster.rules.privacy import mask_id_number, mask_name

# Certificates belong to a student's record, so the operations keep the students tag (and their client names).
router = ServiceRouter(prefix="/v1", tags=["students"], responses=PROBLEMS)


def _certificate_out(c: Certificate) -> CertificateOut:
    return CertificateOut(number=c.number, student_id=c.student_id, school_code=c.school_code,
                          issued_by=c.issued_by, issued_at=c.issued_at,
                          pdf_url=f"/api/roster/v1/certificates/{c.number}/pdf")


@router.post("/students/{student_id}/certificates", response_model=CertificateOut,
             status_code=status.HTTP_201_CREATED, summary="Issue a make-up certificate (补拍证明)")
def issue_certificate(student_id: str, principal: SchoolAdmin, uow: UoW) -> CertificateOut:
    return _certificate_out(certificates.issue(uow, principal, student_id))


@router.get("/students/me/certificates", response_model=CertificateList,
            summary="The signed-in student's own make-up certificates (number and date; the school prints them)")
def list_my_certificates(principal: Student, uow: UoW) -> CertificateList:
    items = [_certificate_out(c) for c in certificates.for_student(uow.session, principal, principal.subject)]
    return CertificateList(items=items, total=len(items))


@router.get("/students/{student_id}/certificates", response_model=CertificateList,
            summary="The make-up certificates issued to a student")
def list_certificates(student_id: str, principal: SchoolAdmin, uow: UoW) -> CertificateList:
    items = [_certificate_out(c) for c in certificates.for_student(uow.session, principal, student_id)]
    return CertificateList(items=items, total=len(items))


@router.get("/certificates/{number}", response_model=CertificateCheck,
            summary="Verify a make-up certificate (the agency scans its QR code)")
def check_certificate(number: str, principal: CurrentPrincipal, uow: UoW) -> CertificateCheck:
    checked = certificates.check(uow.session, principal, number)
    c, student, school = checked.certificate, checked.student, checked.school
    return CertificateCheck(
        number=c.number, valid=checked.valid, revoked=c.revoked, school_code=school.school_code,
        school_name=school.name, student_name_masked=mask_name(student.name),
        id_number_masked=mask_id_number(student.id_number), sex=student.sex, level=student.level,
        issued_at=c.issued_at)


@router.get("/certificates/{number}/pdf", response_class=Response, summary="The make-up certificate as PDF",
            responses={200: {"content": {"application/pdf": {}}}})
def certificate_pdf(number: str, principal: SchoolAdmin, uow: UoW, ctx: Context) -> Response:
    base = str(ctx.settings.public_base_url).rstrip("/")
    data = certificates.pdf(uow.session, principal, number, f"{base}/api/roster/v1/certificates/{number}", [])
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{number}.pdf"'})
