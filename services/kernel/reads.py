"""Reads an async route awaits: a student's hot reads (their record, their payment status) without a trip to the
threadpool.

A sync route costs a hop to a worker thread and back, and under a crowd the worker threads and the event loop fight
over the GIL: a one-row read that takes 0.1 ms alone cost 1.6 ms of CPU per request at 500 concurrent. On SQLite the
read is a local function call of microseconds, so it runs on the event loop itself, on connections that cannot write
(`PRAGMA query_only`); on PostgreSQL its queries are awaited on the event loop (psycopg's async driver). Either way the
read function gets a `ReadSession` whose statements pass the same tenancy rule as a Session's (scoped(), own_rows()
or unscoped_for_system(), else UnscopedQuery). Read functions are plain sync functions; nothing they do can commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Engine, Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql import Executable
from sqlmodel import Session

from services.kernel import db
from services.kernel.tenancy import refuse_unscoped_statement

R = TypeVar("R")
Args = TypeVarTuple("Args")


class ReadSession:
    """A read-only view of one connection: `execute(statement, params)` as on a Session, tenancy-checked; `orm`
    is an ORM session on the same connection, for repository functions written for a Session (its guard is the
    Session's own)."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self._orm: Session | None = None

    def execute(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Result[Any]:
        refuse_unscoped_statement(statement)
        return self._connection.execute(statement, params)

    @property
    def orm(self) -> Session:
        if self._orm is None:
            self._orm = Session(bind=self._connection, autoflush=False)
        return self._orm

    def close(self) -> None:
        if self._orm is not None:
            self._orm.close()


class Reader:
    def __init__(self, url: str, engine: Engine, pool_size: int = 10) -> None:
        self.inline = engine.dialect.name == "sqlite"
        # SQLite: own connections that refuse writes; an in-memory database (tests) has only the one engine.
        self.engine = db.make_read_engine(url) if self.inline and not db.is_memory(url) else engine
        self._local = threading.local()
        # PostgreSQL: the same sync read function, its queries awaited on the event loop (psycopg's async
        # connections; SQLAlchemy runs the function in a greenlet): no worker thread, no fight over the GIL.
        # Read-only sessions, so a read can never write whatever the function tries; autocommit, so a read is its
        # queries alone (no BEGIN and ROLLBACK around them: each query sees the latest commit, as on SQLite where
        # the kept connection holds no snapshot between statements); no ping before each use (a quarter of the read's
        # CPU): a connection the server dropped fails once, the pool then drops the others, the read is repeated.
        self._async = None if self.inline else create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_timeout=10, pool_recycle=1800,
            isolation_level="AUTOCOMMIT", connect_args={"options": "-c default_transaction_read_only=on"})

    async def __call__(self, fn: Callable[[ReadSession, *Args], R], *args: *Args) -> R:
        """`fn(read_session, *args)`: inline on SQLite, awaited on psycopg's async driver on PostgreSQL."""
        if self._async is None:
            return self._inline(fn, *args)
        try:
            return await self._awaited(self._async, fn, *args)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            return await self._awaited(self._async, fn, *args)  # a read is safe to repeat

    @staticmethod
    async def _awaited(engine: AsyncEngine, fn: Callable[[ReadSession, *Args], R], *args: *Args) -> R:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda sync: _call(fn, ReadSession(sync), *args))

    def _inline(self, fn: Callable[[ReadSession, *Args], R], *args: *Args) -> R:
        # One connection per event loop thread, kept: a pool checkout and its reset on return cost as much as the
        # read. Ending the transaction after each read releases the snapshot a half-read cursor would keep open.
        connection = getattr(self._local, "connection", None)
        if connection is None or connection.invalidated or connection.closed:
            connection = self._local.connection = self.engine.connect()
        try:
            return _call(fn, ReadSession(connection), *args)
        finally:
            connection.rollback()

    async def dispose(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
        if self._async is not None:
            await self._async.dispose()
        self.engine.dispose()


def _call(fn: Callable[[ReadSession, *Args], R], reads: ReadSession, *args: *Args) -> R:
    try:
        return fn(reads, *args)
    finally:
        reads.close()
