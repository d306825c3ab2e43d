"""Backpressure instead of collapse: a bounded number of requests in flight per service process.

Without a bound, a crowd (a school posts the capture notice) piles requests into the threadpool and the database
pool; each waits up to the pool timeout and ends in a 500, and the process works through requests whose clients
left long ago. With it, at most `max_in_flight` requests run; up to `max_waiting` more wait (first come, first
served) at most `queue_wait_seconds` for a slot; the rest get at once, and those whose wait runs out get then, a 503
problem+json (code `overloaded`) with `Retry-After`, and the SPA retries after that delay. The wait bounds the
backlog: a crowd that leaves leaves at most that much work behind.
Health, readiness, metrics and the token keys are never shed: an orchestrator must see a busy process as alive
and other services must still verify tokens while roster is busy.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from services.kernel.errors import problem_response
from services.kernel.settings import Settings

EXEMPT_SUFFIXES = ("/healthz", "/readyz", "/metrics", "/auth/jwks")


class Gate:
    """A counter of requests in flight with a bounded, FIFO, time-limited wait for a slot. A released slot is
    handed to the oldest waiter directly, so a newcomer never overtakes someone already waiting."""

    def __init__(self, limit: int, max_waiters: int, wait_seconds: float) -> None:
        self.limit = limit
        self.max_waiters = max_waiters
        self.wait_seconds = wait_seconds
        self.in_flight = 0
        self.shed = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def enter(self) -> bool:
        """Takes a slot (True) or says the request must be shed (False)."""
        if self.in_flight < self.limit and not self._waiters:
            self.in_flight += 1
            return True
        if self.wait_seconds <= 0 or len(self._waiters) >= self.max_waiters:
            self.shed += 1
            return False
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(self.wait_seconds):
                await asyncio.shield(waiter)
            return True
        except TimeoutError:
            if waiter.done() and not waiter.cancelled():
                return True  # the slot was handed over just as the wait ran out: keep it
            waiter.cancel()
            self.shed += 1
            return False
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.exit()  # handed a slot, but the request is gone: pass it on
            waiter.cancel()
            raise

    def exit(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes to the waiter; in_flight stays the same
                return
        self.in_flight -= 1


class BackpressureMiddleware:
    """Pure ASGI: sheds HTTP requests beyond the gate with 503 + Retry-After; lifespan and exempt paths pass."""

    def __init__(self, app: ASGIApp, max_in_flight: int, queue_wait_seconds: float = 1.0,
                 max_waiting: int = 1000, retry_after_seconds: int = 2) -> None:
        self.app = app
        self.gate = Gate(max_in_flight, max_waiting, queue_wait_seconds)
        self.retry_after = str(retry_after_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].endswith(EXEMPT_SUFFIXES):
            await self.app(scope, receive, send)
            return
        if not await self.gate.enter():
            response = problem_response(
                Request(scope), 503, "overloaded", "系统繁忙，请稍后重试",
                "The service is busy; please retry shortly", headers={"Retry-After": self.retry_after})
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.gate.exit()


def overload_options(settings: Settings) -> dict[str, Any]:
    """The middleware's keywords from the settings (TUCAI_MAX_IN_FLIGHT, TUCAI_OVERLOAD_*)."""
    return {"max_in_flight": settings.in_flight_limit, "queue_wait_seconds": settings.overload_wait_ms / 1000,
            "max_waiting": settings.overload_queue,
            "retry_after_seconds": settings.overload_retry_after_seconds}
