"""What a job handler sees: its job, a unit of work the kernel commits, and progress reporting that is also
the checkpoint where cancel and shutdown take effect."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.kernel.jobs import store
from services.kernel.uow import UnitOfWork

if TYPE_CHECKING:
    from services.kernel.runtime import Runtime
    from services.kernel.settings import Settings


# Both derive from BaseException (like asyncio.CancelledError) so a handler's `except Exception` cannot
# swallow them and carry on.
class JobCancelled(BaseException):
    """Raised by `progress()` when someone asked to cancel: the attempt's uncommitted work is rolled back."""


class JobInterrupted(BaseException):
    """Raised by `progress()` when this attempt must end without a verdict: the runner is shutting down (the
    work up to this checkpoint is kept and the job resumes later) or another runner took the job over."""


class JobUnitOfWork(UnitOfWork):
    """The attempt's unit of work. The handler never commits it: the kernel does, with each progress row and
    with the final state, so the job's record and the work it describes cannot disagree."""

    def commit(self) -> None:
        raise RuntimeError("a job's unit of work is committed by the kernel: report progress or return")

    def __exit__(self, *_: object) -> None:
        """`with job.uow() as uow:` is harmless: the kernel closes it when the attempt ends."""

    def kernel_commit(self) -> None:
        UnitOfWork.commit(self)


@dataclass(frozen=True)
class JobEnv:
    """The runner's side of a context: where the job lives and what the service offers handlers."""

    sessions: sessionmaker[Session]
    outbox: Table
    table: Table
    on_commit: Callable[[], None] | None
    owner: str
    lease_seconds: float
    stopping: threading.Event
    settings: Settings | None = None
    runtime: Runtime | None = None


class JobContext:
    def __init__(self, env: JobEnv, claimed: store.Claimed) -> None:
        self._env = env
        self.id = claimed.id
        self.kind = claimed.kind
        self.attempt = claimed.attempt  # 1 on the first run; more when resumed after a crash or a failure
        # Where the last attempt got to (its last committed progress): a resumable handler starts from here.
        self.done = claimed.done
        self.total = claimed.total
        self._uow: JobUnitOfWork | None = None

    @property
    def settings(self) -> Settings:
        assert self._env.settings is not None, "this runner was started without the service's settings"
        return self._env.settings

    @property
    def runtime(self) -> Runtime:
        """The process's shared resources (object store, bus, clients of other services)."""
        assert self._env.runtime is not None, "this runner was started without the service's runtime"
        return self._env.runtime

    def uow(self) -> JobUnitOfWork:
        """This attempt's unit of work (the same one on every call)."""
        if self._uow is None:
            self._uow = JobUnitOfWork(self._env.sessions, self._env.outbox, on_commit=self._env.on_commit)
        return self._uow

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record progress, renew the lease and commit the unit of work's changes so far with it (a checkpoint).
        Raises JobCancelled if cancel was requested, JobInterrupted at shutdown or if the lease was lost."""
        env = self._env
        uow = self._uow
        session = uow.session if uow is not None else env.sessions()
        try:
            cancel = store.checkpoint(session, env.table, self.id, env.owner, env.lease_seconds, done, total,
                                      message)
            if cancel is None:
                raise JobInterrupted("the lease was lost: another runner has taken this job over")
            if cancel:
                raise JobCancelled()
            if uow is not None:
                uow.kernel_commit()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if uow is None:
                session.close()
        self.done, self.total = done, total
        if env.stopping.is_set():
            raise JobInterrupted("the runner is shutting down")

    def close(self) -> None:
        """End the attempt's unit of work; whatever the kernel did not commit is rolled back."""
        if self._uow is not None:
            self._uow.rollback()
            self._uow.close()
            self._uow = None


# The handler's signature: return a JSON-serialisable result (shown by GET …/jobs/{id}) or None.
JobHandler = Callable[[JobContext, dict[str, Any]], dict[str, Any] | None]


@dataclass(frozen=True)
class JobOutcome:
    """How a job ended when it did not succeed: cancelled, or failed with a code and wording."""

    state: str
    code: str | None
    zh: str | None
    en: str | None


# Called in the same transaction as the job's final failed or cancelled state, so the feature's own record of
# the work (an import shown as "validating") can never be left behind when the job gives up.
GiveUpHandler = Callable[[UnitOfWork, dict[str, Any], JobOutcome], None]


@dataclass(frozen=True)
class JobKind:
    """A kind of job a service runs: `ServiceSpec(jobs=[JobKind("roster.validate_import", handler)])`."""

    name: str
    handler: JobHandler
    on_give_up: GiveUpHandler | None = None
