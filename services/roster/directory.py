"""The directory: schools and colleges, and the events announcing them."""

from __future__ import annotations

from services.kernel.errors import Conflict, NotFound, TucaiError
from services.kernel.tenancy import Principal, require_school_access
from services.kernel.uow import UnitOfWork
from services.roster import repository as repo
from services.roster.events import CollegeCreated, SchoolRegistered
from services.roster.models import College, School
from services.roster.schemas import CollegeIn


def register_school(uow: UnitOfWork, code: str, name: str, province_code: str) -> School:
    school = School(school_code=code, name=name, province_code=province_code)
    uow.session.add(school)
    uow.emit(SchoolRegistered.TYPE, SchoolRegistered(school_code=code, province_code=province_code,
                                                     name=name).model_dump(),
             province=province_code, school=code)
    return school


def create_college(uow: UnitOfWork, principal: Principal, data: CollegeIn) -> College:
    school_code = data.school_code or principal.school
    if not school_code:
        raise TucaiError("school_required", "请指定院校代码", "school_code is required for this account",
                         status=422)
    school = repo.school(uow.session, principal, school_code)
    if school is None:
        raise NotFound("school_not_found", "学校不存在或无权访问", "No such school in your scope")
    require_school_access(principal, school.school_code, school.province_code)
    code, name = data.code.strip(), data.name.strip()
    if repo.college_code_taken(uow.session, school.school_code, code):
        raise Conflict("college_code_taken", f"院系代码 {code} 已存在", f"College code {code} already exists")
    college = College(school_code=school.school_code, province_code=school.province_code, code=code, name=name)
    uow.session.add(college)
    uow.session.flush()
    uow.emit(CollegeCreated.TYPE, CollegeCreated(
        college_id=college.id, school_code=college.school_code, province_code=college.province_code,
        code=college.code, name=college.name).model_dump(),
        province=college.province_code, school=college.school_code)
    return college
