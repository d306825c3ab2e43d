"""Capture: check-in, photo ingest into the object store, photo checks, proofreading, export."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.capture.models import inbox, metadata, outbox
from services.capture.subjects import routes as subjects_routes
from services.capture.subjects.consumers import subjects_consumer
from services.kernel.blobstore.http import make_blob_router
from services.kernel.runtime import Runtime
from services.kernel.service import ServiceSpec, build_app
from services.kernel.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def spec() -> ServiceSpec:
    return ServiceSpec(name="capture", title="Tucai capture", metadata=metadata, outbox=outbox, inbox=inbox,
                       migrations_dir=MIGRATIONS, routers=[subjects_routes.router],
                       consumers=[subjects_consumer])


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    app = build_app(spec(), settings or Settings(), runtime)
    # Signed download links of the local object store (S3 links go straight to the bucket).
    app.include_router(make_blob_router(lambda: app.state.ctx.runtime.blobs, "/v1/blobs"), prefix="/api/capture")
    return app
