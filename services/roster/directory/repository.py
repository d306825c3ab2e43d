"""All of the directory's SQL. Reads on behalf of a user go through the kernel's scoped queries; system reads
(imports, sign-in, start-up, other modules' lookups by key) say so in their name."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.kernel.errors import register_conflict
from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.tenancy import Principal, scoped, unscoped_for_system
from services.roster.models import Agency, Campus, College, Coordinator, Province, School, SchoolClass, Student

# Unique keys the database settles when two requests race past the checks in the service.
register_conflict("province", "province_exists", "省份代码已存在", "The province already exists")
register_conflict("school", "school_exists", "院校代码已存在", "The school already exists")
register_conflict("campus", "campus_exists", "校区已存在", "The campus already exists")
register_conflict("college", "college_code_taken", "院系代码已存在", "The college code already exists")
register_conflict("school_class", "class_code_taken", "班号已存在", "The class code already exists")


def province(session: Session, code: str) -> Province | None:
    return session.get(Province, code)


def provinces(session: Session) -> list[Province]:
    return list(session.exec(select(Province).order_by(Province.code)))


def agencies(session: Session, principal: Principal) -> list[Agency]:
    return list_scoped(session, principal, Agency, Agency.name)


def agency_for_system(session: Session, province_code: str) -> Agency | None:
    return get_system(session, Agency, province_code=province_code)


def schools(session: Session, principal: Principal) -> list[School]:
    return list_scoped(session, principal, School, School.school_code)


def school(session: Session, principal: Principal, code: str) -> School | None:
    return get_scoped(session, principal, School, school_code=code)


def school_for_system(session: Session, code: str) -> School | None:
    return get_system(session, School, school_code=code)


def schools_for_system(session: Session, codes: set[str]) -> dict[str, School]:
    if not codes:
        return {}
    stmt = unscoped_for_system(select(School).where(col(School.school_code).in_(sorted(codes))))
    return {s.school_code: s for s in session.exec(stmt)}


def has_any_school(session: Session) -> bool:
    return session.exec(unscoped_for_system(select(func.count()).select_from(School))).one() > 0


def campuses(session: Session, principal: Principal, school_code: str | None) -> list[Campus]:
    return list_scoped(session, principal, Campus, Campus.name, school_code=school_code)


def campus_for_system(session: Session, school_code: str, name: str) -> Campus | None:
    return get_system(session, Campus, school_code=school_code, name=name)


def colleges(session: Session, principal: Principal, school_code: str | None = None) -> list[College]:
    return list_scoped(session, principal, College, College.school_code, College.code, school_code=school_code)


def college(session: Session, principal: Principal, college_id: str) -> College | None:
    return get_scoped(session, principal, College, id=college_id)


def college_code_taken(session: Session, school_code: str, code: str) -> bool:
    return get_system(session, College, school_code=school_code, code=code) is not None


def colleges_by_name(session: Session, school_code: str) -> dict[str, College]:
    rows = session.exec(unscoped_for_system(select(College).where(College.school_code == school_code)))
    return {c.name: c for c in rows}


def classes(session: Session, principal: Principal, college_id: str | None, school_code: str | None
            ) -> list[SchoolClass]:
    return list_scoped(session, principal, SchoolClass, SchoolClass.school_code, SchoolClass.code,
                       college_id=college_id, school_code=school_code)


def school_class(session: Session, principal: Principal, class_id: str) -> SchoolClass | None:
    return get_scoped(session, principal, SchoolClass, id=class_id)


def classes_by_code(session: Session, school_code: str) -> dict[str, SchoolClass]:
    rows = session.exec(unscoped_for_system(select(SchoolClass).where(SchoolClass.school_code == school_code)))
    return {c.code: c for c in rows}


def class_code_taken(session: Session, school_code: str, code: str) -> bool:
    return get_system(session, SchoolClass, school_code=school_code, code=code) is not None


def class_student_counts(session: Session, principal: Principal, college_id: str | None,
                         school_code: str | None) -> dict[str, int]:
    stmt = scoped(select(Student.class_id, func.count()).group_by(Student.class_id), Student, principal)
    if college_id:
        stmt = stmt.where(Student.college_id == college_id)
    if school_code:
        stmt = stmt.where(Student.school_code == school_code)
    return {class_id: int(n) for class_id, n in session.exec(stmt) if class_id}


def coordinators(session: Session, principal: Principal, school_code: str | None) -> list[Coordinator]:
    return list_scoped(session, principal, Coordinator, Coordinator.college_id, Coordinator.kind,
                       school_code=school_code)


def coordinator(session: Session, principal: Principal, coordinator_id: str) -> Coordinator | None:
    return get_scoped(session, principal, Coordinator, id=coordinator_id)
