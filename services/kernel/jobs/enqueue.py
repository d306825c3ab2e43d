"""Enqueueing from request (or consumer, or job) code: the job row is written in the caller's unit of work,
so the job exists if and only if that work commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table

from services.kernel.jobs import store
from services.kernel.jobs.runner import waker
from services.kernel.jobs.table import JOB_TABLE
from services.kernel.uow import UnitOfWork


def job_table(uow: UnitOfWork) -> Table:
    return uow.metadata.tables[JOB_TABLE]


def enqueue(uow: UnitOfWork, kind: str, payload: dict[str, Any], *, province: str | None = None,
            school: str | None = None, max_attempts: int = 3) -> str:
    """Queue a job of `kind` (registered in the service's ServiceSpec.jobs); returns its id. `province` and
    `school` are the tenant whose users may follow and cancel it (a school's job: both)."""
    table = job_table(uow)
    job_id = store.insert_job(uow.session, table, kind, payload, province=province, school=school,
                              max_attempts=max_attempts)
    uow.after_commit(waker(table))
    return job_id
