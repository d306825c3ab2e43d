"""Each service's Alembic history builds exactly the schema its models declare, on SQLite and on
PostgreSQL, and can be rolled back."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.kernel.db import alembic_config, make_engine, migrate
from services.kernel.settings import SERVICES
from tests.support.infra import note_used, require_postgres
from tests.support.pg import temporary_databases


def _assert_schema_matches_models(url: str, service: str) -> None:
    spec = import_module(f"services.{service}.app").spec()
    engine = make_engine(url)
    try:
        migrate(spec.migrations_dir, engine, spec.metadata)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), spec.metadata)
        assert diff == [], f"{service}: models and migrations differ: {diff}"
        assert set(spec.metadata.tables) <= set(inspect(engine).get_table_names())
        command.downgrade(alembic_config(spec.migrations_dir, engine, spec.metadata), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_build_the_model_schema_on_sqlite(service: str, tmp_path: Path) -> None:
    _assert_schema_matches_models(f"sqlite:///{tmp_path / 'db.sqlite'}", service)


@pytest.mark.postgres
@pytest.mark.parametrize("service", SERVICES)
def test_migrations_build_the_model_schema_on_postgres(service: str) -> None:
    require_postgres()
    note_used("migrations: PostgreSQL 127.0.0.1:5432")
    with temporary_databases(service) as urls:
        _assert_schema_matches_models(urls[service], service)
