"""Payments: orders, WeChat Pay / Alipay, refunds, reconciliation."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.kernel.runtime import Runtime
from services.kernel.service import ServiceSpec, build_app
from services.kernel.settings import Settings
from services.payments.models import inbox, metadata, outbox
from services.payments.payers import routes as payers_routes
from services.payments.payers.consumers import payers_consumer

MIGRATIONS = Path(__file__).parent / "migrations"


def spec() -> ServiceSpec:
    return ServiceSpec(name="payments", title="Tucai payments", metadata=metadata, outbox=outbox, inbox=inbox,
                       migrations_dir=MIGRATIONS, routers=[payers_routes.router],
                       consumers=[payers_consumer])


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    return build_app(spec(), settings or Settings(), runtime)
