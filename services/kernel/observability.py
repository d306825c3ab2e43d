"""Request ids, structured JSON logs and Prometheus metrics. Logs carry routes, statuses and ids, never
query strings or bodies (they can hold names and ID numbers)."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        # Look sys.stderr up on every call: a stream captured earlier may be closed by now (tests, reloads).
        logger_factory=lambda *_: structlog.PrintLogger(sys.stderr),
        cache_logger_on_first_use=False,
    )
    # uvicorn's access log prints full URLs (query strings can carry personal data): ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True


class ServiceMetrics:
    """One registry per service so the embedded process can expose each service's figures separately."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("tucai_http_requests", "HTTP requests", ["service", "method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("tucai_http_request_duration_seconds", "HTTP request latency",
                                 ["service", "method", "route"], registry=self.registry)
        self.outbox_pending = Gauge("tucai_outbox_pending", "Events written but not yet on the bus", ["service"],
                                    registry=self.registry)
        self.events_published = Gauge("tucai_events_published", "Events relayed since start", ["service"],
                                      registry=self.registry)
        self.service = service


class RequestContextMiddleware:
    """Assigns a request id (or keeps a sane incoming one), logs one line per request, records metrics."""

    def __init__(self, app: ASGIApp, service: str, metrics: ServiceMetrics) -> None:
        self.app = app
        self.service = service
        self.metrics = metrics
        self.log = structlog.get_logger("tucai.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=request_id, service=self.service)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            route = _route_template(scope)
            method = scope.get("method", "")
            self.metrics.requests.labels(self.service, method, route, str(status)).inc()
            self.metrics.latency.labels(self.service, method, route).observe(elapsed)
            if not route.endswith(("/healthz", "/readyz", "/metrics")):
                self.log.info("request", method=method, route=route, status=status,
                              duration_ms=round(elapsed * 1000, 1))
            structlog.contextvars.unbind_contextvars("request_id", "service")


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "<unmatched>"


HealthCheck = Callable[[], Awaitable[bool]]
