"""Students over HTTP: the school's list, one record, the student's own record, capture pass and code,
and the history of changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from services.kernel.auth import CurrentPrincipal
from services.kernel.errors import Forbidden, Problem
from services.kernel.pagination import Offset
from services.kernel.responses import model_response
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW, context_of
from services.roster.deps import PROBLEMS, Codes, Issuer, SchoolAdmin, Student
from services.roster.models import Student as StudentRow
from services.roster.rules.privacy import mask_id_number
from services.roster.students import service as students
from services.roster.students.schemas import (
    CaptureCodeIn,
    CapturePass,
    ChangeList,
    ChangeOut,
    Identified,
    IdentifyIn,
    StudentDetail,
    StudentEditIn,
    StudentList,
    StudentOut,
)

router = ServiceRouter(prefix="/v1", tags=["students"], responses=PROBLEMS)


def _out(s: StudentRow, reason: str | None = None) -> StudentOut:
    return StudentOut(id=s.id, school_code=s.school_code, student_no=s.student_no, name=s.name, sex=s.sex,
                      id_number_masked=mask_id_number(s.id_number), college_id=s.college_id, class_id=s.class_id,
                      major_name=s.major_name, level=s.level, review_status=s.review_status, review_reason=reason)


def _detail(uow: UoW, s: StudentRow) -> StudentDetail:
    return _detail_of(students.record(uow.session, s))


def _detail_of(record: students.StudentRecord) -> StudentDetail:
    s = record.student
    return StudentDetail(
        id=s.id, school_code=s.school_code, school_name=record.school_name, student_no=s.student_no,
        exam_no=s.exam_no, name=s.name, sex=s.sex, birth_date=s.birth_date, id_type=s.id_type,
        id_number=s.id_number, ethnicity=s.ethnicity, political=s.political, major_code=s.major_code,
        major_name=s.major_name, level=s.level, duration=s.duration, study_mode=s.study_mode,
        entry_date=s.entry_date, expected_graduation=s.expected_graduation, college_id=s.college_id,
        class_id=s.class_id, campus=s.campus, review_status=s.review_status,
        review_reason=record.review_reason, has_capture_pass=record.has_capture_pass, capture_code=s.capture_code,
        captured_terms=record.captured_terms)


def _pass(issuer: Issuer, student: StudentRow) -> CapturePass:
    return CapturePass.model_validate(students.capture_pass(issuer, student), from_attributes=True)


@router.get("/students", response_model=StudentList, summary="Students in scope (ID numbers masked)")
def list_students(
    principal: CurrentPrincipal, uow: UoW, school_code: str | None = None, college_id: str | None = None,
    class_id: str | None = None, review_status: str | None = None,
    q: Annotated[str | None, Query(max_length=40)] = None,
    offset: Offset = 0, limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    rows, total = students.page(uow.session, principal, school_code=school_code, college_id=college_id,
                                class_id=class_id, status=review_status, query=q, offset=offset, limit=limit)
    return model_response(StudentList(items=[_out(r.student, r.review_reason) for r in rows], total=total,
                                      offset=offset, limit=limit))


@router.get("/students/me", response_model=StudentDetail, summary="The signed-in student's own record")
async def read_my_record(principal: Student, request: Request) -> Response:
    # The notice-day hot read: the context from the request rather than a dependency, one fewer for FastAPI to
    # solve on every call (about a tenth of the request).
    return model_response(_detail_of(await context_of(request).read(students.own_record, principal)))


@router.get("/students/me/pass", response_model=CapturePass, summary="The student's capture pass (QR)")
def read_my_pass(principal: Student, uow: UoW, issuer: Issuer) -> CapturePass:
    return _pass(issuer, students.student_in_scope(uow.session, principal, principal.subject))


@router.post("/students/identify", response_model=Identified, responses={409: {"model": Problem}},
             summary="Legacy check-in: an approved student's pseudonymous key by ID number (photographers)")
def identify(body: IdentifyIn, principal: CurrentPrincipal, uow: UoW, ctx: Context) -> Identified:
    # Closed unless the deployment opted in: otherwise this is an ID-number oracle nobody needs.
    if not ctx.settings.capture_legacy_id_checkin:
        raise Forbidden("legacy_checkin_disabled", "本部署未启用按证件号码签到，请扫描采集凭证",
                        "Check-in by ID number is not enabled in this deployment; scan the capture pass")
    student = students.identify_by_id_number(uow.session, principal, body.school_code, body.id_number)
    return Identified(subject_key=student.subject_key or "", school_code=student.school_code)


@router.put("/students/me/capture-code", response_model=StudentDetail,
            summary="Register the CHSI capture code (学信网图像采集码)")
def register_capture_code(body: CaptureCodeIn, principal: Student, uow: UoW) -> StudentDetail:
    student = students.student_in_scope(uow.session, principal, principal.subject)
    students.register_capture_code(uow, student, body.capture_code)
    return _detail(uow, student)


@router.get("/students/{student_id}", response_model=StudentDetail, summary="One student's full record")
def read_student(student_id: str, principal: SchoolAdmin, uow: UoW) -> StudentDetail:
    return _detail(uow, students.student_in_scope(uow.session, principal, student_id))


@router.patch("/students/{student_id}", response_model=StudentDetail,
              summary="Edit a student's data directly (school): the import's row rules apply, every change is kept")
def edit_student(student_id: str, body: StudentEditIn, principal: SchoolAdmin, uow: UoW, codes: Codes
                 ) -> StudentDetail:
    return _detail(uow, students.edit(uow, principal, student_id, body.changes, codes=codes))


@router.get("/students/{student_id}/pass", response_model=CapturePass, summary="A student's capture pass, to print")
def read_student_pass(student_id: str, principal: SchoolAdmin, uow: UoW, issuer: Issuer) -> CapturePass:
    return _pass(issuer, students.student_in_scope(uow.session, principal, student_id))


@router.get("/students/{student_id}/history", response_model=ChangeList, summary="Every change to a student's data")
def read_history(student_id: str, principal: CurrentPrincipal, uow: UoW) -> ChangeList:
    items = [ChangeOut(field=c.field, field_label=students.EDITABLE_FIELDS.get(c.field, c.field),
                       old_value=c.old_value, new_value=c.new_value, source=c.source, reference=c.reference,
                       actor=c.actor, at=c.at)
             for c in students.history(uow.session, principal, student_id)]
    return ChangeList(items=items, total=len(items))
