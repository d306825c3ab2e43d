"""The routers of every service module: where a request's unit of work begins and ends.

FastAPI runs a sync route in a worker thread and then returns to the event loop; a unit of work held by a
dependency with `yield` would then end (commit or roll back) in a second trip to the threadpool, and a route that
returns a model would take a third for the response validation. A `ServiceRoute` runs a sync route, the validation
and serialisation of what it returns and the end of its unit of work in one worker thread: one trip per request.
Async routes (and units of work that a route never reached, e.g. a dependency failed first) end theirs after the
route, in one trip of their own.

The rules of the end stay those of the kernel: the unit of work commits when the route returns without error,
before the response is sent (a failing commit, e.g. a unique-key race, still becomes a problem response), and rolls
back when it raises, unless the error says its changes must be kept (a failed sign-in still counts). The end is
shielded from cancellation: a client that leaves mid-request still gets its transaction ended and its connection
back to the pool.

Every module router is a `ServiceRouter`; `build_app` refuses any other, so there is one mechanism."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from functools import wraps
from typing import Any

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute
from fastapi.utils import is_body_allowed_for_status_code
from starlette.routing import Match
from starlette.types import Scope

from services.kernel.errors import TucaiError
from services.kernel.uow import UnitOfWork

# The units of work opened for the request being handled (normally one: FastAPI caches a dependency per request).
# A context variable: the worker thread a sync route runs in sees the same list (anyio copies the context).
_REQUEST_UOWS: ContextVar[list[UnitOfWork] | None] = ContextVar("tucai_request_uows", default=None)


def enlist(uow: UnitOfWork) -> UnitOfWork:
    """Make `uow` the request's: it ends with the route that handles the request. Only routes of a ServiceRouter
    end units of work; anywhere else this refuses, so a forgotten commit cannot pass silently."""
    uows = _REQUEST_UOWS.get()
    if uows is None:
        raise RuntimeError("a request unit of work outside a ServiceRoute: build the module's router with "
                           "services.kernel.routing.ServiceRouter")
    uows.append(uow)
    return uow


def finish(uow: UnitOfWork, error: BaseException | None) -> None:
    """Commit (no error, or an error that keeps its changes) or roll back, then close; once."""
    if uow.finished:
        return
    uow.finished = True
    with uow:  # closes the session; rolls back if the commit itself fails
        if error is None or (isinstance(error, TucaiError) and error.keep_changes):
            uow.commit()
        else:
            uow.rollback()


def _finish_all(uows: list[UnitOfWork], error: BaseException | None) -> None:
    for uow in uows:
        finish(uow, error)


async def _finish_open(uows: list[UnitOfWork], error: BaseException | None) -> None:
    if any(not uow.finished for uow in uows):
        with anyio.CancelScope(shield=True):
            # Its own limiter: ending a transaction never waits behind the routes holding the threadpool.
            await anyio.to_thread.run_sync(_finish_all, uows, error, limiter=anyio.CapacityLimiter(1))


def _response_params(dependant: Dependant) -> bool:
    """Whether the route or one of its dependencies takes FastAPI's `Response` (to set headers or a status)."""
    return dependant.response_param_name is not None or any(_response_params(d) for d in dependant.dependencies)


class ServiceRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        plain_sync = not (inspect.iscoroutinefunction(endpoint) or inspect.isgeneratorfunction(endpoint)
                          or inspect.isasyncgenfunction(endpoint))
        super().__init__(path, self._in_one_thread(endpoint) if plain_sync else endpoint, **kwargs)
        # The response is built in the worker thread only where FastAPI would do nothing more than validate and
        # dump it as JSON; otherwise (own response class, a Response parameter, no body) FastAPI builds it.
        self._serialise_in_thread = (
            plain_sync and self.response_field is not None and isinstance(self.response_class, DefaultPlaceholder)
            and not _response_params(self.dependant)
            and is_body_allowed_for_status_code(self.status_code or 200))

    def _in_one_thread(self, endpoint: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(endpoint)
        def run(**values: Any) -> Any:
            uows = _REQUEST_UOWS.get() or []
            try:
                result = endpoint(**values)
                if self._serialise_in_thread and not isinstance(result, Response):
                    result = self._serialise(result)
            except BaseException as exc:
                _finish_all(uows, exc)
                raise
            _finish_all(uows, None)
            return result

        return run

    def _serialise(self, content: Any) -> Response:
        """What FastAPI's handler does with a returned value (validate against the response model, dump JSON
        by alias), here in the route's thread; FastAPI then passes the Response through as it is."""
        field = self.response_field
        assert field is not None
        value, errors = field.validate(content, {}, loc=("response",))
        if errors:
            raise ResponseValidationError(errors=errors, body=content)
        body = field.serialize_json(
            value, include=self.response_model_include, exclude=self.response_model_exclude,
            by_alias=self.response_model_by_alias, exclude_unset=self.response_model_exclude_unset,
            exclude_defaults=self.response_model_exclude_defaults, exclude_none=self.response_model_exclude_none)
        return Response(body, status_code=self.status_code or 200, media_type="application/json")

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            uows: list[UnitOfWork] = []
            token = _REQUEST_UOWS.set(uows)
            try:
                response = await handler(request)
            except BaseException as exc:
                await _finish_open(uows, exc)
                raise
            finally:
                _REQUEST_UOWS.reset(token)
            await _finish_open(uows, None)
            return response

        return handle


# Path segments that tell a router's routes apart at once: /api/<service>/v1/<resource>.
_HEAD_DEPTH = 4


def _head(path: str) -> tuple[str, ...]:
    return tuple(path.strip("/").split("/")[:_HEAD_DEPTH])


def _route_path(scope: Scope) -> str:
    """The path routes match (Starlette's rule: without the root path the app is mounted under)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root):len(root) + 1] == "/":
        return path[len(root):]
    return path


class ServiceRouter(APIRouter):
    """The router of a service module (routes.py): an APIRouter whose routes are ServiceRoutes.

    Included where build_app says (`mount_at`), it refuses a request whose first path segments none of its routes
    has (/api/roster/v1/students… is not an import) with one set lookup, before FastAPI tries its routes one by one:
    with a dozen routers of a dozen routes each, that trial was about a tenth of a request's time."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", ServiceRoute)
        if not issubclass(kwargs["route_class"], ServiceRoute):
            raise TypeError("a ServiceRouter's routes must be ServiceRoutes")
        super().__init__(**kwargs)
        self._mount: str | None = None
        self._heads: tuple[int, frozenset[tuple[str, ...]] | None] | None = None

    def mount_at(self, prefix: str) -> None:
        """The prefix the app includes this router under (one place: the kernel includes each router once)."""
        self._mount = prefix
        self._heads = None

    def _route_heads(self) -> frozenset[tuple[str, ...]] | None:
        """The first path segments of every route, or None where a route could take any (a parameter there)."""
        if self._mount is None:
            return None
        if self._heads is None or self._heads[0] != len(self.routes):
            heads: set[tuple[str, ...]] | None = set()
            for route in self.routes:
                path = getattr(route, "path", None)
                head = _head(self._mount + path) if isinstance(path, str) else None
                if head is None or any("{" in segment for segment in head) or heads is None:
                    heads = None
                    continue
                heads.add(head)
            self._heads = (len(self.routes), frozenset(heads) if heads is not None else None)
        return self._heads[1]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        heads = self._route_heads()
        if heads is not None and scope.get("type") == "http" and _head(_route_path(scope)) not in heads:
            return Match.NONE, {}
        return super().matches(scope)
