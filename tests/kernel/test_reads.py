"""The hot-read path on PostgreSQL keeps no ping before each use (services.kernel.reads): a read must still answer
when the server has dropped every pooled connection (a restart, a failover)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import anyio
import psycopg
import pytest
from sqlalchemy import func
from sqlalchemy import select as core_select

from services.kernel.db import make_engine, migrate, table_of
from services.kernel.reads import Reader, ReadSession
from services.kernel.tenancy import unscoped_for_system
from services.roster.models import Province
from tests.support.infra import require_postgres
from tests.support.pg import ADMIN_DSN, temporary_databases


@pytest.fixture
def pg_reader(tmp_path: Path) -> Iterator[tuple[Reader, str]]:
    require_postgres()
    spec = import_module("services.roster.app").spec()
    with temporary_databases("reads_drop") as urls:
        url = urls["reads_drop"]
        engine = make_engine(url)
        migrate(spec.migrations_dir, engine, spec.metadata)
        reader = Reader(url, engine)
        yield reader, url.rsplit("/", 1)[1]
        anyio.run(reader.dispose)
        engine.dispose()


def _provinces(reads: ReadSession) -> int:
    return int(reads.execute(unscoped_for_system(core_select(func.count()).select_from(table_of(Province))))
               .scalar_one())


@pytest.mark.anyio
async def test_a_read_answers_after_the_server_dropped_its_connections(pg_reader: tuple[Reader, str]) -> None:
    reader, database = pg_reader
    assert await reader(_provinces) == 0  # the pool now holds a connection
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        dropped = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchone()
    assert dropped is not None and dropped[0] >= 1
    assert await reader(_provinces) == 0
