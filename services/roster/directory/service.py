"""The directory: provinces, agencies, schools, campuses, colleges, classes, coordinators, and the events
announcing them. Plain functions on a unit of work; they never commit (the request's unit of work does)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from services.kernel.errors import Conflict, NotFound, TucaiError
from services.kernel.tenancy import PROVINCE_ROLES, Principal, Role, require_school_access
from services.kernel.uow import UnitOfWork
from services.roster.directory import repository as repo
from services.roster.events import (
    ClassCreated,
    ClassUpdated,
    CollegeCreated,
    CollegeUpdated,
    SchoolRegistered,
    SchoolUpdated,
)
from services.roster.models import Agency, Campus, College, Coordinator, Province, School, SchoolClass

_NOT_FOUND = ("学校不存在或无权访问", "No such school in your scope")
SYSTEM = Principal(subject="system", role=Role.PLATFORM_ADMIN, username="system")
# What a school admin may change on the school's own record (the code and province are fixed).
SCHOOL_FIELDS = frozenset({"name", "contact_recipient", "contact_address", "contact_postcode", "contact_phone",
                           "student_second_factor"})


def provinces(session: Session, principal: Principal) -> list[Province]:
    return [p for p in repo.provinces(session) if principal.is_platform or p.code == principal.province]


def create_province(uow: UnitOfWork, code: str, name: str) -> Province:
    if repo.province(uow.session, code):
        raise Conflict("province_exists", f"省份代码 {code} 已存在", f"Province {code} already exists")
    province = Province(code=code, name=name)
    uow.session.add(province)
    return province


def agencies(session: Session, principal: Principal) -> list[Agency]:
    return repo.agencies(session, principal)


def create_agency(uow: UnitOfWork, province_code: str, name: str) -> Agency:
    _require_province_exists(uow, province_code)
    agency = Agency(province_code=province_code, name=name)
    uow.session.add(agency)
    return agency


def _require_province_exists(uow: UnitOfWork, code: str) -> None:
    if repo.province(uow.session, code) is None:
        raise NotFound("province_not_found", f"省份代码 {code} 不存在", f"No province {code}")


def schools(session: Session, principal: Principal) -> list[School]:
    return repo.schools(session, principal)


def register_school(uow: UnitOfWork, code: str, name: str, province_code: str) -> School:
    school = School(school_code=code, name=name, province_code=province_code)
    uow.session.add(school)
    uow.emit(SchoolRegistered(school_code=code, province_code=province_code, name=name))
    return school


def create_school(uow: UnitOfWork, principal: Principal, code: str, name: str,
                  province_code: str | None = None) -> School:
    province = province_code if principal.is_platform else principal.province
    if not province or (principal.role in PROVINCE_ROLES and province_code not in (None, province)):
        raise TucaiError("province_out_of_scope", "只能在本省内新增学校", "Schools can only be added in your province",
                         status=403)
    _require_province_exists(uow, province)
    if repo.school_for_system(uow.session, code):
        raise Conflict("school_exists", f"院校代码 {code} 已存在", f"School {code} already exists")
    school = register_school(uow, code, name.strip(), province)
    uow.session.flush()
    return school


def update_school(uow: UnitOfWork, principal: Principal, code: str, changes: Mapping[str, Any]) -> School:
    """Set the given fields (only those in SCHOOL_FIELDS); a new name is announced to the read models."""
    unknown = set(changes) - SCHOOL_FIELDS
    if unknown:
        raise ValueError(f"not school fields: {sorted(unknown)}")
    school = repo.school(uow.session, principal, code)
    if school is None:
        raise NotFound("school_not_found", *_NOT_FOUND)
    require_school_access(principal, school.school_code, school.province_code)
    old_name = school.name
    for field, value in changes.items():
        setattr(school, field, value.strip() if isinstance(value, str) else value)
    uow.session.add(school)
    if school.name != old_name:
        uow.emit(SchoolUpdated(school_code=school.school_code, province_code=school.province_code, name=school.name))
    return school


def school_for_write(session: Session, principal: Principal, school_code: str | None) -> School:
    """The school a write is about (the caller's own by default), if the caller may change it."""
    code = school_code or principal.school
    if not code:
        raise TucaiError("school_required", "请指定院校代码", "school_code is required for this account", status=422)
    school = repo.school(session, principal, code)
    if school is None:
        raise NotFound("school_not_found", *_NOT_FOUND)
    require_school_access(principal, school.school_code, school.province_code)
    return school


def campuses(session: Session, principal: Principal, school_code: str | None) -> list[Campus]:
    return repo.campuses(session, principal, school_code)


def add_campus(uow: UnitOfWork, principal: Principal, name: str, school_code: str | None = None) -> Campus:
    school = school_for_write(uow.session, principal, school_code)
    name = name.strip()
    if repo.campus_for_system(uow.session, school.school_code, name):
        raise Conflict("campus_exists", f"校区「{name}」已存在", f"Campus {name} already exists")
    campus = Campus(school_code=school.school_code, province_code=school.province_code, name=name)
    uow.session.add(campus)
    return campus


def colleges(session: Session, principal: Principal, school_code: str | None) -> list[College]:
    return repo.colleges(session, principal, school_code)


def create_college(uow: UnitOfWork, principal: Principal, code: str, name: str,
                   school_code: str | None = None) -> College:
    school = school_for_write(uow.session, principal, school_code)
    code, name = code.strip(), name.strip()
    if repo.college_code_taken(uow.session, school.school_code, code):
        raise Conflict("college_code_taken", f"院系代码 {code} 已存在", f"College code {code} already exists")
    college = College(school_code=school.school_code, province_code=school.province_code, code=code, name=name)
    uow.session.add(college)
    uow.session.flush()  # a racing create of the same code fails here, as a 409 (see the repository)
    uow.emit(CollegeCreated(
        college_id=college.id, school_code=college.school_code, province_code=college.province_code,
        code=college.code, name=college.name))
    return college


def update_college(uow: UnitOfWork, principal: Principal, college_id: str, name: str) -> College:
    college = college_in_scope(uow.session, principal, college_id)
    require_school_access(principal, college.school_code, college.province_code)
    name = name.strip()
    if name != college.name:
        college.name = name
        uow.session.add(college)
        uow.emit(CollegeUpdated(college_id=college.id, school_code=college.school_code,
                                province_code=college.province_code, code=college.code, name=college.name))
    return college


def college_in_scope(session: Session, principal: Principal, college_id: str) -> College:
    college = repo.college(session, principal, college_id)
    if college is None:
        raise NotFound("college_not_found", "院系不存在或无权访问", "No such college in your scope")
    return college


@dataclass(frozen=True)
class ClassWithCount:
    klass: SchoolClass
    students: int


def classes(session: Session, principal: Principal, college_id: str | None,
            school_code: str | None) -> list[ClassWithCount]:
    rows = repo.classes(session, principal, college_id, school_code)
    counts = repo.class_student_counts(session, principal, college_id, school_code)
    return [ClassWithCount(c, counts.get(c.id, 0)) for c in rows]


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


def add_class(uow: UnitOfWork, principal: Principal, college_id: str, code: str, name: str | None) -> SchoolClass:
    college = college_in_scope(uow.session, principal, college_id)
    require_school_access(principal, college.school_code, college.province_code)
    if repo.class_code_taken(uow.session, college.school_code, code.strip()):
        raise Conflict("class_code_taken", f"班号 {code} 已存在", f"Class {code} already exists")
    return create_class(uow, college.school_code, college.province_code, college.id, code, name or code)


def class_in_scope(session: Session, principal: Principal, class_id: str) -> SchoolClass:
    klass = repo.school_class(session, principal, class_id)
    if klass is None:
        raise NotFound("class_not_found", "班级不存在或无权访问", "No such class in your scope")
    return klass


def update_class(uow: UnitOfWork, principal: Principal, class_id: str, code: str | None = None,
                 name: str | None = None) -> ClassWithCount:
    """Rename or recode a class; downstream read models follow the ClassUpdated event (class_no is the code)."""
    klass = class_in_scope(uow.session, principal, class_id)
    require_school_access(principal, klass.school_code, klass.province_code)
    new_code = code.strip() if code is not None else klass.code
    new_name = name.strip() if name is not None else klass.name
    if new_code != klass.code and repo.class_code_taken(uow.session, klass.school_code, new_code):
        raise Conflict("class_code_taken", f"班号 {new_code} 已存在", f"Class {new_code} already exists")
    if (new_code, new_name) != (klass.code, klass.name):
        klass.code, klass.name = new_code, new_name
        uow.session.add(klass)
        uow.session.flush()  # a racing recode to the same code fails here, as a 409
        uow.emit(ClassUpdated(class_id=klass.id, college_id=klass.college_id, school_code=klass.school_code,
                              province_code=klass.province_code, code=klass.code, name=klass.name))
    counts = repo.class_student_counts(uow.session, principal, klass.college_id, klass.school_code)
    return ClassWithCount(klass, counts.get(klass.id, 0))


def coordinators(session: Session, principal: Principal, school_code: str | None) -> list[Coordinator]:
    return repo.coordinators(session, principal, school_code)


def add_coordinator(uow: UnitOfWork, principal: Principal, college_id: str, class_id: str | None, kind: str,
                    name: str, phone: str) -> Coordinator:
    college = college_in_scope(uow.session, principal, college_id)
    require_school_access(principal, college.school_code, college.province_code)
    if kind == "class_student":
        klass = repo.school_class(uow.session, principal, class_id or "")
        if klass is None or klass.college_id != college.id:
            raise TucaiError("class_required", "班级联络人须指定本院系的班级",
                             "A class coordinator needs a class of this college", status=422)
    coordinator = Coordinator(school_code=college.school_code, province_code=college.province_code,
                              college_id=college.id, class_id=class_id if kind == "class_student" else None,
                              kind=kind, name=name.strip(), phone=phone)
    uow.session.add(coordinator)
    return coordinator


def remove_coordinator(uow: UnitOfWork, principal: Principal, coordinator_id: str) -> None:
    coordinator = repo.coordinator(uow.session, principal, coordinator_id)
    if coordinator is None:
        raise NotFound("coordinator_not_found", "联络人不存在", "No such coordinator")
    require_school_access(principal, coordinator.school_code, coordinator.province_code)
    uow.session.delete(coordinator)
