"""Unit of work: one session, one transaction, and the events raised in it. Domain code adds rows and
calls emit(); the route (or consumer) commits once, and the outbox rows commit with the state change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.kernel.events.envelope import Envelope, Tenant
from services.kernel.events.outbox import write_outbox


class UnitOfWork:
    def __init__(
        self, session_factory: sessionmaker[Session], outbox: Table, on_commit: Callable[[], None] | None = None
    ) -> None:
        self.session: Session = session_factory()
        self._outbox = outbox
        self._on_commit = on_commit
        self._emitted = 0

    def emit(
        self, type: str, payload: dict[str, Any], *, province: str | None = None, school: str | None = None,
        version: int = 1,
    ) -> Envelope:
        envelope = Envelope(type=type, version=version, payload=payload,
                            tenant=Tenant(province=province, school=school))
        write_outbox(self.session, self._outbox, envelope)
        self._emitted += 1
        return envelope

    def commit(self) -> None:
        self.session.commit()
        if self._emitted and self._on_commit:
            self._on_commit()
        self._emitted = 0

    def rollback(self) -> None:
        self.session.rollback()
        self._emitted = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type, *_: object) -> None:  # type: ignore[no-untyped-def]
        if exc_type is not None:
            self.rollback()
        self.close()
