"""Unit of work: one session, one transaction, and the events raised in it. Domain code adds rows and
calls emit(); the kernel commits once, where the work began (a request, a consumer's event, a job's step),
so service code never commits and the outbox rows commit with the state change."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.kernel.events.envelope import Envelope
from services.kernel.events.event import Event
from services.kernel.events.outbox import write_outbox


class UnitOfWork:
    def __init__(
        self, session_factory: sessionmaker[Session], outbox: Table, on_commit: Callable[[], None] | None = None
    ) -> None:
        self.session: Session = session_factory()
        self._outbox = outbox
        self._on_commit = on_commit
        self._emitted = 0
        self._after_commit: list[Callable[[], None]] = []
        self.finished = False  # a request's unit of work, once the kernel has ended it (services.kernel.routing)

    @property
    def metadata(self) -> MetaData:
        """The service's tables: kernel helpers find theirs here (the job table beside the outbox)."""
        return self._outbox.metadata

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` once after the next commit (never if this unit of work rolls back): e.g. wake the
        job runner for a job enqueued here, so it starts at once rather than at the next poll."""
        if callback not in self._after_commit:
            self._after_commit.append(callback)

    def emit(self, event: Event) -> Envelope:
        """Record `event` in the outbox; it is published once this unit of work commits."""
        envelope = event.envelope()
        write_outbox(self.session, self._outbox, envelope)
        self._emitted += 1
        return envelope

    def commit(self) -> None:
        self.session.commit()
        if self._emitted and self._on_commit:
            self._on_commit()
        self._emitted = 0
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self) -> None:
        self.session.rollback()
        self._emitted = 0
        self._after_commit.clear()

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is not None:
            self.rollback()
        self.close()
