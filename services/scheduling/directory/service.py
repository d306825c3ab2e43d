"""The directory's rules: what users may read, and how roster's directory events change the views.
Plain functions on a unit of work; they never commit (the request or the consumer's inbox row does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from services.kernel.errors import NotFound
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.scheduling.directory import repository as repo
from services.scheduling.models import ClassView, CollegeView, SchoolView


@dataclass(frozen=True)
class SchoolAtAGlance:
    school: SchoolView
    approved_students: int


@dataclass(frozen=True)
class ClassWithStudents:
    klass: ClassView
    approved_students: int


def colleges(uow: UnitOfWork, principal: Principal, school_code: str | None) -> list[CollegeView]:
    return repo.colleges(uow.session, principal, school_code)


def school_at_a_glance(uow: UnitOfWork, principal: Principal, school_code: str) -> SchoolAtAGlance:
    school = repo.school(uow.session, principal, school_code)
    if school is None:
        raise NotFound("school_not_found", "学校不存在或无权访问", "No such school in your scope")
    return SchoolAtAGlance(school, repo.approved_count(uow.session, principal, school_code))


def classes(uow: UnitOfWork, principal: Principal, school_code: str | None) -> list[ClassWithStudents]:
    approved = repo.approved_by_class(uow.session, principal)
    return [ClassWithStudents(c, approved.get(c.class_id, 0))
            for c in repo.classes(uow.session, principal, school_code)]


# --- kept from roster's events -------------------------------------------------------------------------------

def name_school(uow: UnitOfWork, school_code: str, province_code: str, name: str) -> SchoolView:
    """A school was registered or renamed."""
    school = _school(uow, school_code, province_code)
    school.name, school.updated_at = name, datetime.now(UTC)
    uow.session.add(school)
    return school


def add_college(uow: UnitOfWork, college_id: str, school_code: str, province_code: str, code: str,
                name: str) -> None:
    now = datetime.now(UTC)
    if repo.college_for_system(uow.session, college_id) is None:
        uow.session.add(CollegeView(college_id=college_id, school_code=school_code, province_code=province_code,
                                    code=code, name=name, updated_at=now))
    school = _school(uow, school_code, province_code)
    # Read-modify-write on purpose: the count is how the system tier detects an event applied twice
    # (tests/system/test_distributed.py), so it must move once per applied event, not be recomputed.
    school.college_count += 1
    school.updated_at = now


def rename_college(uow: UnitOfWork, college_id: str, school_code: str, province_code: str, code: str,
                   name: str) -> None:
    """A college was renamed or recoded. A college never seen (its creation predates this consumer) is added,
    but not counted: only CollegeCreated moves the count."""
    college = repo.college_for_system(uow.session, college_id) or CollegeView(
        college_id=college_id, school_code=school_code, province_code=province_code, code=code, name=name,
        updated_at=datetime.now(UTC))
    college.code, college.name, college.updated_at = code, name, datetime.now(UTC)
    uow.session.add(college)


def record_class(uow: UnitOfWork, class_id: str, college_id: str, school_code: str, province_code: str,
                 code: str, name: str) -> None:
    """A class was created or renamed: the view holds its latest code and name."""
    klass = repo.class_for_system(uow.session, class_id) or ClassView(
        class_id=class_id, college_id=college_id, school_code=school_code, province_code=province_code,
        code=code, name=name)
    klass.college_id, klass.code, klass.name = college_id, code, name
    uow.session.add(klass)


def _school(uow: UnitOfWork, code: str, province_code: str) -> SchoolView:
    school = repo.school_for_system(uow.session, code)
    if school is None:
        school = SchoolView(school_code=code, province_code=province_code, updated_at=datetime.now(UTC))
        uow.session.add(school)
    return school
