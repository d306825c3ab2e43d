"""Printouts from roster's data: the class lists the photographer and monitor carry on the day, and the
province-reviewed list. Gathers the rows (through the scoping helper) and hands them to `documents`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from services.kernel.auth import TokenIssuer
from services.kernel.errors import NotFound
from services.kernel.tenancy import Principal, Role
from services.roster import documents
from services.roster.directory import repository as directory_repo
from services.roster.documents import repository as repo
from services.roster.models import School, Student
from services.roster.rules.privacy import mask_id_number, mask_name
from services.roster.students import service as students_service

_DECISION_ZH = {"approved": "通过", "rejected": "不通过", "pending": "待审"}


def class_lists(session: Session, principal: Principal, school_code: str | None, college_id: str | None,
                class_id: str | None, fee_yuan: Decimal | int | None) -> tuple[bytes, str]:
    """The 班级采集名单: one sheet per class with approved students, numbered 1, 2, 3 … in 学号 order without gaps;
    returns the xlsx and a file name.

    Who is on it: approved students only. A class still 审核中 (nobody approved yet) has no sheet; a student
    rejected or under review is left out and the numbers close up, so the 序号 is the capture day's queue order,
    the same `roster_order` the capture side receives (students.service.all_facts).

    Names: masked (王*明) with the ID number masked (rules/privacy.py), and no 学号, for every reader. This
    sheet is carried by the photographer on the day and downloaded by the agency, and under the 2023 privacy rule
    (rules/privacy.py) the capture side gets no plaintext roster: it works on pseudonyms and masked facts.
    The school's printed sheet is the same document, so it agrees line for line with the agency's 待拍名单
    (same students, same numbers, same masked names); the monitor and the student confirm identity at the door
    with the ID card itself and the capture pass, not with the list."""
    if principal.role == Role.CLASS_MONITOR:  # their own class only: another class is refused, not an empty sheet
        if class_id not in (None, principal.klass):
            raise NotFound("classes_not_found", "没有可导出的班级", "No classes in scope to export")
        class_id = principal.klass or "-"
    classes = repo.classes(session, principal, school_code, college_id, class_id)
    if not classes:
        raise NotFound("classes_not_found", "没有可导出的班级", "No classes in scope to export")
    colleges = {c.id: c for c in repo.colleges(session, principal)}
    students = repo.students(session, principal, school_code, college_id, class_id)
    schools = directory_repo.schools_for_system(session, {k.school_code for k in classes})
    by_class: dict[str, list[Student]] = {}
    for s in students:
        if s.class_id and s.review_status == "approved":
            by_class.setdefault(s.class_id, []).append(s)
    lists = []
    for klass in classes:
        approved = by_class.get(klass.id, [])
        if not approved:
            continue
        college = colleges.get(klass.college_id)
        school = schools.get(klass.school_code)
        rows = [documents.ClassListRow(order=i, id_number_masked=mask_id_number(s.id_number), name=mask_name(s.name),
                                       sex=s.sex, college=college.name if college else "", major=s.major_name or "",
                                       class_no=klass.code, level=s.level)
                for i, s in enumerate(approved, start=1)]
        lists.append(documents.ClassList(school_code=klass.school_code, school_name=school.name if school else "",
                                         college=college.name if college else "", class_no=klass.code,
                                         class_name=klass.name, rows=rows))
    if not lists:
        raise NotFound("no_approved_students", "所选班级尚无审核通过的学生",
                       "No approved students in these classes yet")
    name = f"{lists[0].class_no}-采集名单.xlsx" if len(lists) == 1 else "班级采集名单.xlsx"
    return documents.class_list_xlsx(lists, fee_yuan=fee_yuan), name


def class_passes(session: Session, principal: Principal, issuer: TokenIssuer, class_id: str) -> tuple[bytes, str]:
    """Every capture pass of one class on A4 sheets (eight to a page) in one PDF: the approved students in 学号
    order, numbered as on the class list; the others are counted on the sheet (their pass comes after approval).
    One query for the class, one for its students, whatever the class size. Returns the PDF and a file name."""
    classes = repo.classes(session, principal, None, None, class_id)
    if not classes:
        raise NotFound("class_not_found", "班级不存在或无权访问", "No such class in your scope")
    klass = classes[0]
    students = repo.students(session, principal, klass.school_code, None, klass.id)
    approved = [s for s in students if students_service.has_capture_pass(s)]
    if not approved:
        raise NotFound("no_approved_students", "该班尚无审核通过的学生，暂无采集凭证可打印",
                       "No approved students in this class yet: no capture passes to print")
    cards = []
    for order, student in enumerate(approved, start=1):
        token, expires = students_service.pass_token(issuer, student)
        cards.append(documents.PassCard(order=order, name=student.name, student_no=student.student_no,
                                        token=token, expires_at=expires))
    college = next((c for c in repo.colleges(session, principal, klass.school_code) if c.id == klass.college_id),
                   None)
    school = directory_repo.schools_for_system(session, {klass.school_code}).get(klass.school_code)
    sheet = documents.PassSheet(school_name=school.name if school else klass.school_code,
                                college=college.name if college else "", class_code=klass.code,
                                class_name=klass.name, cards=cards, left_out=len(students) - len(approved))
    return documents.class_passes_pdf(sheet), f"{klass.code}-采集凭证.pdf"


def reviewed_list(session: Session, principal: Principal, term: str, school_code: str | None) -> tuple[bytes, str]:
    """The province's decisions on one school's students for one term; returns the xlsx and a file name."""
    code = school_code or principal.school or ""
    school = directory_repo.school(session, principal, code)
    if school is None:
        raise NotFound("school_not_found", "学校不存在或无权访问", "No such school in your scope")
    items = repo.review_items(session, principal, code, term)
    students = {s.id: s for s in repo.students(session, principal, code)}
    colleges = {c.id: c.name for c in repo.colleges(session, principal, code)}
    classes = {c.id: c.code for c in repo.classes(session, principal, code, None, None)}
    rows = []
    for item in items:
        s = students.get(item.student_id)
        if s is None:
            continue
        rows.append(documents.ReviewedRow(
            student_no=s.student_no, name=s.name, sex=s.sex, id_number_masked=mask_id_number(s.id_number),
            college=colleges.get(s.college_id or "", ""), major=s.major_name or "", level=s.level,
            class_no=classes.get(s.class_id or "", ""), status=_DECISION_ZH.get(item.decision, item.decision),
            reason=item.reason, decided_by=item.decided_by or "", decided_at=item.decided_at))
    rows.sort(key=lambda r: r.student_no)
    return (documents.reviewed_list_xlsx(school.school_code, school.name, term, rows),
            f"{school.school_code}-{term}-资格审查结果.xlsx")


@dataclass(frozen=True)
class SchoolCounts:
    school: School
    counts: dict[str, int]  # review status -> students; "errata_pending" -> errata waiting for the school


def school_counts(session: Session, principal: Principal) -> list[SchoolCounts]:
    """Students per school in scope by review status (the agency's and the province's overview)."""
    counts = repo.status_counts(session, principal)
    return [SchoolCounts(s, counts.get(s.school_code, {})) for s in directory_repo.schools(session, principal)]
