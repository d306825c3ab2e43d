"""Tenant data is only ever read through the scoping helper: an unscoped query is refused, and every
table that carries tenant columns is marked as tenant data (so a new table cannot slip past the guard)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import anyio
import pytest
from sqlmodel import select

from services.kernel.db import make_engine, make_session_factory, migrate
from services.kernel.settings import SERVICES
from services.kernel.tenancy import Principal, Role, UnscopedQuery, scoped
from services.roster.models import College, School


@pytest.fixture
def roster_session(tmp_path: Path):  # type: ignore[no-untyped-def]
    spec = import_module("services.roster.app").spec()
    engine = make_engine(f"sqlite:///{tmp_path / 'roster.db'}")
    migrate(spec.migrations_dir, engine, spec.metadata)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_reading_a_tenant_table_without_the_helper_is_refused(roster_session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnscopedQuery, match="College"):
        roster_session.exec(select(College)).all()
    with pytest.raises(UnscopedQuery, match="School"):
        roster_session.get(School, "10403")


def test_the_helper_limits_rows_to_the_callers_tenant(roster_session) -> None:  # type: ignore[no-untyped-def]
    from services.roster.models import Province

    roster_session.add_all([Province(code="36", name="江西省"), Province(code="37", name="山东省")])
    roster_session.flush()
    roster_session.add_all([
        School(school_code="10403", name="南昌大学", province_code="36"),
        School(school_code="10405", name="东华理工大学", province_code="36"),
        School(school_code="14277", name="山东青年政治学院", province_code="37"),
    ])
    roster_session.flush()

    def visible(principal: Principal) -> list[str]:
        return [s.school_code for s in roster_session.exec(scoped(select(School), School, principal))]

    assert visible(Principal("p", Role.PLATFORM_ADMIN)) == ["10403", "10405", "14277"]
    assert visible(Principal("p", Role.PROVINCE_REVIEWER, province="36")) == ["10403", "10405"]
    assert visible(Principal("p", Role.AGENCY_ADMIN, province="37")) == ["14277"]
    assert visible(Principal("p", Role.SCHOOL_ADMIN, province="36", school="10405")) == ["10405"]
    assert visible(Principal("p", Role.SCHOOL_ADMIN, province="36")) == []  # no school claim: nothing


@pytest.mark.parametrize("service", SERVICES)
def test_every_table_with_tenant_columns_is_marked_as_tenant_data(service: str) -> None:
    models = import_module(f"services.{service}.models")
    tenant_columns = {"school_code", "province_code"}
    unmarked = []
    for cls in _mapped_classes(models):
        columns = set(cls.__table__.columns.keys())
        if columns & tenant_columns and not getattr(cls, "__tenant_scoped__", False):
            if cls.__tablename__ != "province":
                unmarked.append(cls.__name__)
    assert unmarked == []


def _mapped_classes(models) -> list[type]:  # type: ignore[no-untyped-def]
    base = next(v for k, v in vars(models).items() if k.endswith("Table") and isinstance(v, type))
    return [m.class_ for m in base._sa_registry.mappers]


def test_core_reads_of_tenant_tables_are_refused_too(roster_session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func
    from sqlalchemy import select as core_select

    from services.kernel.db import table_of

    colleges = table_of(College)
    with pytest.raises(UnscopedQuery, match="College"):
        roster_session.execute(core_select(colleges.c.name)).all()
    with pytest.raises(UnscopedQuery, match="College"):
        roster_session.execute(core_select(func.count()).select_from(colleges)).all()
    with pytest.raises(UnscopedQuery, match="College"):  # hidden in a subquery
        inner = core_select(colleges.c.id).subquery()
        roster_session.execute(core_select(func.count()).select_from(inner)).all()
    # A count over a scoped select is scoped.
    principal = Principal("p", Role.SCHOOL_ADMIN, province="36", school="10403")
    inner = scoped(core_select(colleges.c.id), College, principal).subquery()
    assert roster_session.execute(core_select(func.count()).select_from(inner)).scalar_one() == 0


def test_own_rows_are_the_callers_own_whatever_the_parameters_say(roster_session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select as core_select

    from services.kernel.db import table_of
    from services.kernel.tenancy import own_params, own_rows
    from services.roster.models import Province, Student

    roster_session.add(Province(code="36", name="江西省"))
    roster_session.flush()
    roster_session.add_all([School(school_code="10403", name="南昌大学", province_code="36"),
                            School(school_code="10405", name="东华理工大学", province_code="36")])
    roster_session.flush()
    for sid, school in (("s1", "10403"), ("s2", "10403"), ("s3", "10405")):
        roster_session.add(Student(id=sid, school_code=school, province_code="36", student_no=sid, name=sid,
                                   sex="男", id_number=sid, level="本科"))
    roster_session.flush()
    students = table_of(Student)
    stmt = own_rows(core_select(students.c.id), Student)

    def seen(principal: Principal) -> list[str]:
        return list(roster_session.execute(stmt, own_params(principal)).scalars())

    assert seen(Principal("s1", Role.STUDENT, province="36", school="10403")) == ["s1"]
    assert seen(Principal("s3", Role.STUDENT, province="36", school="10403")) == []  # not in their school
    assert seen(Principal("s1", Role.STUDENT, province="36")) == []  # no school claim: nothing
    assert seen(Principal("admin", Role.PLATFORM_ADMIN)) == []
    with pytest.raises(TypeError):
        own_rows(core_select(table_of(School).c.name), School)


@pytest.fixture(params=["sqlite", "postgresql"])
def roster_reader(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    from contextlib import ExitStack

    from services.kernel.reads import Reader
    from tests.support.infra import require_postgres
    from tests.support.pg import temporary_databases

    spec = import_module("services.roster.app").spec()
    with ExitStack() as stack:
        url = f"sqlite:///{tmp_path / 'roster.db'}"
        if request.param == "postgresql":
            require_postgres()
            url = stack.enter_context(temporary_databases("reads"))["reads"]
        engine = make_engine(url)
        migrate(spec.migrations_dir, engine, spec.metadata)
        reader = Reader(url, engine)
        yield reader
        anyio.run(reader.dispose)
        engine.dispose()


@pytest.mark.anyio
async def test_a_read_connection_keeps_the_same_rule(roster_reader) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select as core_select

    from services.kernel.db import table_of
    from services.kernel.reads import ReadSession
    from services.kernel.tenancy import unscoped_for_system

    def unscoped(reads: ReadSession) -> object:
        return reads.execute(core_select(table_of(School).c.name)).all()

    def orm_entity(reads: ReadSession) -> object:
        return reads.execute(select(College)).all()

    def for_the_system(reads: ReadSession) -> object:
        return reads.execute(unscoped_for_system(core_select(table_of(School).c.name))).all()

    with pytest.raises(UnscopedQuery, match="School"):
        await roster_reader(unscoped)
    with pytest.raises(UnscopedQuery, match="College"):
        await roster_reader(orm_entity)
    assert await roster_reader(for_the_system) == []


@pytest.mark.anyio
async def test_a_read_connection_cannot_write(roster_reader) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import insert, text
    from sqlalchemy.exc import DBAPIError

    from services.kernel.db import table_of
    from services.kernel.reads import ReadSession
    from services.roster.models import Province

    def write_through_the_session(reads: ReadSession) -> object:
        return reads.execute(insert(table_of(Province)).values(code="36", name="江西省"))  # type: ignore[arg-type]

    with pytest.raises(UnscopedQuery, match="SELECT"):
        await roster_reader(write_through_the_session)

    # Below the session, the connection itself refuses (SQLite: PRAGMA query_only, the read runs on the event loop
    # and must never hold the write lock; PostgreSQL: read-only transactions).
    def write_below_the_session(reads: ReadSession) -> object:
        return reads._connection.execute(text("INSERT INTO province (code, name) VALUES ('36', '江西省')"))

    with pytest.raises(DBAPIError, match="(?i)read-?only"):
        await roster_reader(write_below_the_session)


@pytest.mark.anyio
async def test_the_orm_session_of_a_read_keeps_the_session_guard(roster_reader) -> None:  # type: ignore[no-untyped-def]
    from services.kernel.reads import ReadSession
    from services.kernel.tenancy import unscoped_for_system
    from services.roster.models import Province

    def unscoped(reads: ReadSession) -> object:
        return reads.orm.exec(select(College)).all()

    def provinces(reads: ReadSession) -> list[str]:
        return [p.code for p in reads.orm.exec(unscoped_for_system(select(Province)))]

    with pytest.raises(UnscopedQuery, match="College"):
        await roster_reader(unscoped)
    assert await roster_reader(provinces) == []
