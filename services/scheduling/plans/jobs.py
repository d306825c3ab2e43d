"""The plan solver as a kernel job, for instances too large to solve inside a request (the 40,000-student
university: up to a minute). Progress: 0/1 while solving, 1/1 when the plan is stored."""

from __future__ import annotations

from typing import Any

from services.kernel.jobs import JobContext, JobKind
from services.scheduling.plans import service


def solve_plan(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    job.progress(0, 1, "正在求解排期方案")
    service.solve_for_job(job.uow(), payload["plan_id"])
    job.progress(1, 1, "排期方案已生成")
    return {"plan_id": payload["plan_id"]}


solve_plan_job = JobKind(service.SOLVE_JOB, solve_plan)
