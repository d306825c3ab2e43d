"""Tenant scoping: who may see which rows. Every read of a tenant table goes through `scoped()` (or, for a
caller's own rows in a statement built once, `own_rows()`); a session guard refuses any query on a tenant table,
ORM or Core, that did not (tests prove it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, event, false
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import ClauseElement, ColumnElement, Executable, Select
from sqlalchemy.sql.expression import ColumnClause

from services.kernel.errors import Forbidden


class Role(StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    AGENCY_ADMIN = "agency_admin"
    PHOTOGRAPHER = "photographer"
    PROVINCE_REVIEWER = "province_reviewer"
    SCHOOL_ADMIN = "school_admin"
    COLLEGE_COORDINATOR = "college_coordinator"
    CLASS_MONITOR = "class_monitor"
    STUDENT = "student"


ROLE_LABELS = {
    Role.PLATFORM_ADMIN: "平台管理员",
    Role.AGENCY_ADMIN: "采集中心管理员",
    Role.PHOTOGRAPHER: "摄影师",
    Role.PROVINCE_REVIEWER: "省教育厅审核员",
    Role.SCHOOL_ADMIN: "学校管理员",
    Role.COLLEGE_COORDINATOR: "院系联络人",
    Role.CLASS_MONITOR: "班长",
    Role.STUDENT: "学生",
}

PROVINCE_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PHOTOGRAPHER, Role.PROVINCE_REVIEWER})
SCHOOL_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.COLLEGE_COORDINATOR, Role.CLASS_MONITOR, Role.STUDENT})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, from a verified token."""

    subject: str
    role: Role
    username: str = ""
    province: str | None = None
    school: str | None = None
    college: str | None = None  # a college coordinator's college
    klass: str | None = None  # a class monitor's class
    # A student's pseudonymous key (once approved): how the other services, which never see roster's ids,
    # know which of their rows are this student's.
    subject_key: str | None = None

    @property
    def is_platform(self) -> bool:
        return self.role == Role.PLATFORM_ADMIN


class TenantScoped:
    """Mixin for tables holding tenant data. Every such row carries province_code; school-level rows also
    school_code (a school's own row carries its code there). A table of one person's data names the column
    holding their subject, so a student sees only their own rows."""

    __tenant_scoped__ = True
    __tenant_level__ = "school"  # or "province": rows belong to a province, not to one school
    # A column named "subject_key" holds the student's pseudonymous key (how every service but roster knows a
    # student); any other name holds roster's student id.
    __subject_column__: str | None = None
    # Students see only rows naming them (subject column); "school" opens a table to the whole school
    # (the directory), anything else keeps it closed to students.
    __student_access__ = "none"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        global _tenant_models_version  # noqa: PLW0603 - the guard's cache learns that a tenant model appeared
        _tenant_models_version += 1


_tenant_models_version = 0


class UnscopedQuery(RuntimeError):
    """A tenant table was read without the scoping helper: a bug, never a user error."""


# Any SELECT, whatever its row shape (Select is variadic over its columns since SQLAlchemy 2.1).
T = TypeVar("T", bound=Select[*tuple[Any, ...]])


def _column(model: type, name: str) -> ColumnElement[Any]:
    """The mapped column `name` of a tenant table (tenant tables carry province_code, school-level ones
    school_code); the model is any mapped class, so the column is looked up by name."""
    column: ColumnElement[Any] = getattr(model, name)
    return column


def scoped(stmt: T, model: type, principal: Principal) -> T:
    """Limit a SELECT on `model` to the rows `principal` may see."""
    stmt = stmt.execution_options(tenant_scoped=True)
    if principal.role == Role.PLATFORM_ADMIN:
        return stmt
    if principal.role in PROVINCE_ROLES:
        if not principal.province:
            return stmt.where(false())
        return stmt.where(_column(model, "province_code") == principal.province)
    if getattr(model, "__tenant_level__", "school") == "province":
        return stmt.where(_column(model, "province_code") == principal.province)
    if not principal.school:
        return stmt.where(false())
    stmt = stmt.where(_column(model, "school_code") == principal.school)
    if principal.role in (Role.COLLEGE_COORDINATOR, Role.CLASS_MONITOR):
        return _narrow(stmt, model, principal)
    if principal.role != Role.STUDENT:
        return stmt
    subject_col = getattr(model, "__subject_column__", None)
    if subject_col:
        mine = principal.subject_key if subject_col == "subject_key" else principal.subject
        return stmt.where(_column(model, subject_col) == mine) if mine else stmt.where(false())
    if getattr(model, "__student_access__", "none") == "school":
        return stmt
    return stmt.where(false())


# The bind parameters of own_rows(); own_params() gives their values for a caller.
OWN_SCHOOL, OWN_SUBJECT, OWN_SUBJECT_KEY = "own_school", "own_subject", "own_subject_key"


def own_rows(stmt: T, model: type) -> T:
    """Limit a SELECT on `model` (a table of one person's data: `__subject_column__`) to the caller's own rows,
    with the rule as bind parameters: the statement is built once (and compiled once) and run with
    `own_params(principal)`. For a student these are the rows scoped() lets them see; for anyone else, the rows
    naming their own subject in their own school (normally none). A caller without a school sees nothing (the
    parameter is NULL, which equals no row)."""
    subject = getattr(model, "__subject_column__", None)
    if not subject:
        raise TypeError(f"{model.__name__} names no subject column: its rows belong to no one person")
    param = OWN_SUBJECT_KEY if subject == "subject_key" else OWN_SUBJECT
    return stmt.where(_column(model, "school_code") == bindparam(OWN_SCHOOL),
                      _column(model, subject) == bindparam(param)).execution_options(tenant_scoped=True)


def own_params(principal: Principal) -> dict[str, str | None]:
    """The values of own_rows()'s parameters for `principal`."""
    return {OWN_SCHOOL: principal.school, OWN_SUBJECT: principal.subject, OWN_SUBJECT_KEY: principal.subject_key}


def _narrow(stmt: T, model: type, principal: Principal) -> T:
    """Coordinators see their college, monitors their class; the directory (school-wide tables) stays open to
    them, anything else of the school (imports, reviews, audit) is closed."""
    if principal.role == Role.CLASS_MONITOR and principal.klass and hasattr(model, "class_id"):
        return stmt.where(_column(model, "class_id") == principal.klass)
    if principal.college and hasattr(model, "college_id"):
        return stmt.where(_column(model, "college_id") == principal.college)
    if getattr(model, "__student_access__", "none") == "school":
        return stmt
    return stmt.where(false())


def unscoped_for_system(stmt: T) -> T:
    """For work no user drives (event consumers, demo loading, migrations checks). Greppable on purpose."""
    return stmt.execution_options(tenant_scoped=True)


def require_school_access(principal: Principal, school_code: str, province_of_school: str | None) -> None:
    """Refuse writes that target another tenant's school."""
    if principal.is_platform:
        return
    if principal.role in PROVINCE_ROLES and province_of_school == principal.province:
        return
    if principal.school == school_code:
        return
    raise Forbidden("school_out_of_scope", "无权操作该学校的数据", "This school is outside your scope")


@event.listens_for(Session, "do_orm_execute")
def _refuse_unscoped(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_relationship_load or state.is_column_load:
        return
    if state.execution_options.get("tenant_scoped"):
        return
    for mapper in state.all_mappers:
        if getattr(mapper.class_, "__tenant_scoped__", False):
            raise UnscopedQuery(f"{mapper.class_.__name__} read without services.kernel.tenancy.scoped()")
    # A Core select (table columns, no mapped entity) of a tenant table: the same rule.
    _refuse_unscoped_tables(state.statement)


def refuse_unscoped_statement(statement: Executable) -> None:
    """The session guard's rule for a statement run on a plain connection (services.kernel.reads): a read of a
    tenant table must come from scoped(), own_rows() or unscoped_for_system(); nothing else runs there."""
    if not isinstance(statement, Select):
        raise UnscopedQuery("only SELECT statements run on a read connection")
    if not statement.get_execution_options().get("tenant_scoped"):
        _refuse_unscoped_tables(statement)


def _refuse_unscoped_tables(statement: object) -> None:
    if isinstance(statement, ClauseElement):
        tenant = _tenant_tables()
        for table in _tables_outside_scoped_selects(statement):
            if table in tenant:
                raise UnscopedQuery(f"{tenant[table]} read without services.kernel.tenancy.scoped()")


def _tables_outside_scoped_selects(element: ClauseElement) -> Iterator[Table]:
    """The tables a statement reads, except inside selects that were scoped (a count over a scoped subquery)."""
    for child in element.get_children():
        if isinstance(child, Table):
            yield child
        elif isinstance(child, ColumnClause) and isinstance(child.table, Table):
            yield child.table
        elif not (isinstance(child, Select) and child.get_execution_options().get("tenant_scoped")):
            yield from _tables_outside_scoped_selects(child)


_tenant_table_cache: dict[int, dict[Table, str]] = {}


def _tenant_tables() -> dict[Table, str]:
    """The tables of every TenantScoped model, recomputed only when a new model class appeared (e.g. in tests):
    the guard runs on every query, and walking the class tree each time cost more than the query."""
    found = _tenant_table_cache.get(_tenant_models_version)
    if found is None:
        found = {table: model.__name__ for model in _tenant_models(TenantScoped)
                 if isinstance(table := getattr(model, "__table__", None), Table)}
        _tenant_table_cache.clear()
        _tenant_table_cache[_tenant_models_version] = found
    return found


def _tenant_models(cls: type) -> list[type]:
    subclasses: list[type] = cls.__subclasses__()
    return [model for sub in subclasses for model in (sub, *_tenant_models(sub))]
