"""One database per service: a SQLModel base with its own metadata, an engine, sessions, and the
Alembic runner that applies that service's migrations (the same files on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import registry, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

# Explicit constraint names keep migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite would otherwise hand back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store UTC-aware values only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def new_registry() -> registry:
    return registry(metadata=MetaData(naming_convention=NAMING))


def make_engine(url: str, pool_size: int = 45, max_overflow: int = 5, pool_timeout: float = 10.0) -> Engine:
    """An engine whose pool covers the threads that may use it at once (settings.threadpool_size + 5 for the
    relay, jobs and consumers), so a request in flight never queues for a connection; pool_timeout bounds that
    wait anyway, far below a client's patience."""
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
    if url.startswith("sqlite"):
        memory = is_memory(url)
        if not memory:
            Path(url.split("///", 1)[-1]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **({} if memory else pool))
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def is_memory(url: str) -> bool:
    """An in-memory SQLite database: one per engine, so it cannot have a second engine beside it."""
    if not url.startswith("sqlite"):
        return False
    path = url.split("///", 1)[-1]
    return not path or path.startswith("sqlite:") or path == ":memory:" or "mode=memory" in url


def make_read_engine(url: str) -> Engine:
    """SQLite connections for reads run on the event loop (services.kernel.reads): they refuse writes, and a read
    that finds the database busy gives up after a second instead of stalling every request of the process."""
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 1}, pool_size=4,
                           max_overflow=4, pool_timeout=1)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "connect", _query_only)
    return engine


def _query_only(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the relay read while a request writes; foreign keys are off by default in SQLite.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def table_of(model: type[SQLModel]) -> Table:
    """The table a table model is mapped to (SQLModel sets `__table__` without declaring it to type checkers)."""
    table = inspect(model).local_table
    if not isinstance(table, Table):  # pragma: no cover - table models map one Table
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def upsert_insert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with ON CONFLICT clauses, in the session's dialect."""
    return dialect_insert(session.get_bind().dialect.name, table)


def dialect_insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with ON CONFLICT clauses in a dialect by name (for statements built once per dialect)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(dialect)  # pragma: no cover - only PostgreSQL and SQLite are supported


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, class_=Session, expire_on_commit=False)


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def alembic_config(migrations_dir: Path, engine: Engine, metadata: MetaData) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["engine"] = engine
    cfg.attributes["metadata"] = metadata
    return cfg


def migrate(migrations_dir: Path, engine: Engine, metadata: MetaData, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, engine, metadata), revision)


def run_migrations_online(context: EnvironmentContext) -> None:
    """Body of every service's migrations/env.py: the engine and metadata come from the caller."""
    cfg = context.config
    engine: Engine = cfg.attributes["engine"]
    metadata: MetaData = cfg.attributes["metadata"]
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Replicas starting together must not both migrate: the second waits, then finds nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('tucai-migrations'))"))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


__all__ = ["SQLModel", "Session", "make_engine", "make_session_factory", "migrate", "new_registry", "ping"]
