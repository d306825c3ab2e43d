"""Request bodies are bounded before anyone reads them. FastAPI parses a form (and spools an upload to disk)
before a route's dependencies run, so neither the token check nor a size check in the route comes first. This
middleware does both at the door, per route:

- a route that needs a token gets a 401 before a byte of its body is read when the token is missing or invalid;
- a declared Content-Length above the route's cap is a 413 at once;
- a body without a declared length (chunked) is counted as it arrives and cut off at the cap with a 413.

A route declares its cap with `openapi_extra=max_body(N)`; every other route gets the service default
(TUCAI_MAX_BODY_BYTES), and TUCAI_BODY_LIMITS ({"<operationId>": bytes}) overrides either per endpoint. The
operationId is the one the OpenAPI document shows ("imports-upload_roster"). One setting serves all services, so
each service takes the ids it has; the embedded gateway, which has them all, refuses to start on an id that names no
endpoint (a cap that silently applies nowhere protects nothing), and a service alone logs the ids it applied."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.kernel.auth import requires_token
from services.kernel.errors import _STATUS_CODES, TucaiError, problem_response

MAX_BODY_KEY = "x-max-body-bytes"
_BODYLESS = {"GET", "HEAD", "OPTIONS", "DELETE"}


def max_body(limit: int) -> dict[str, Any]:
    """Route keyword: `@router.post(..., openapi_extra=max_body(20 * 2**20))`; shows in the OpenAPI document."""
    return {MAX_BODY_KEY: limit}


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    methods: frozenset[str]
    limit: int
    needs_token: bool


def _needs_token(dependant: Dependant) -> bool:
    return any(requires_token(dep.call) or _needs_token(dep) for dep in dependant.dependencies)


class _TooLarge(Exception):
    pass


def body_rules(routers: Sequence[APIRouter], prefix: str, default_limit: int,
               overrides: dict[str, int] | None = None,
               operation_id: Callable[[APIRoute], str] = lambda route: route.unique_id) -> list[_Rule]:
    """One rule per route of `routers` as mounted under `prefix`: its cap and whether it needs a token.
    `operation_id` is the app's generate_unique_id_function: a router's own routes carry FastAPI's default id,
    not the one the app gives them when it includes the router (and the OpenAPI document shows)."""
    overrides = overrides or {}
    rules = []
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            limit = overrides.get(route.operation_id or operation_id(route),
                                  (route.openapi_extra or {}).get(MAX_BODY_KEY, default_limit))
            pattern, _, _ = compile_path(prefix + route.path)
            rules.append(_Rule(pattern, frozenset(route.methods or ()), int(limit),
                               _needs_token(route.dependant)))
    return rules


def operation_ids(routers: Sequence[APIRouter], operation_id: Callable[[APIRoute], str]) -> set[str]:
    """The operationIds of the routes of `routers`, as body_rules matches TUCAI_BODY_LIMITS against them."""
    return {route.operation_id or operation_id(route) for router in routers for route in router.routes
            if isinstance(route, APIRoute)}


def unknown_overrides(overrides: dict[str, int], known: set[str]) -> None:
    """Refuse TUCAI_BODY_LIMITS entries that name no endpoint of the services at hand."""
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"TUCAI_BODY_LIMITS names no endpoint: {', '.join(unknown)} "
                         "(use the operationId of the OpenAPI document, e.g. imports-upload_roster)")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, rules: Callable[[], list[_Rule]], default_limit: int) -> None:
        self.app = app
        self._make_rules = rules  # built on first use: every router is included by then
        self._default = default_limit
        self._rules: list[_Rule] | None = None
        self._verifier: Any = None

    def _rule_for(self, path: str, method: str) -> _Rule | None:
        if self._rules is None:
            self._rules = self._make_rules()
        for rule in self._rules:
            if method in rule.methods and rule.pattern.match(path):
                return rule
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method", "GET") in _BODYLESS:
            await self.app(scope, receive, send)
            return
        rule = self._rule_for(scope.get("path", ""), scope["method"])
        limit = rule.limit if rule else self._default
        request = Request(scope)
        if rule is not None and rule.needs_token:
            refusal = await self._check_token(request)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_large(request, limit)(scope, receive, send)
            return

        received = 0
        started = exceeded = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # whatever the app makes of a body we cut off is replaced by the 413 below
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if started:
                raise
        if exceeded and not started:
            await self._too_large(request, limit)(scope, receive, send)

    async def _check_token(self, request: Request) -> Any:
        authorization = request.headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        try:
            if scheme.lower() != "bearer" or not token:
                code, zh, en = _STATUS_CODES[401]
                raise TucaiError(code, zh, en, status=401, headers={"WWW-Authenticate": "Bearer"})
            await scope_app(request).state.verifier.verify(token.strip())
        except TucaiError as exc:
            return problem_response(request, exc.status, exc.code, exc.zh, exc.en, headers=exc.headers)
        return None

    @staticmethod
    def _too_large(request: Request, limit: int) -> Any:
        mib = f"{limit / 2**20:.1f}".rstrip("0").rstrip(".")
        return problem_response(request, 413, "payload_too_large", f"上传内容超过 {mib} MB 上限",
                                f"The request body is larger than {mib} MB", headers={"Connection": "close"})


def scope_app(request: Request) -> Any:
    """The service app this request reached (its state holds the token verifier)."""
    return request.scope["app"]


def parse_overrides(text: str) -> dict[str, int]:
    """TUCAI_BODY_LIMITS: a JSON object of operationId -> bytes."""
    if not text.strip():
        return {}
    value = json.loads(text)
    if not isinstance(value, dict) or not all(isinstance(v, int) and v > 0 for v in value.values()):
        raise ValueError("TUCAI_BODY_LIMITS must be a JSON object of operationId -> positive byte count")
    return {str(k): int(v) for k, v in value.items()}
