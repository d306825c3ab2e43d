"""The embedded all-in-one process: the four services mounted at /api/<service> (their routes keep the
prefix, as behind nginx in the distributed deployment), the built SPA at / and the student's phone entry at /m."""

from __future__ import annotations

import json
from contextlib import AsyncExitStack
from importlib import import_module
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from services.gateway.static import choose_encoding, precompressed, spa_response
from services.kernel.errors import PROBLEM_BASE, PROBLEM_JSON
from services.kernel.limits import parse_overrides, unknown_overrides
from services.kernel.runtime import Runtime
from services.kernel.security import SecurityHeadersMiddleware
from services.kernel.settings import SERVICES, Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
# Responses of the APIs that are compressed formats already: gzip would only cost time.
API_UNCOMPRESSED = (*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/pdf", "application/octet-stream",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def service_apps(settings: Settings, runtime: Runtime) -> dict[str, FastAPI]:
    return {name: import_module(f"services.{name}.app").create_app(settings, runtime) for name in SERVICES}


class Gateway:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime = Runtime(settings)
        self.apps = service_apps(settings, self.runtime)
        # One process holds every endpoint: a body cap that names none of them is a mistake, not a no-op.
        unknown_overrides(parse_overrides(settings.body_limits),
                          set().union(*(app.state.operation_ids for app in self.apps.values())))
        self.runtime.expected_services = len(self.apps)
        # JSON compressed as nginx does in the distributed mode (gzip_proxied any, gzip_min_length 1024); files
        # that are compressed already (xlsx, PDF, photos, zips) go as they are. Built once, not per request.
        self.api_apps: dict[str, ASGIApp] = {
            name: GZipMiddleware(app, minimum_size=1024, compresslevel=5, exclude_content_types=API_UNCOMPRESSED)
            for name, app in self.apps.items()}
        self.spa_dir = settings.spa_dir or REPO_ROOT / "frontend" / "dist"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path: str = scope.get("path", "/")
        if path.startswith("/api/"):
            service = path.split("/", 3)[2]
            app = self.apps.get(service)
            if app is None or scope["type"] != "http":
                await (app or SecurityHeadersMiddleware(_unknown_api))(scope, receive, send)
                return
            # GZip only for a client that takes it (a phone's browser does); wrapping the others would only cost.
            accepts_gzip = any(name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"])
            await (self.api_apps[service] if accepts_gzip else app)(scope, receive, send)
            return
        if scope["type"] == "http":
            # The SPA's precompressed .br/.gz (written at build time) when the client accepts them; any other
            # file compressed on the fly as nginx does (gzip_min_length 1024). Cache rules: see static.py.
            accept = Headers(scope=scope).get("accept-encoding", "")
            spa: ASGIApp = spa_response(self.spa_dir, path, accept)
            if not precompressed(spa) and choose_encoding(accept, ["gzip"]):
                spa = GZipMiddleware(spa, minimum_size=1024, compresslevel=6)
            await SecurityHeadersMiddleware(spa)(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        stack = AsyncExitStack()
        message = await receive()
        assert message["type"] == "lifespan.startup"
        try:
            for app in self.apps.values():
                await stack.enter_async_context(app.router.lifespan_context(app))
        except Exception as exc:
            await stack.aclose()
            await send({"type": "lifespan.startup.failed", "message": repr(exc)})
            raise
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        await self.runtime.stop_relays()
        await stack.aclose()
        await send({"type": "lifespan.shutdown.complete"})


async def _unknown_api(scope: Scope, receive: Receive, send: Send) -> None:
    body = {"type": PROBLEM_BASE + "not_found", "title": "Not Found", "status": 404, "code": "not_found",
            "detail": "No such API", "message_zh": "请求的接口不存在", "message_en": "No such API",
            "instance": scope.get("path")}
    response = Response(json.dumps(body, ensure_ascii=False), 404, media_type=PROBLEM_JSON)
    await response(scope, receive, send)


def create_gateway(settings: Settings | None = None) -> Gateway:
    return Gateway(settings or Settings())
