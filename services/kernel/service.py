"""Builds a service's FastAPI app from its spec: every service gets the same wiring (problem+json, request
ids, logs, metrics, health, migrations on start, outbox relay, consumers, job runner, token verification)."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import anyio
import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.kernel import db
from services.kernel.auth import CurrentPrincipal, KeySetLoader, TokenVerifier
from services.kernel.backpressure import BackpressureMiddleware, overload_options
from services.kernel.errors import Forbidden, Problem, install_problem_handlers
from services.kernel.events.admin import dead_letter_router
from services.kernel.events.bus import Subscription
from services.kernel.events.consumer import Consumer, start_consumer
from services.kernel.events.dead_letters import dead_letter_table
from services.kernel.events.outbox import count_pending
from services.kernel.events.relay import OutboxRelay
from services.kernel.jobs import JobKind, JobRunner, access
from services.kernel.jobs.schemas import JobOut
from services.kernel.jobs.table import JOB_TABLE
from services.kernel.limits import BodyLimitMiddleware, body_rules, operation_ids, parse_overrides
from services.kernel.observability import RequestContextMiddleware, ServiceMetrics
from services.kernel.reads import Reader
from services.kernel.routing import ServiceRouter, enlist
from services.kernel.runtime import Runtime
from services.kernel.security import SecurityHeadersMiddleware
from services.kernel.settings import Settings
from services.kernel.uow import UnitOfWork

log = structlog.get_logger("tucai.service")


@dataclass
class ServiceSpec:
    name: str
    title: str
    metadata: MetaData
    outbox: Table
    inbox: Table
    migrations_dir: Path
    routers: list[ServiceRouter]
    consumers: list[Consumer] = field(default_factory=list)
    jobs: list[JobKind] = field(default_factory=list)
    # Runs after migrations, before the relay starts (e.g. roster's keys and demo data).
    on_startup: Callable[[ServiceContext], Awaitable[None]] | None = None


class ServiceContext:
    """Everything a request or consumer of one service needs; lives on app.state.ctx."""

    def __init__(self, spec: ServiceSpec, settings: Settings, runtime: Runtime) -> None:
        self.spec = spec
        self.settings = settings
        self.runtime = runtime
        url = settings.database_url_for(spec.name)
        self.engine = db.make_engine(url, pool_size=settings.pool_size, max_overflow=settings.db_max_overflow,
                                     pool_timeout=settings.db_pool_timeout)
        # `await ctx.read(fn, ...)`: the hot reads of async routes (services.kernel.reads).
        self.read = Reader(url, self.engine)
        self.sessions: sessionmaker[Session] = db.make_session_factory(self.engine)
        self.relay = OutboxRelay(spec.name, self.sessions, spec.outbox, runtime.bus,
                                 poll_seconds=settings.relay_poll_seconds)
        self.metrics = ServiceMetrics(spec.name)
        self.subscriptions: list[Subscription] = []
        runtime.relays.append(self.relay)
        self.jobs = JobRunner(spec.name, self.sessions, spec.metadata.tables[JOB_TABLE], spec.outbox, spec.jobs,
                              on_commit=self.relay.wake, settings=settings, runtime=runtime,
                              poll_seconds=settings.job_poll_seconds, lease_seconds=settings.job_lease_seconds,
                              retry_seconds=settings.job_retry_seconds)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.spec.outbox, on_commit=self.relay.wake)

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """A unit of work outside any request (start-up tasks, CLI): commits if the block ends normally."""
        with self.uow() as uow:
            yield uow
            uow.commit()

    def migrate(self) -> None:
        db.migrate(self.spec.migrations_dir, self.engine, self.spec.metadata)


def context_of(request: Request) -> ServiceContext:
    return request.app.state.ctx


async def get_context(request: Request) -> ServiceContext:
    # async on purpose: FastAPI runs a sync dependency in the threadpool, a hop that costs more than the lookup.
    return context_of(request)


Context = Annotated[ServiceContext, Depends(get_context)]


async def get_uow(ctx: Context) -> UnitOfWork:
    """The request's unit of work. It commits when the route returns without error (before the response is
    sent, so a failing commit, e.g. a unique-key race, still becomes a problem response) and rolls back when it
    raises, unless the error says its changes must be kept (a failed sign-in still counts); a sync route ends it
    in its own worker thread (services.kernel.routing). Opening one does no I/O: the session connects on its first
    query, in the route's thread."""
    return enlist(ctx.uow())


UoW = Annotated[UnitOfWork, Depends(get_uow)]


def _operation_id(route: APIRoute) -> str:
    # Stable ids keep the generated TypeScript client readable: "colleges-list_colleges".
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def build_app(spec: ServiceSpec, settings: Settings, runtime: Runtime | None = None,
              verifier: TokenVerifier | None = None) -> FastAPI:
    strays = [router for router in spec.routers if not isinstance(router, ServiceRouter)]
    if strays:  # its routes would never end their units of work
        raise TypeError(f"{spec.name}: every router must be a services.kernel.routing.ServiceRouter "
                        f"({len(strays)} is not)")
    runtime = runtime or Runtime(settings)
    ctx = ServiceContext(spec, settings, runtime)
    prefix = f"/api/{spec.name}"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limiter = anyio.to_thread.current_default_thread_limiter()  # shared by the apps of one process
        limiter.total_tokens = max(int(limiter.total_tokens), settings.threadpool_size)
        await anyio.to_thread.run_sync(ctx.migrate)
        await runtime.acquire()
        try:
            if spec.on_startup:
                await spec.on_startup(ctx)
            for consumer in spec.consumers:
                ctx.subscriptions.append(
                    await start_consumer(runtime.bus, spec.name, consumer, ctx.uow, spec.inbox,
                                         dead_letter_table(spec.metadata)))
            runtime.joined()
            await ctx.relay.start(gate=runtime.all_subscribed)
            await ctx.jobs.start()
            yield
        finally:
            await ctx.jobs.stop()  # first: a job's last commit may still emit events for the relay
            await ctx.relay.stop()
            for sub in ctx.subscriptions:
                await sub.stop()
            ctx.subscriptions.clear()
            await runtime.release()
            await ctx.read.dispose()
            ctx.engine.dispose()

    # The API description is public in demo mode (and where TUCAI_API_DOCS=true), not in production.
    docs = settings.api_docs if settings.api_docs is not None else settings.demo
    app = FastAPI(
        title=spec.title, version="0.1.0", lifespan=lifespan,
        openapi_url=f"{prefix}/openapi.json" if docs else None, docs_url=f"{prefix}/docs" if docs else None,
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        responses={422: {"model": Problem, "description": "Validation failed"}},
        # The kernel's own request log and Prometheus metrics are the telemetry; FastAPI's OpenTelemetry hooks
        # would only look up the environment on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.ctx = ctx
    app.state.verifier = verifier or TokenVerifier(_remote_jwks(runtime), settings.jwt_issuer)
    install_problem_handlers(app)
    ops, admin = _ops_router(ctx), dead_letter_router(ctx)
    overrides = parse_overrides(settings.body_limits)
    routers = [ops, admin, *spec.routers]
    app.state.operation_ids = operation_ids(routers, _operation_id)
    if overrides:
        log.info("body_limits", service=spec.name,
                 applied={k: v for k, v in overrides.items() if k in app.state.operation_ids})
    # Innermost first: the body check's refusals still get a request id, a log line and the security headers.
    app.add_middleware(BodyLimitMiddleware, default_limit=settings.max_body_bytes, rules=lambda: body_rules(
        routers, prefix, settings.max_body_bytes, overrides, _operation_id))
    app.add_middleware(BackpressureMiddleware, **overload_options(settings))
    app.add_middleware(RequestContextMiddleware, service=spec.name, metrics=ctx.metrics)
    app.add_middleware(SecurityHeadersMiddleware)
    app.include_router(ops, prefix=prefix)
    app.include_router(admin, prefix=prefix)
    for router in (ops, admin, *spec.routers):
        router.mount_at(prefix)
    for router in spec.routers:
        app.include_router(router, prefix=prefix)
    runtime.local_apps[spec.name] = app
    return app


def _remote_jwks(runtime: Runtime) -> KeySetLoader:
    async def load() -> list[dict[str, str]]:
        async with runtime.client("roster") as client:
            response = await client.get("/api/roster/v1/auth/jwks")
            response.raise_for_status()
            return list(response.json()["keys"])

    return load


async def _metrics_access(request: Request, ctx: Context) -> None:
    """Metrics are open in demo mode; otherwise only to a scraper presenting TUCAI_METRICS_TOKEN."""
    if ctx.settings.demo:
        return
    expected = ctx.settings.metrics_token.get_secret_value() if ctx.settings.metrics_token else None
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("metrics_forbidden", "无权读取监控指标", "Metrics need the configured scrape token")


def _ops_router(ctx: ServiceContext) -> ServiceRouter:
    router = ServiceRouter(tags=["ops"])

    @router.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": ctx.spec.name}

    @router.get("/readyz", summary="Readiness: database, bus and object store")
    async def readyz() -> JSONResponse:
        checks = {
            "database": await anyio.to_thread.run_sync(db.ping, ctx.engine),
            "bus": await ctx.runtime.bus.ping(),
            "object_store": await anyio.to_thread.run_sync(ctx.runtime.blobs.ping),
        }
        ready = all(checks.values())
        return JSONResponse({"status": "ready" if ready else "unready", "service": ctx.spec.name,
                             "checks": checks}, status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response,
                dependencies=[Depends(_metrics_access)])
    async def metrics() -> Response:
        def pending() -> int:
            with ctx.sessions() as session:
                return count_pending(session, ctx.spec.outbox)

        ctx.metrics.outbox_pending.labels(ctx.spec.name).set(await anyio.to_thread.run_sync(pending))
        ctx.metrics.events_published.labels(ctx.spec.name).set(ctx.relay.published)
        return Response(generate_latest(ctx.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @router.get("/v1/jobs/{job_id}", response_model=JobOut, tags=["jobs"], summary="A job: state, progress, error")
    def read_job(job_id: str, principal: CurrentPrincipal, uow: UoW) -> JobOut:
        return access.read_job(uow, principal, job_id)

    @router.post("/v1/jobs/{job_id}/cancel", response_model=JobOut, tags=["jobs"],
                 summary="Cancel a job: at once if queued, at its next progress report if running")
    def cancel_job(job_id: str, principal: CurrentPrincipal, uow: UoW) -> JobOut:
        return access.cancel_job(uow, principal, job_id, ctx.spec.jobs)

    return router
