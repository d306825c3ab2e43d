"""Payments: fee profiles, orders, WeChat Pay / Alipay (the sandbox by default), notifications, refunds, bills."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request

from services.kernel.runtime import Runtime
from services.kernel.service import ServiceContext, ServiceSpec, build_app
from services.kernel.settings import Settings
from services.payments.fees import demo as fee_demo
from services.payments.fees import routes as fees_routes
from services.payments.models import inbox, metadata, outbox
from services.payments.notify import routes as notify_routes
from services.payments.orders import routes as orders_routes
from services.payments.orders.jobs import JOB_KINDS, ensure_sweep
from services.payments.payers import routes as payers_routes
from services.payments.payers.consumers import payers_consumer
from services.payments.prepayment import routes as prepayment_routes
from services.payments.provider_set import provider_set
from services.payments.providers.sandbox import SandboxGateway
from services.payments.providers.sandbox_http import sandbox_router
from services.payments.reconciliation import routes as reconciliation_routes
from services.payments.reconciliation.jobs import JOB_KINDS as RECONCILE_JOBS
from services.payments.reports import routes as reports_routes
from services.payments.settlement.consumers import photographed_consumer
from services.payments.wechat_identity import routes as wechat_identity_routes

MIGRATIONS = Path(__file__).parent / "migrations"


async def _startup(ctx: ServiceContext) -> None:
    with ctx.transaction() as uow:
        ensure_sweep(uow, ctx.settings.payments_sweep_seconds)
        if ctx.settings.demo:
            fee_demo.seed(uow)


def spec() -> ServiceSpec:
    return ServiceSpec(name="payments", title="Tucai payments", metadata=metadata, outbox=outbox, inbox=inbox,
                       migrations_dir=MIGRATIONS,
                       routers=[payers_routes.router, fees_routes.router, orders_routes.router,
                                prepayment_routes.router, notify_routes.router, wechat_identity_routes.router,
                                reconciliation_routes.router, reports_routes.router],
                       consumers=[payers_consumer, photographed_consumer], jobs=[*JOB_KINDS, *RECONCILE_JOBS],
                       on_startup=_startup)


def _sandbox(request: Request) -> SandboxGateway:
    ctx: ServiceContext = request.app.state.ctx
    return provider_set(ctx.settings, ctx.runtime).sandbox


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    app = build_app(spec(), settings, runtime)
    if settings.payments_provider == "sandbox":  # the providers' stand-in, on its own router (not in OpenAPI)
        app.include_router(sandbox_router(_sandbox), prefix="/api/payments")
    else:  # live keys are read now: a missing or partial configuration stops the start, naming what to set
        provider_set(settings, app.state.ctx.runtime)
    return app
