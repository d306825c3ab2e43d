"""`payments.reconcile`: one uploaded bill reconciled for its province, with progress (parsed, matched, written)."""

from __future__ import annotations

from typing import Any

from services.kernel.jobs import JobContext, JobKind, JobOutcome
from services.kernel.uow import UnitOfWork
from services.payments.models import RunState
from services.payments.reconciliation import repository as repo
from services.payments.reconciliation import service


def run_reconcile(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    uow = job.uow()
    run = repo.run_by_id(uow.session, str(payload["run_id"]))
    if run is None or run.state not in (RunState.QUEUED, RunState.RUNNING):
        return {"outcome": "nothing_to_do"}
    counts = service.reconcile(uow, job.runtime.blobs, run, job.progress)
    uow.session.add(run)
    return {"outcome": run.state, "counts": counts}


def _give_up(uow: UnitOfWork, payload: dict[str, Any], outcome: JobOutcome) -> None:
    service.give_up(uow, str(payload.get("run_id")), outcome.code)


JOB_KINDS = [JobKind(service.RECONCILE_JOB, run_reconcile, on_give_up=_give_up)]
