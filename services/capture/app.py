"""Capture: check-in, photo ingest into the object store, photo checks, proofreading, export."""

from __future__ import annotations

from pathlib import Path

import anyio
from fastapi import FastAPI

from services.capture import demo
from services.capture.anomalies import routes as anomalies_routes
from services.capture.checkins import routes as checkins_routes
from services.capture.checkins.passes import PassVerifier, roster_jwks
from services.capture.delivery import jobs as delivery_jobs
from services.capture.delivery import routes as delivery_routes
from services.capture.models import inbox, metadata, outbox
from services.capture.photos import routes as photos_routes
from services.capture.photos import workers as photo_workers
from services.capture.photos.consumers import identity_consumer
from services.capture.photos.jobs import identity_guard_job
from services.capture.progress import routes as progress_routes
from services.capture.proofreading import routes as proofreading_routes
from services.capture.proofreading.consumers import proofreading_consumer
from services.capture.stations import routes as stations_routes
from services.capture.stations.consumers import plans_consumer
from services.capture.subjects import routes as subjects_routes
from services.capture.subjects.consumers import subjects_consumer
from services.kernel.blobstore.http import make_blob_router
from services.kernel.runtime import Runtime
from services.kernel.service import ServiceContext, ServiceSpec, build_app
from services.kernel.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


async def _startup(ctx: ServiceContext) -> None:
    photo_workers.for_settings(ctx.settings).start()  # spawn the check workers now, not on the first photo
    if ctx.settings.demo:
        def load() -> None:
            with ctx.transaction() as uow:
                demo.load(uow)

        await anyio.to_thread.run_sync(load)


def spec() -> ServiceSpec:
    return ServiceSpec(name="capture", title="Tucai capture", metadata=metadata, outbox=outbox, inbox=inbox,
                       migrations_dir=MIGRATIONS,
                       routers=[subjects_routes.router, stations_routes.router, checkins_routes.router,
                                photos_routes.router, anomalies_routes.router, proofreading_routes.router,
                                delivery_routes.router, progress_routes.router],
                       consumers=[subjects_consumer, proofreading_consumer, identity_consumer, plans_consumer],
                       jobs=[identity_guard_job, *delivery_jobs.KINDS], on_startup=_startup)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    app = build_app(spec(), settings, runtime)
    # Capture passes are verified with roster's published key set, like API tokens (never a shared secret).
    app.state.pass_verifier = PassVerifier(roster_jwks(app.state.ctx.runtime), settings.jwt_issuer)
    # Signed download links of the local object store (S3 links go straight to the bucket).
    app.include_router(make_blob_router(lambda: app.state.ctx.runtime.blobs, "/v1/blobs"), prefix="/api/capture")
    return app
