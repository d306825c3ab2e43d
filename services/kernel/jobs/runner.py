"""Runs a service's jobs: claims the oldest claimable job under a lease, runs its handler in a worker
thread while renewing the lease, and settles the outcome. Any number of runners (replicas) may share a
database; wakes on an in-process commit that enqueued a job and polls as a fallback."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypedDict

import anyio
import structlog
from sqlalchemy import Table
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.kernel.errors import TucaiError
from services.kernel.jobs import store
from services.kernel.jobs.context import JobCancelled, JobContext, JobEnv, JobInterrupted, JobKind, JobOutcome
from services.kernel.jobs.table import JobState
from services.kernel.uow import UnitOfWork

if TYPE_CHECKING:
    from services.kernel.runtime import Runtime
    from services.kernel.settings import Settings

log = structlog.get_logger("tucai.jobs")

MAX_BACKOFF_SECONDS = 300.0

# Runners started in this process, so a commit that enqueued a job wakes the ones serving its table.
_live: list[JobRunner] = []
_wakers: dict[int, Callable[[], None]] = {}


def waker(table: Table) -> Callable[[], None]:
    """One callback per table (tables live as long as the process), so a unit of work registers it once."""
    if id(table) not in _wakers:
        def wake() -> None:
            for runner in list(_live):
                if runner.table is table:
                    runner.wake()
        _wakers[id(table)] = wake
    return _wakers[id(table)]


class JobRunner:
    def __init__(
        self, service: str, sessions: sessionmaker[Session], table: Table, outbox: Table, kinds: Sequence[JobKind],
        *, on_commit: Callable[[], None] | None = None, settings: Settings | None = None,
        runtime: Runtime | None = None, poll_seconds: float = 1.0, lease_seconds: float = 60.0,
        retry_seconds: float = 5.0,
    ) -> None:
        self.service = service
        self.table = table
        self._handlers = {kind.name: kind.handler for kind in kinds}
        self._give_up = {kind.name: kind.on_give_up for kind in kinds if kind.on_give_up}
        self._poll = poll_seconds
        self._retry = retry_seconds
        owner = f"{socket.gethostname()}:{os.getpid()}:{service}:{uuid.uuid4().hex[:8]}"
        self._stopping = threading.Event()
        self._env = JobEnv(sessions=sessions, outbox=outbox, table=table, on_commit=on_commit, owner=owner[-64:],
                           lease_seconds=lease_seconds, stopping=self._stopping, settings=settings, runtime=runtime)
        self._wakeup = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        # One job at a time per runner; its own thread, so a handler that outlives stop() blocks nothing else.
        self._executor: ThreadPoolExecutor | None = None
        self.completed = 0

    @property
    def owner(self) -> str:
        return self._env.owner

    def wake(self) -> None:
        """Thread-safe: called after a commit that enqueued a job."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def start(self) -> None:
        if not self._handlers:
            return  # a service without job kinds claims nothing
        self._loop = asyncio.get_running_loop()
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=f"job-runner-{self.service}")
        _live.append(self)

    async def stop(self, grace: float = 5.0) -> None:
        """Ask the running handler to stop at its next progress report (its work so far is kept and the job
        goes back to the queue); one that does not within `grace` seconds keeps its lease and is resumed by
        another runner once the lease runs out, as after a crash."""
        if self in _live:
            _live.remove(self)
        self._stopping.set()
        self._wakeup.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=grace)
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        self._task = None
        if self._executor is not None:
            self._executor.shutdown(wait=False)
        self._executor = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                worked = await self.run_one()
            except Exception:
                log.exception("job_runner_failed", service=self.service)
                worked = False
            if not worked:  # when a job was done, look for the next one at once
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll)
                self._wakeup.clear()

    async def run_one(self) -> bool:
        """Claim and run one job; False if there was none to claim."""
        claimed = await anyio.to_thread.run_sync(self._claim)
        if claimed is None:
            return False
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"jobs-{self.service}")
        attempt = asyncio.get_running_loop().run_in_executor(self._executor, self._attempt, claimed)
        # Renew the lease while the handler runs, so a long step between progress reports is not taken over.
        while not (await asyncio.wait({attempt}, timeout=self._env.lease_seconds / 3))[0]:
            await anyio.to_thread.run_sync(self._renew, claimed.id)
        attempt.result()
        self.completed += 1
        return True

    def _claim(self) -> store.Claimed | None:
        with self._env.sessions() as session:
            claimed = store.claim(session, self.table, list(self._handlers), self.owner, self._env.lease_seconds)
            session.commit()
        return claimed

    def _renew(self, job_id: str) -> None:
        # A failed renewal (e.g. SQLite busy while the handler holds the write lock) must not end the wait for
        # the running attempt: the next renewal or progress report tries again.
        try:
            with self._env.sessions() as session:
                store.renew(session, self.table, job_id, self.owner, self._env.lease_seconds)
                session.commit()
        except Exception:
            log.warning("job_lease_renewal_failed", service=self.service, job_id=job_id, exc_info=True)

    def _settle(self, job_id: str, state: JobState, claimed: store.Claimed | None = None, **values: Any) -> None:
        hook = self._give_up.get(claimed.kind) if claimed and state in (JobState.FAILED, JobState.CANCELLED) else None
        with UnitOfWork(self._env.sessions, self._env.outbox, on_commit=self._env.on_commit) as uow:
            if not store.settle(uow.session, self.table, job_id, self.owner, state, **values):
                return
            if hook is not None and claimed is not None:
                hook(uow, claimed.payload, JobOutcome(state=state, code=values.get("error_code"),
                                                      zh=values.get("error_zh"), en=values.get("error_en")))
            uow.commit()

    def _attempt(self, claimed: store.Claimed) -> None:
        """One run of a handler, in the runner's thread; every outcome ends in one settled state."""
        log_ = log.bind(service=self.service, job_id=claimed.id, kind=claimed.kind, attempt=claimed.attempt)
        if claimed.cancel_requested:
            self._settle(claimed.id, JobState.CANCELLED, claimed)
            return
        if claimed.attempt > claimed.max_attempts:  # earlier attempts crashed or stalled without an outcome
            log_.warning("job_abandoned")
            self._settle(claimed.id, JobState.FAILED, claimed, **_error(
                "job_interrupted", f"任务已中断 {claimed.max_attempts} 次仍未完成",
                f"The job stopped {claimed.max_attempts} times without finishing"))
            return
        job = JobContext(self._env, claimed)
        try:
            result = self._handlers[claimed.kind](job, claimed.payload)
            uow = job.uow()  # the handler's remaining work commits together with the final state
            if store.settle(uow.session, self.table, claimed.id, self.owner, JobState.SUCCEEDED, result=result,
                            error_code=None, error_zh=None, error_en=None):
                uow.kernel_commit()
                log_.info("job_succeeded")
            else:
                log_.warning("job_lease_lost")
        except JobCancelled:
            job.close()
            self._settle(claimed.id, JobState.CANCELLED, claimed, message="已取消 / cancelled")
            log_.info("job_cancelled")
        except JobInterrupted as exc:
            job.close()
            if self._stopping.is_set():  # shutdown is not the job's fault: give the attempt back
                self._settle(claimed.id, JobState.QUEUED, lease_until=None,
                             attempts=self.table.c.attempts - 1)
            log_.info("job_interrupted", reason=str(exc))
        except TucaiError as exc:  # a refusal the handler chose: final, with its own code and wording
            job.close()
            self._settle(claimed.id, JobState.FAILED, claimed, **_error(exc.code, exc.zh, exc.en))
            log_.info("job_refused", code=exc.code)
        except Exception as exc:
            job.close()
            log_.exception("job_attempt_failed")
            summary = f"{type(exc).__name__}: {exc}"[:300]
            error = _error("job_failed", f"任务执行失败：{summary}", f"The job failed: {summary}")
            if claimed.attempt < claimed.max_attempts:
                delay = min(self._retry * 2 ** (claimed.attempt - 1), MAX_BACKOFF_SECONDS)
                self._settle(claimed.id, JobState.QUEUED, lease_until=store.now() + timedelta(seconds=delay),
                             **error)
            else:
                self._settle(claimed.id, JobState.FAILED, claimed, **error)
        finally:
            job.close()


class _Error(TypedDict):
    error_code: str
    error_zh: str
    error_en: str


def _error(code: str, zh: str, en: str) -> _Error:
    return {"error_code": code, "error_zh": zh, "error_en": en}
