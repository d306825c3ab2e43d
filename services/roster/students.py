"""Students: the facts other services may know, and changes to a student's data with their history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from services.kernel.uow import UnitOfWork
from services.roster import repository as repo
from services.roster.events import CaptureCodeRegistered, StudentApproved, StudentUpdated
from services.roster.models import College, SchoolClass, Student, StudentChange
from services.roster.privacy import mask_id_number, mask_name

# Fields a person may see and correct while proofreading (校对); values are stored as text in the history.
EDITABLE_FIELDS = {
    "name": "姓名", "sex": "性别", "ethnicity": "民族", "birth_date": "出生日期", "id_number": "身份证号",
    "major_name": "专业", "level": "层次", "duration": "学制", "entry_date": "入学日期", "exam_no": "考生号",
    "political": "政治面貌", "study_mode": "学习形式", "expected_graduation": "预计毕业日期", "phone": "手机号",
}
PUBLISHED_FIELDS = {"name", "sex", "id_number", "level", "class_id", "college_id", "campus"}


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def roster_order(session: Session, student: Student) -> int:
    if not student.class_id:
        return 0
    numbers = [s.student_no for s in repo.class_students(session, student.class_id)]
    return numbers.index(student.student_no) + 1 if student.student_no in numbers else len(numbers) + 1


def facts(session: Session, student: Student, term: str) -> dict[str, Any]:
    college = repo.get_system(session, College, id=student.college_id) if student.college_id else None
    klass = repo.get_system(session, SchoolClass, id=student.class_id) if student.class_id else None
    assert student.subject_key, "only approved students have facts to publish"
    return {
        "subject_key": student.subject_key, "school_code": student.school_code,
        "province_code": student.province_code, "term": term,
        "college_id": student.college_id, "college_name": college.name if college else None,
        "class_id": student.class_id, "class_no": klass.code if klass else None,
        "class_name": klass.name if klass else None, "campus": student.campus, "level": student.level,
        "sex": student.sex, "masked_name": mask_name(student.name),
        "masked_id_number": mask_id_number(student.id_number), "roster_order": roster_order(session, student),
    }


def publish_approved(uow: UnitOfWork, student: Student, term: str) -> None:
    uow.emit(StudentApproved.model_validate(facts(uow.session, student, term)))


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
        latest = repo.latest_items(uow.session, [student.id]).get(student.id)
        uow.emit(StudentUpdated.model_validate(
            facts(uow.session, student, term or (latest.term if latest else ""))))
    return changed


def register_capture_code(uow: UnitOfWork, student: Student, capture_code: str) -> None:
    """The CHSI capture code is opaque; capture learns it (by pseudonym) once the student is approved."""
    student.capture_code = capture_code.upper()
    uow.session.add(student)
    if student.subject_key and student.review_status == "approved":
        uow.emit(CaptureCodeRegistered(
            subject_key=student.subject_key, school_code=student.school_code, province_code=student.province_code,
            capture_code=student.capture_code))
