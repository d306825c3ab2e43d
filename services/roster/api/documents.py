"""Documents over HTTP: class lists for the capture day, the reviewed list, and counts per school."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from services.kernel.auth import CurrentPrincipal, require_roles
from services.kernel.errors import NotFound
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role
from services.roster import documents
from services.roster import repository as repo
from services.roster.api.deps import PROBLEMS
from services.roster.models import College, ReviewItem, SchoolClass, Student
from services.roster.privacy import mask_id_number
from services.roster.schemas import SchoolStats, SchoolStatsList

router = APIRouter(prefix="/v1", tags=["documents"], responses=PROBLEMS)

# Class lists go to the photographer and the class monitor; the reviewed list to the school and the province.
ListReaders = Annotated[Principal, Depends(require_roles(
    Role.SCHOOL_ADMIN, Role.COLLEGE_COORDINATOR, Role.CLASS_MONITOR, Role.AGENCY_ADMIN, Role.PHOTOGRAPHER,
    Role.PROVINCE_REVIEWER))]
ReviewReaders = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN, Role.PROVINCE_REVIEWER))]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DECISION_ZH = {"approved": "通过", "rejected": "不通过", "pending": "待审"}


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.get("/class-lists.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}},
            summary="Class lists in roster order with blank 拍摄序号 and fee columns (one sheet per class)")
def class_lists(principal: ListReaders, uow: UoW, school_code: str | None = None,
                college_id: str | None = None, class_id: str | None = None, fee_yuan: int | None = None) -> Response:
    classes = repo.list_scoped(uow.session, principal, SchoolClass, SchoolClass.code, school_code=school_code,
                               college_id=college_id, id=class_id)
    if not classes:
        raise NotFound("classes_not_found", "没有可导出的班级", "No classes in scope to export")
    colleges = {c.id: c for c in repo.list_scoped(uow.session, principal, College, College.code)}
    students = repo.list_scoped(uow.session, principal, Student, Student.student_no, school_code=school_code,
                                college_id=college_id, class_id=class_id)
    by_class: dict[str, list[Student]] = {}
    for s in students:
        if s.class_id and s.review_status != "rejected":
            by_class.setdefault(s.class_id, []).append(s)
    lists = []
    for klass in classes:
        college = colleges.get(klass.college_id)
        school = repo.school_for_system(uow.session, klass.school_code)
        rows = [documents.ClassListRow(order=i, student_no=s.student_no, name=s.name, sex=s.sex,
                                       college=college.name if college else "", major=s.major_name or "",
                                       class_no=klass.code, level=s.level)
                for i, s in enumerate(by_class.get(klass.id, []), start=1)]
        lists.append(documents.ClassList(school_code=klass.school_code, school_name=school.name if school else "",
                                         college=college.name if college else "", class_no=klass.code,
                                         class_name=klass.name, rows=rows))
    name = "班级采集名单.xlsx" if len(lists) > 1 else f"{lists[0].class_no}-采集名单.xlsx"
    return _xlsx(documents.class_list_xlsx(lists, fee_yuan=fee_yuan), name)


@router.get("/reviewed-list.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}},
            summary="The province-reviewed list of one school for one term")
def reviewed_list(principal: ReviewReaders, uow: UoW, term: str, school_code: str | None = None) -> Response:
    code = school_code or principal.school or ""
    school = repo.school(uow.session, principal, code)
    if school is None:
        raise NotFound("school_not_found", "学校不存在或无权访问", "No such school in your scope")
    items = repo.list_scoped(uow.session, principal, ReviewItem, ReviewItem.id, school_code=code, term=term)
    students = {s.id: s for s in repo.list_scoped(uow.session, principal, Student, Student.id, school_code=code)}
    colleges = {c.id: c.name for c in repo.list_scoped(uow.session, principal, College, College.code,
                                                       school_code=code)}
    classes = {c.id: c.code for c in repo.list_scoped(uow.session, principal, SchoolClass, SchoolClass.code,
                                                      school_code=code)}
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
    return _xlsx(documents.reviewed_list_xlsx(school.school_code, school.name, term, rows),
                 f"{school.school_code}-{term}-资格审查结果.xlsx")


@router.get("/stats/schools", response_model=SchoolStatsList,
            summary="Students per school by review status (the agency's and province's overview)")
def school_stats(principal: CurrentPrincipal, uow: UoW) -> SchoolStatsList:
    counts = repo.status_counts(uow.session, principal)
    items = []
    for school in repo.schools(uow.session, principal):
        c = counts.get(school.school_code, {})
        items.append(SchoolStats(school_code=school.school_code, school_name=school.name,
                                 imported=c.get("imported", 0), submitted=c.get("submitted", 0),
                                 approved=c.get("approved", 0), rejected=c.get("rejected", 0)))
    return SchoolStatsList(items=items, total=len(items))
