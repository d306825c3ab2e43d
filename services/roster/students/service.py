"""Students: one record in scope, the facts other services may know, changes to a student's data with their
history, the capture code and the capture pass. Plain functions on a unit of work; they never commit."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import segno
from sqlmodel import Session

from services.kernel.auth import TokenIssuer
from services.kernel.errors import Conflict, FieldIssue, Forbidden, NotFound, TucaiError
from services.kernel.reads import ReadSession
from services.kernel.tenancy import Principal, Role
from services.kernel.uow import UnitOfWork
from services.roster.captures import repository as captures_repo
from services.roster.directory import repository as directory_repo
from services.roster.events import CaptureCodeRegistered, StudentApproved, StudentUpdated
from services.roster.imports.validation import ERROR, RECORD_FIELD_OF, Issue, check_row
from services.roster.models import Student, StudentChange
from services.roster.review import repository as review_repo
from services.roster.rules.codes import DEFAULT as DEFAULT_CODES
from services.roster.rules.codes import CodeTables
from services.roster.rules.normalise import NormaliseError, norm_id_number
from services.roster.rules.privacy import mask_id_number, mask_name
from services.roster.students import repository as repo

# Fields a person may see and correct while proofreading (校对); values are stored as text in the history.
EDITABLE_FIELDS = {
    "name": "姓名", "sex": "性别", "ethnicity": "民族", "birth_date": "出生日期", "id_number": "身份证号",
    "major_name": "专业", "level": "层次", "duration": "学制", "entry_date": "入学日期", "exam_no": "考生号",
    "political": "政治面貌", "study_mode": "学习形式", "expected_graduation": "预计毕业日期", "phone": "手机号",
}
PUBLISHED_FIELDS = {"name", "sex", "id_number", "level", "class_id", "college_id", "campus"}
PASS_DAYS = 366


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# Warnings the import accepts from a sloppy file but a value typed by hand must not carry: a correction is refused
# with them (a legacy 15-digit ID number, a month without a day, a phone number that would be dropped). The rest
# only ask to double-check (an unusual age) and pass.
_REFUSED_WHEN_TYPED = {"id_number_legacy_15", "date_month_only", "phone_invalid", "sex_from_id"}
# Columns whose code table value comes with a code column the validator fills too.
_CODED = {"ethnicity": "ethnicity_code", "political": "political_code"}


def _cells(student: Student, overrides: Mapping[str, str]) -> dict[str, object]:
    """The student's record as a row of the roster file (canonical field -> text), with `overrides` applied."""
    cells: dict[str, object] = {}
    for column, fld in RECORD_FIELD_OF.items():
        value: Any = overrides[column] if column in overrides else getattr(student, column)
        if value is None or value == "":
            continue
        cells[fld] = value.isoformat() if isinstance(value, date) else str(value)
    return cells


@dataclass(frozen=True)
class CheckedChange:
    values: dict[str, Any]  # column -> normalised value (with its code column for 民族 / 政治面貌)
    warnings: list[Issue]  # what the record still deserves a second look for, on the changed fields


def check_changes(student: Student, changes: Mapping[str, str], *, codes: CodeTables = DEFAULT_CODES,
                  today: date | None = None) -> CheckedChange:
    """The one row validator of the import, applied to the record a change would leave behind (errata when filed
    and when decided, and direct edits): a change may not introduce a violation of any row rule. A violation is
    a 422 problem whose code is the import's rule code (birth_date_id_mismatch, id_number_checksum, …), with
    the field and the Chinese message the import would show. Returns the normalised values to store."""
    today = today or date.today()
    unknown = sorted(set(changes) - set(RECORD_FIELD_OF))
    if unknown:
        raise TucaiError("field_not_correctable", f"字段「{unknown[0]}」不能修改",
                         f"Field {unknown[0]} cannot be changed", status=422)
    touched = {RECORD_FIELD_OF[c] for c in changes}
    column_of = {fld: column for column, fld in RECORD_FIELD_OF.items()}
    _, before = check_row(_cells(student, {}), school_code=student.school_code, today=today, codes=codes)
    _, after = check_row(_cells(student, changes), school_code=student.school_code, today=today, codes=codes)
    known = {(i.field, i.code) for i in before if i.severity == ERROR}
    new = [i for i in after if (i.severity == ERROR and (i.field, i.code) not in known)
           or (i.field in touched and i.code in _REFUSED_WHEN_TYPED)]
    if new:
        first = new[0]
        raise TucaiError(first.code, first.message, first.message_en, status=422, errors=[
            FieldIssue(field=column_of.get(i.field or "", i.field), code=i.code, message_zh=i.message,
                       message_en=i.message_en) for i in new])
    # The values themselves, normalised as the import would (the changed cells alone, so an old problem of an
    # untouched field cannot hide them).
    record, _ = check_row({RECORD_FIELD_OF[c]: v for c, v in changes.items()}, school_code=student.school_code,
                          today=today, codes=codes)
    assert record is not None, "a change without errors in the whole row has none alone"
    values: dict[str, Any] = {}
    for column in changes:
        values[column] = getattr(record, column)
        if column in _CODED:
            values[_CODED[column]] = getattr(record, _CODED[column])
    warnings = [i for i in after if i.severity != ERROR and i.field in touched]
    return CheckedChange(values, warnings)


def refresh_warnings(student: Student, checked: CheckedChange) -> None:
    """The record's import warnings after a change: those on the changed fields are replaced by what the
    validator says of the new values (a corrected 15-digit ID number loses its flag)."""
    touched = {RECORD_FIELD_OF[c] for c in checked.values if c in RECORD_FIELD_OF}
    kept = [w for w in student.import_warnings or [] if w.get("field") not in touched]
    student.import_warnings = kept + [warning_entry(i) for i in checked.warnings]


def warning_entry(issue: Issue) -> dict[str, Any]:
    """How an import warning is kept on the student (and shown to the reviewer as a flag)."""
    return {"code": issue.code, "field": issue.field, "message": issue.message}


def edit(uow: UnitOfWork, principal: Principal, student_id: str, changes: Mapping[str, str], *,
         codes: CodeTables = DEFAULT_CODES) -> Student:
    """A direct edit by the school: the same row rules as the import and errata, then the change with history."""
    student = student_in_scope(uow.session, principal, student_id)
    wanted = {k: v.strip() for k, v in changes.items()}
    refused = sorted(set(wanted) - set(EDITABLE_FIELDS))
    if refused:
        raise TucaiError("field_not_correctable", f"字段「{refused[0]}」不能直接修改",
                         f"Field {refused[0]} cannot be edited", status=422)
    if not wanted:
        raise TucaiError("nothing_to_change", "没有要修改的字段", "No fields to change", status=422)
    checked = check_changes(student, wanted, codes=codes)
    if apply_change(uow, student, checked.values, source="school", actor=principal.username):
        refresh_warnings(student, checked)
    return student


def student_in_scope(session: Session, principal: Principal, student_id: str) -> Student:
    student = repo.student(session, principal, student_id)
    if student is None:
        raise NotFound("student_not_found", "学生不存在或无权访问", "No such student in your scope")
    return student


@dataclass(frozen=True)
class StudentRow:
    student: Student
    review_reason: str | None  # why the province rejected them, if it did


def page(session: Session, principal: Principal, *, school_code: str | None, college_id: str | None,
         class_id: str | None, status: str | None, query: str | None, offset: int, limit: int,
         ) -> tuple[list[StudentRow], int]:
    rows, total = repo.students_page(session, principal, school_code=school_code, college_id=college_id,
                                     class_id=class_id, status=status, query=query, offset=offset, limit=limit)
    rejected = [s.id for s in rows if s.review_status == "rejected"]
    reasons = {sid: item.reason for sid, item in review_repo.latest_items(session, rejected).items()}
    return [StudentRow(s, reasons.get(s.id)) for s in rows], total


@dataclass(frozen=True)
class StudentRecord:
    student: Student | repo.OwnStudent
    school_name: str
    review_reason: str | None
    has_capture_pass: bool
    captured_terms: list[str]


def record(session: Session, student: Student) -> StudentRecord:
    """A student's record: the school's name, the terms they were photographed in and, only for a rejected
    student, the province's reason (as in the school's list)."""
    school = directory_repo.school_for_system(session, student.school_code)
    return StudentRecord(
        student=student, school_name=school.name if school else "",
        review_reason=_rejection_reason(session, student),
        has_capture_pass=has_capture_pass(student),
        captured_terms=captures_repo.captured_terms(session, [student.id]).get(student.id, []))


def _rejection_reason(reads: ReadSession | Session, student: Student | repo.OwnStudent) -> str | None:
    if student.review_status != "rejected":
        return None
    return review_repo.latest_rejection_reason(reads, student.id)


def identify_by_id_number(session: Session, principal: Principal, school_code: str | None, id_number: str
                          ) -> Student:
    """Legacy check-in: the approved student with this ID number (in one school, or anywhere in the caller's
    scope). Unknown and not-approved answer differently (the photographer sends the student to the school)."""
    if principal.role not in {Role.PHOTOGRAPHER, Role.PLATFORM_ADMIN}:
        raise Forbidden("role_not_allowed", "只有摄影师可以按证件号码签到", "Only photographers check in by ID number")
    try:
        number = norm_id_number(id_number)
    except NormaliseError:
        number = None
    found = repo.by_id_number(session, principal, school_code, number) if number else []
    if not found:
        raise NotFound("subject_unknown", "未找到该证件号码对应的学生", "No student in your scope has this ID number")
    if len(found) > 1:
        raise Conflict("id_number_ambiguous", "该证件号码对应多所学校的学生，请扫描采集凭证",
                       "Students of several schools have this ID number; scan the capture pass")
    (student,) = found
    if student.review_status != "approved" or not student.subject_key:
        raise Conflict("subject_not_approved", "该学生未通过资格审查或已被撤销，不能拍摄",
                       "The student is not approved (or was withdrawn) for capture")
    return student


def own_record(reads: ReadSession, principal: Principal) -> StudentRecord:
    """The signed-in student's own record: one query (a second for the reason when they were rejected)."""
    student = repo.own_student(reads, principal)
    if student is None:
        raise NotFound("student_not_found", "学生不存在或无权访问", "No such student in your scope")
    return StudentRecord(student=student, school_name=student.school_name or "",
                         review_reason=_rejection_reason(reads, student),
                         has_capture_pass=has_capture_pass(student), captured_terms=sorted(student.captured_terms))


def history(session: Session, principal: Principal, student_id: str) -> list[StudentChange]:
    student_in_scope(session, principal, student_id)
    return repo.history(session, principal, student_id)


def all_facts(session: Session, students: Sequence[Student], term: str) -> list[dict[str, Any]]:
    """The published facts of approved students, with their colleges, classes and roster orders loaded in
    three queries whatever the number of students (a batch of thousands is approved at once)."""
    class_ids = [s.class_id for s in students if s.class_id]
    colleges = repo.colleges_for_system(session, [s.college_id for s in students if s.college_id])
    classes = repo.classes_for_system(session, class_ids)
    orders = repo.roster_orders(session, class_ids)
    result = []
    for student in students:
        assert student.subject_key, "only approved students have facts to publish"
        college = colleges.get(student.college_id or "")
        klass = classes.get(student.class_id or "")
        result.append({
            "subject_key": student.subject_key, "school_code": student.school_code,
            "province_code": student.province_code, "term": term,
            "college_id": student.college_id, "college_name": college.name if college else None,
            "class_id": student.class_id, "class_no": klass.code if klass else None,
            "class_name": klass.name if klass else None, "campus": student.campus, "level": student.level,
            "sex": student.sex, "masked_name": mask_name(student.name),
            "masked_id_number": mask_id_number(student.id_number),
            "roster_order": orders.get(student.id, 0) if student.class_id else 0,
        })
    return result


def publish_approved(uow: UnitOfWork, students: Sequence[Student], term: str,
                     withdrawn: Sequence[Student] = ()) -> None:
    """Announce newly approved students (flushed first: their roster order counts them), and the new roster
    order of approved classmates it moved: the order numbers approved students only, without gaps, so a
    student approved (or withdrawn) before others in 学号 order moves them by one. A fixed number of queries."""
    uow.session.flush()
    moved_after: dict[str, str] = {}  # class -> the smallest 学号 whose arrival or departure moves those after it
    for s in (*students, *withdrawn):
        if s.class_id and (s.class_id not in moved_after or s.student_no < moved_after[s.class_id]):
            moved_after[s.class_id] = s.student_no
    announced = {s.id for s in students} | {s.id for s in withdrawn}
    moved = [s for s in repo.approved_in_classes(uow.session, list(moved_after))
             if s.id not in announced and s.class_id and s.student_no > moved_after[s.class_id]] if moved_after else []
    facts = all_facts(uow.session, [*students, *moved], term)
    for fact in facts[:len(students)]:
        uow.emit(StudentApproved.model_validate(fact))
    for fact in facts[len(students):]:
        uow.emit(StudentUpdated.model_validate({**fact, "term": ""}))  # "" keeps the term consumers know


def apply_change(
    uow: UnitOfWork, student: Student, changes: dict[str, Any], *, source: str, actor: str,
    reference: str | None = None, term: str | None = None,
) -> list[str]:
    """Set fields on a student, record each change in the history and, for an approved student whose
    published facts changed, announce it. Returns the fields that really changed."""
    changed = []
    for field, value in changes.items():
        old = getattr(student, field)
        if as_text(old) == as_text(value):
            continue
        setattr(student, field, value)
        uow.session.add(StudentChange(
            student_id=student.id, school_code=student.school_code, province_code=student.province_code,
            field=field, old_value=as_text(old)[:100], new_value=as_text(value)[:100], source=source,
            reference=reference, actor=actor))
        changed.append(field)
    if changed:
        student.updated_at = datetime.now(UTC)
        uow.session.add(student)
    if student.review_status == "approved" and student.subject_key and PUBLISHED_FIELDS & set(changed):
        uow.session.flush()
        latest = review_repo.latest_items(uow.session, [student.id]).get(student.id)
        (facts,) = all_facts(uow.session, [student], term or (latest.term if latest else ""))
        uow.emit(StudentUpdated.model_validate(facts))
    return changed


def register_capture_code(uow: UnitOfWork, student: Student, capture_code: str) -> None:
    """The CHSI capture code is opaque; capture learns it (by pseudonym) once the student is approved."""
    student.capture_code = capture_code.upper()
    uow.session.add(student)
    if student.subject_key and student.review_status == "approved":
        uow.emit(CaptureCodeRegistered(
            subject_key=student.subject_key, school_code=student.school_code, province_code=student.province_code,
            capture_code=student.capture_code))


@dataclass(frozen=True)
class CapturePassIssued:
    subject_key: str
    token: str
    qr_svg: str
    expires_at: datetime


def has_capture_pass(student: Student | repo.OwnStudent) -> bool:
    return student.review_status == "approved" and bool(student.subject_key)


def pass_token(issuer: TokenIssuer, student: Student) -> tuple[str, datetime]:
    """The signed token of a capture pass and when it expires. It carries only the pseudonymous subject key and
    the school and province capture checks, signed by roster, so capture can verify it with the published key; its
    own audience keeps it from ever working as an API token. It expires at a day boundary, so all day long a
    student's pass is the same token (and its QR code is drawn once: _qr_svg)."""
    if not has_capture_pass(student):
        raise Conflict("not_approved", "资格审查通过后才能获取采集凭证", "A capture pass is issued after approval")
    assert student.subject_key is not None
    expires = datetime.combine(datetime.now(UTC).date() + timedelta(days=PASS_DAYS), time.min, UTC)
    claims = {"sub": student.subject_key, "prov": student.province_code, "sch": student.school_code,
              "typ": "capture_pass", "aud": "tucai-capture-pass", "iss": issuer.issuer,
              "exp": int(expires.timestamp())}
    return issuer.sign(claims), expires


@lru_cache(maxsize=2048)
def _qr_svg(token: str) -> str:
    # Drawing the QR code (choosing its mask) costs about 15 ms of CPU, a hundred times the rest of the request:
    # a student who opens their pass again today gets the drawing of the first time. 2,048 passes: about 20 MB.
    buffer = io.BytesIO()
    segno.make(token, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return buffer.getvalue().decode()


def capture_pass(issuer: TokenIssuer, student: Student) -> CapturePassIssued:
    """A signed QR code the student shows at check-in (see pass_token)."""
    token, expires = pass_token(issuer, student)
    assert student.subject_key is not None
    return CapturePassIssued(subject_key=student.subject_key, token=token, qr_svg=_qr_svg(token), expires_at=expires)
