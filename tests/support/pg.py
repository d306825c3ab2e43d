"""Throwaway PostgreSQL databases on the machine's shared server (one per test run, dropped after)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@contextmanager
def temporary_databases(*purposes: str) -> Iterator[dict[str, str]]:
    """Create one fresh database per purpose; yields {purpose: SQLAlchemy URL}; drops them afterwards."""
    run = uuid.uuid4().hex[:8]
    names = {purpose: f"tucai_test_{run}_{purpose}" for purpose in purposes}
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {purpose: url(name) for purpose, name in names.items()}
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
