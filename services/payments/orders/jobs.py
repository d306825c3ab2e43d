"""The orders' background work, as kernel jobs:

- `payments.sweep` (periodic): pending orders that have not heard from their provider are queried (and credited
  if paid); expired ones are closed at the providers, then here; open refunds are retried with their own number
  or queried. It re-enqueues itself `payments_sweep_seconds` later, so one sweep is always queued.
- `payments.refund`: ask the provider for one refund of the ledger (the same out_refund_no on every retry).

Handlers run in the job runner's thread; the providers' async calls run in a private event loop there.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import select, update

from services.kernel.jobs import JobContext, JobKind, enqueue
from services.kernel.jobs.enqueue import job_table
from services.kernel.jobs.table import JobState
from services.kernel.uow import UnitOfWork
from services.payments.models import PaymentOrder, Refund, RefundLedgerState
from services.payments.orders import launch, service
from services.payments.orders import repository as repo
from services.payments.provider_set import ProviderSet, provider_set
from services.payments.providers.port import ProviderError, RefundRequest, RefundState

log = structlog.get_logger("tucai.payments.jobs")

SWEEP_JOB = "payments.sweep"
BATCH = 200


def schedule_sweep(uow: UnitOfWork, delay_s: float) -> str:
    """Queue the next sweep `delay_s` from now (a queued job whose lease runs out later is not claimed before)."""
    job_id = enqueue(uow, SWEEP_JOB, {}, max_attempts=1)
    table = job_table(uow)
    uow.session.execute(update(table).where(table.c.id == job_id)
                        .values(lease_until=launch.utcnow() + timedelta(seconds=delay_s)))
    return job_id


def ensure_sweep(uow: UnitOfWork, delay_s: float) -> None:
    """At start-up: one sweep queued or running is enough (replicas starting together may add a second one;
    sweeps are idempotent, so that is harmless)."""
    table = job_table(uow)
    found = uow.session.execute(select(table.c.id).where(
        table.c.kind == SWEEP_JOB, table.c.state.in_([JobState.QUEUED, JobState.RUNNING])).limit(1)).first()
    if found is None:
        schedule_sweep(uow, delay_s)


async def sweep_order(uow: UnitOfWork, providers: ProviderSet, order: PaymentOrder) -> str:
    """Query; credit if paid; close if expired and unpaid. Returns what happened."""
    outcomes = launch.apply_statuses(uow, order, await launch.query(providers, order)) if order.opened_at else []
    if outcomes:
        return outcomes[0]
    at = launch.utcnow()
    if order.expires_at is None or order.expires_at > at:
        return "waiting"
    if not await launch.close(providers, order):  # paid between our query and the close: query once more
        outcomes = launch.apply_statuses(uow, order, await launch.query(providers, order))
        return outcomes[0] if outcomes else "close_refused"
    return "closed" if service.close_expired(uow, order) else "unchanged"


async def follow_refund(uow: UnitOfWork, providers: ProviderSet, refund: Refund) -> str:
    """Ask for (or about) one refund; the same out_refund_no every time, so the money moves once."""
    async with providers.client() as client:
        adapter = providers.adapter(launch.Provider(refund.provider), client)
        try:
            if refund.state == RefundLedgerState.PROCESSING:
                status = await adapter.query_refund(refund.out_refund_no, refund.out_trade_no)
            else:
                status = await adapter.refund(RefundRequest(
                    out_trade_no=refund.out_trade_no, out_refund_no=refund.out_refund_no,
                    refund_fen=refund.amount_fen, total_fen=refund.total_fen, reason="重复支付退款"
                    if refund.reason == "duplicate_payment" else "图像采集费退款",
                    notify_url=providers.notify_url(launch.Provider(refund.provider))))
        except ProviderError as error:
            if error.code == "transport" or (error.status or 0) >= 500:
                raise  # the job runner retries with back-off; the sweep picks it up after that
            service.refund_settled(uow, refund, False, None, error.code[:80])
            return "failed"
    if status.state is RefundState.SUCCESS:
        service.refund_settled(uow, refund, True, status.provider_refund_id)
        return "succeeded"
    if status.state is RefundState.PROCESSING:
        repo.move_refund(uow.session, refund.id, RefundLedgerState.PROCESSING, launch.utcnow())
        return "processing"
    service.refund_settled(uow, refund, False, status.provider_refund_id, status.state.value)
    return "failed"


async def sweep(uow: UnitOfWork, providers: ProviderSet, query_after_s: float) -> dict[str, int]:
    at = launch.utcnow()
    counts: dict[str, int] = {}
    for order in repo.orders_to_sweep(uow.session, at - timedelta(seconds=query_after_s), at, BATCH):
        try:
            outcome = await sweep_order(uow, providers, order)
        except ProviderError as error:
            log.info("sweep_order_deferred", out_trade_no=order.out_trade_no, code=error.code)
            outcome = "deferred"
        counts[outcome] = counts.get(outcome, 0) + 1
    for refund in repo.refunds_to_follow(uow.session, BATCH):
        try:
            outcome = "refund_" + await follow_refund(uow, providers, refund)
        except ProviderError:
            outcome = "refund_retry"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def run_sweep(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    settings = job.settings
    uow = job.uow()
    try:
        counts = asyncio.run(sweep(uow, provider_set(settings, job.runtime), settings.payments_query_after_seconds))
    except Exception:  # one bad round must not stop the sweeps: drop its work, keep the schedule
        log.exception("payments_sweep_failed")
        uow.rollback()
        counts = {"failed": 1}
    schedule_sweep(uow, settings.payments_sweep_seconds)
    if counts:
        log.info("payments_sweep", **counts)
    return counts


def run_refund(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    uow = job.uow()
    refund = repo.refund_by_id(uow.session, str(payload["refund_id"]))
    if refund is None or refund.state not in (RefundLedgerState.PENDING, RefundLedgerState.PROCESSING):
        return {"outcome": "nothing_to_do"}
    providers = provider_set(job.settings, job.runtime)
    return {"outcome": asyncio.run(follow_refund(uow, providers, refund))}


JOB_KINDS = [JobKind(SWEEP_JOB, run_sweep), JobKind(service.REFUND_JOB, run_refund)]
