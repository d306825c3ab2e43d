"""The directory: provinces, agencies, schools, campuses, colleges, classes, coordinators, and the events
announcing them."""

from __future__ import annotations

from services.kernel.errors import Conflict, NotFound, TucaiError
from services.kernel.tenancy import PROVINCE_ROLES, Principal, Role, require_school_access
from services.kernel.uow import UnitOfWork
from services.roster import repository as repo
from services.roster.events import ClassCreated, CollegeCreated, CollegeUpdated, SchoolRegistered, SchoolUpdated
from services.roster.models import Agency, Campus, College, Coordinator, Province, School, SchoolClass
from services.roster.schemas import (
    AgencyIn,
    CampusIn,
    ClassIn,
    CollegeIn,
    CollegeUpdate,
    CoordinatorIn,
    ProvinceIn,
    SchoolIn,
    SchoolUpdate,
)

_NOT_FOUND = ("学校不存在或无权访问", "No such school in your scope")


def create_province(uow: UnitOfWork, data: ProvinceIn) -> Province:
    if repo.province(uow.session, data.code):
        raise Conflict("province_exists", f"省份代码 {data.code} 已存在", f"Province {data.code} already exists")
    province = Province(code=data.code, name=data.name)
    uow.session.add(province)
    return province


def create_agency(uow: UnitOfWork, principal: Principal, data: AgencyIn) -> Agency:
    _require_province_exists(uow, data.province_code)
    agency = Agency(province_code=data.province_code, name=data.name)
    uow.session.add(agency)
    return agency


def _require_province_exists(uow: UnitOfWork, code: str) -> None:
    if repo.province(uow.session, code) is None:
        raise NotFound("province_not_found", f"省份代码 {code} 不存在", f"No province {code}")


def register_school(uow: UnitOfWork, code: str, name: str, province_code: str) -> School:
    school = School(school_code=code, name=name, province_code=province_code)
    uow.session.add(school)
    uow.emit(SchoolRegistered(school_code=code, province_code=province_code, name=name))
    return school


def create_school(uow: UnitOfWork, principal: Principal, data: SchoolIn) -> School:
    province_code = data.province_code if principal.is_platform else principal.province
    if not province_code or (principal.role in PROVINCE_ROLES and data.province_code not in (None, province_code)):
        raise TucaiError("province_out_of_scope", "只能在本省内新增学校", "Schools can only be added in your province",
                         status=403)
    _require_province_exists(uow, province_code)
    if repo.school_for_system(uow.session, data.code):
        raise Conflict("school_exists", f"院校代码 {data.code} 已存在", f"School {data.code} already exists")
    school = register_school(uow, data.code, data.name.strip(), province_code)
    uow.session.flush()
    return school


def update_school(uow: UnitOfWork, principal: Principal, code: str, data: SchoolUpdate) -> School:
    school = repo.school(uow.session, principal, code)
    if school is None:
        raise NotFound("school_not_found", *_NOT_FOUND)
    require_school_access(principal, school.school_code, school.province_code)
    old_name = school.name
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(school, field, value.strip() if isinstance(value, str) else value)
    uow.session.add(school)
    if school.name != old_name:
        uow.emit(SchoolUpdated(school_code=school.school_code, province_code=school.province_code, name=school.name))
    return school


def _school_for_write(uow: UnitOfWork, principal: Principal, school_code: str | None) -> School:
    code = school_code or principal.school
    if not code:
        raise TucaiError("school_required", "请指定院校代码", "school_code is required for this account", status=422)
    school = repo.school(uow.session, principal, code)
    if school is None:
        raise NotFound("school_not_found", *_NOT_FOUND)
    require_school_access(principal, school.school_code, school.province_code)
    return school


def add_campus(uow: UnitOfWork, principal: Principal, data: CampusIn) -> Campus:
    school = _school_for_write(uow, principal, data.school_code)
    name = data.name.strip()
    if repo.get_system(uow.session, Campus, school_code=school.school_code, name=name):
        raise Conflict("campus_exists", f"校区「{name}」已存在", f"Campus {name} already exists")
    campus = Campus(school_code=school.school_code, province_code=school.province_code, name=name)
    uow.session.add(campus)
    return campus


def create_college(uow: UnitOfWork, principal: Principal, data: CollegeIn) -> College:
    school = _school_for_write(uow, principal, data.school_code)
    code, name = data.code.strip(), data.name.strip()
    if repo.college_code_taken(uow.session, school.school_code, code):
        raise Conflict("college_code_taken", f"院系代码 {code} 已存在", f"College code {code} already exists")
    college = College(school_code=school.school_code, province_code=school.province_code, code=code, name=name)
    uow.session.add(college)
    uow.session.flush()
    uow.emit(CollegeCreated(
        college_id=college.id, school_code=college.school_code, province_code=college.province_code,
        code=college.code, name=college.name))
    return college


def update_college(uow: UnitOfWork, principal: Principal, college_id: str, data: CollegeUpdate) -> College:
    college = college_in_scope(uow, principal, college_id)
    require_school_access(principal, college.school_code, college.province_code)
    name = data.name.strip()
    if name != college.name:
        college.name = name
        uow.session.add(college)
        uow.emit(CollegeUpdated(college_id=college.id, school_code=college.school_code,
                                province_code=college.province_code, code=college.code, name=college.name))
    return college


def college_in_scope(uow: UnitOfWork, principal: Principal, college_id: str) -> College:
    college = repo.get_scoped(uow.session, principal, College, id=college_id)
    if college is None:
        raise NotFound("college_not_found", "院系不存在或无权访问", "No such college in your scope")
    return college


def create_class(uow: UnitOfWork, school_code: str, province_code: str, college_id: str, code: str,
                 name: str) -> SchoolClass:
    klass = SchoolClass(school_code=school_code, province_code=province_code, college_id=college_id,
                        code=code.strip(), name=name.strip())
    uow.session.add(klass)
    uow.session.flush()
    uow.emit(ClassCreated(
        class_id=klass.id, college_id=college_id, school_code=school_code, province_code=province_code,
        code=klass.code, name=klass.name))
    return klass


def add_class(uow: UnitOfWork, principal: Principal, data: ClassIn) -> SchoolClass:
    college = college_in_scope(uow, principal, data.college_id)
    require_school_access(principal, college.school_code, college.province_code)
    if data.code.strip() in repo.classes_by_code(uow.session, college.school_code):
        raise Conflict("class_code_taken", f"班号 {data.code} 已存在", f"Class {data.code} already exists")
    return create_class(uow, college.school_code, college.province_code, college.id, data.code,
                        data.name or data.code)


def add_coordinator(uow: UnitOfWork, principal: Principal, data: CoordinatorIn) -> Coordinator:
    college = college_in_scope(uow, principal, data.college_id)
    require_school_access(principal, college.school_code, college.province_code)
    if data.kind == "class_student":
        klass = repo.get_scoped(uow.session, principal, SchoolClass, id=data.class_id or "")
        if klass is None or klass.college_id != college.id:
            raise TucaiError("class_required", "班级联络人须指定本院系的班级",
                             "A class coordinator needs a class of this college", status=422)
    coordinator = Coordinator(school_code=college.school_code, province_code=college.province_code,
                              college_id=college.id, class_id=data.class_id if data.kind == "class_student" else None,
                              kind=data.kind, name=data.name.strip(), phone=data.phone)
    uow.session.add(coordinator)
    return coordinator


def remove_coordinator(uow: UnitOfWork, principal: Principal, coordinator_id: str) -> None:
    coordinator = repo.get_scoped(uow.session, principal, Coordinator, id=coordinator_id)
    if coordinator is None:
        raise NotFound("coordinator_not_found", "联络人不存在", "No such coordinator")
    require_school_access(principal, coordinator.school_code, coordinator.province_code)
    uow.session.delete(coordinator)


SYSTEM = Principal(subject="system", role=Role.PLATFORM_ADMIN, username="system")
