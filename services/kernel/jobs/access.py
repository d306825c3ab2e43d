"""Reading and cancelling jobs on behalf of a user, scoped like every tenant table: a school sees its
school's jobs, a province its schools', the platform all; students and coordinators none."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, select

from services.kernel.errors import Conflict, NotFound
from services.kernel.jobs import store
from services.kernel.jobs.context import JobKind, JobOutcome
from services.kernel.jobs.enqueue import job_table
from services.kernel.jobs.schemas import JobError, JobOut, JobProgress
from services.kernel.jobs.table import FINISHED, JobState
from services.kernel.tenancy import Principal, TenantScoped, scoped
from services.kernel.uow import UnitOfWork


@cache
def _scope(table: Table) -> type:
    """The job table seen as a TenantScoped model, so `scoped()` applies its one rule to it."""
    return type("JobScope", (TenantScoped,), {"province_code": table.c.province_code,
                                               "school_code": table.c.school_code})


def _row(uow: UnitOfWork, principal: Principal, job_id: str) -> Any:
    table = job_table(uow)
    row = uow.session.execute(
        scoped(select(table).where(table.c.id == job_id), _scope(table), principal)).mappings().first()
    if row is None:
        raise NotFound("job_not_found", "任务不存在", "The job does not exist")
    return row


def _out(row: Any) -> JobOut:
    error = None
    if row["error_code"]:
        error = JobError(code=row["error_code"], message_zh=row["error_zh"] or "", message_en=row["error_en"] or "")
    return JobOut(
        id=row["id"], kind=row["kind"], state=JobState(row["state"]),
        progress=JobProgress(done=row["progress_done"], total=row["progress_total"]), message=row["message"],
        error=error, result=row["result"], attempts=row["attempts"], max_attempts=row["max_attempts"],
        cancel_requested=row["cancel_requested"], province_code=row["province_code"],
        school_code=row["school_code"], created_at=row["created_at"], started_at=row["started_at"],
        finished_at=row["finished_at"], updated_at=row["updated_at"],
    )


def read_job(uow: UnitOfWork, principal: Principal, job_id: str) -> JobOut:
    return _out(_row(uow, principal, job_id))


def cancel_job(uow: UnitOfWork, principal: Principal, job_id: str, kinds: Sequence[JobKind] = ()) -> JobOut:
    if JobState(_row(uow, principal, job_id)["state"]) in FINISHED:
        raise Conflict("job_finished", "任务已结束，无法取消", "The job has already finished")
    store.request_cancel(uow.session, job_table(uow), job_id)
    row = _row(uow, principal, job_id)
    hook = next((k.on_give_up for k in kinds if k.name == row["kind"]), None)
    if hook is not None and JobState(row["state"]) == JobState.CANCELLED:  # a queued job ends here and now
        hook(uow, dict(row["payload"]), JobOutcome(state=JobState.CANCELLED, code=None, zh=None, en=None))
    return _out(row)
