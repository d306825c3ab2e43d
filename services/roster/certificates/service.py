"""Make-up certificates (补拍证明): issued by the school for a student who missed the capture day, printed
as a PDF with a unique number and a QR code, verified by the agency at the make-up shoot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from services.kernel.errors import Conflict, NotFound, TucaiError
from services.kernel.tenancy import Principal, require_school_access
from services.kernel.uow import UnitOfWork
from services.roster import documents
from services.roster.certificates import repository as repo
from services.roster.directory import repository as directory_repo
from services.roster.events import MakeupCertificateIssued
from services.roster.models import AuditEntry, Certificate, School, Student
from services.roster.students import repository as students_repo
from services.roster.students.service import student_in_scope


def issue(uow: UnitOfWork, principal: Principal, student_id: str) -> Certificate:
    student = student_in_scope(uow.session, principal, student_id)
    require_school_access(principal, student.school_code, student.province_code)
    if student.review_status != "approved":
        raise Conflict("not_approved", "资格审查通过的学生才能开具补拍证明",
                       "Only approved students get a make-up certificate")
    school = directory_repo.school_for_system(uow.session, student.school_code)
    if school is None or not (school.contact_recipient and school.contact_phone and school.contact_address):
        raise TucaiError("school_contact_missing", "请先在学校信息中填写补拍照片收件人、邮寄地址和联系电话",
                         "Fill in the school's contact (recipient, address, phone) first", status=422)
    year = datetime.now(UTC).year
    sequence = repo.next_sequence(uow.session, student.school_code, student.province_code, year)
    number = documents.new_certificate_number(student.school_code, year, sequence)
    certificate = Certificate(number=number, student_id=student.id, school_code=student.school_code,
                              province_code=student.province_code, sequence=sequence, issued_by=principal.username)
    uow.session.add(certificate)
    if student.subject_key:  # an approved student always has one; the make-up calendar knows them by it
        uow.emit(MakeupCertificateIssued(number=number, subject_key=student.subject_key,
                                         school_code=student.school_code, province_code=student.province_code,
                                         issued_at=certificate.issued_at))
    uow.session.add(AuditEntry(school_code=student.school_code, province_code=student.province_code,
                               actor=principal.username, actor_role=principal.role.value,
                               action="certificate.issued", target_type="certificate", target_id=number))
    return certificate


def _lookup(session: Session, principal: Principal, number: str) -> Certificate:
    number = documents.normalize_certificate_number(number) or number  # as typed: lower case, full width, spaces
    if not documents.certificate_number_valid(number):
        raise TucaiError("certificate_number_invalid", "证明编号格式或校验位不正确，请核对后重新输入",
                         "The certificate number is malformed or its check character is wrong", status=422)
    certificate = repo.certificate(session, principal, number)
    if certificate is None:
        raise NotFound("certificate_not_found", "查无此补拍证明", "No such certificate in your scope")
    return certificate


def for_student(session: Session, principal: Principal, student_id: str) -> list[Certificate]:
    student_in_scope(session, principal, student_id)
    return repo.student_certificates(session, principal, student_id)


@dataclass(frozen=True)
class CheckedCertificate:
    """A certificate with the student and school it names: what the agency checks at the make-up shoot."""

    certificate: Certificate
    student: Student
    school: School

    @property
    def valid(self) -> bool:
        return not self.certificate.revoked and self.student.review_status == "approved"


def check(session: Session, principal: Principal, number: str) -> CheckedCertificate:
    certificate = _lookup(session, principal, number)
    student = students_repo.student_for_system(session, certificate.student_id)
    school = directory_repo.school_for_system(session, certificate.school_code)
    assert student is not None and school is not None
    return CheckedCertificate(certificate, student, school)


def pdf(session: Session, principal: Principal, number: str, verify_url: str,
        windows: list[str]) -> bytes:
    certificate = _lookup(session, principal, number)
    student = students_repo.student_for_system(session, certificate.student_id)
    school = directory_repo.school_for_system(session, certificate.school_code)
    agency = directory_repo.agency_for_system(session, certificate.province_code)
    assert student is not None and school is not None
    return documents.makeup_certificate_pdf(documents.MakeupCertificate(
        number=certificate.number, verify_url=verify_url, issued_at=certificate.issued_at,
        student_name=student.name, sex=student.sex, id_number=student.id_number, school_code=school.school_code,
        school_name=school.name, level=student.level, campus=student.campus,
        contact=documents.SchoolContact(recipient=school.contact_recipient, address=school.contact_address,
                                        postcode=school.contact_postcode, phone=school.contact_phone),
        makeup_windows=windows, agency_name=agency.name if agency else "图像采集中心"))
