"""Scheduling: capture days, allocation of colleges and classes to rooms and slots, the make-up calendar."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.kernel.runtime import Runtime
from services.kernel.service import ServiceSpec, build_app
from services.kernel.settings import Settings
from services.scheduling.board import routes as board_routes
from services.scheduling.board.consumers import board_consumer
from services.scheduling.days import routes as days_routes
from services.scheduling.directory import routes as directory_routes
from services.scheduling.directory.consumers import directory_consumer
from services.scheduling.makeup import routes as makeup_routes
from services.scheduling.makeup.consumers import certificates_consumer
from services.scheduling.models import inbox, metadata, outbox
from services.scheduling.plans import routes as plans_routes
from services.scheduling.plans.jobs import solve_plan_job
from services.scheduling.slots import routes as slots_routes

MIGRATIONS = Path(__file__).parent / "migrations"


ROUTERS = [directory_routes.router, days_routes.router, plans_routes.router, slots_routes.router,
           makeup_routes.router, board_routes.router]


def spec() -> ServiceSpec:
    return ServiceSpec(name="scheduling", title="Tucai scheduling", metadata=metadata, outbox=outbox,
                       inbox=inbox, migrations_dir=MIGRATIONS, routers=ROUTERS,
                       consumers=[directory_consumer, board_consumer, certificates_consumer], jobs=[solve_plan_job])


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    return build_app(spec(), settings or Settings(), runtime)
