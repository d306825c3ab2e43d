"""A crowd beyond a service's capacity is shed at once with 503 + Retry-After instead of queueing into a
30-second pool timeout: a real uvicorn server, a route that holds its thread for a second, four slots."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from services.kernel.backpressure import Gate
from services.roster import app as roster_app
from tests.conftest import embedded_settings
from tests.support.processes import serve_in_thread

SLOW_SECONDS = 1.0
SLOTS = 4
CROWD = 40

slow_router = APIRouter()


@slow_router.get("/v1/test-slow")
def slow() -> dict[str, bool]:
    time.sleep(SLOW_SECONDS)  # a sync route: holds a worker thread (and would hold a connection) meanwhile
    return {"ok": True}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FastAPI]]:
    settings = embedded_settings(tmp_path_factory.mktemp("backpressure"), demo=False, max_in_flight=SLOTS,
                                 overload_wait_ms=100, overload_queue=SLOTS, overload_retry_after_seconds=2,
                                 threadpool_size=8)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(roster_app, "ROUTERS", [*roster_app.ROUTERS, slow_router])
        app = roster_app.create_app(settings)
    with serve_in_thread(app) as base:
        yield base, app


async def _timed(client: httpx.AsyncClient, path: str) -> tuple[httpx.Response, float]:
    start = time.perf_counter()
    response = await client.get(path)
    return response, time.perf_counter() - start


def test_a_crowd_is_shed_fast_health_answers_and_service_resumes(server: tuple[str, FastAPI]) -> None:
    base, app = server

    async def crowd() -> tuple[list[tuple[httpx.Response, float]], tuple[httpx.Response, float]]:
        limits = httpx.Limits(max_connections=CROWD + 5, max_keepalive_connections=CROWD + 5)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
            requests = [asyncio.create_task(_timed(client, "/api/roster/v1/test-slow")) for _ in range(CROWD)]
            await asyncio.sleep(0.3)  # the crowd is in: four running, the rest shed or about to be
            health = await _timed(client, "/api/roster/healthz")
            return await asyncio.gather(*requests), health

    answers, (health, health_seconds) = asyncio.run(crowd())

    assert health.status_code == 200 and health_seconds < 0.5
    ok = [seconds for response, seconds in answers if response.status_code == 200]
    shed = [(response, seconds) for response, seconds in answers if response.status_code == 503]
    assert len(ok) == SLOTS and len(shed) == CROWD - SLOTS
    assert all(seconds < SLOW_SECONDS for _, seconds in shed)  # fast: never queued behind the slow ones
    response = shed[0][0]
    assert response.headers["retry-after"] == "2"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["x-request-id"]  # shed inside the request-context middleware: logged and counted
    body = response.json()
    assert body["code"] == "overloaded" and body["status"] == 503 and body["message_zh"] and body["message_en"]

    gate = _gate(app)
    assert gate.in_flight == 0 and gate.shed == CROWD - SLOTS
    start = time.perf_counter()
    after = httpx.get(f"{base}/api/roster/v1/test-slow", timeout=10)
    assert after.status_code == 200 and time.perf_counter() - start < SLOW_SECONDS + 1.0


def _gate(app: FastAPI) -> Gate:
    from services.kernel.backpressure import BackpressureMiddleware

    layer = app.middleware_stack
    while layer is not None and not isinstance(layer, BackpressureMiddleware):
        layer = getattr(layer, "app", None)
    assert isinstance(layer, BackpressureMiddleware)
    return layer.gate


def test_a_freed_slot_goes_to_the_oldest_waiter_and_waits_are_bounded() -> None:
    async def scenario() -> None:
        gate = Gate(limit=1, max_waiters=2, wait_seconds=0.5)
        assert await gate.enter()
        first = asyncio.create_task(gate.enter())
        await asyncio.sleep(0.01)
        second = asyncio.create_task(gate.enter())
        await asyncio.sleep(0.01)
        assert not await gate.enter()  # two already waiting: shed at once
        gate.exit()
        assert await first and not second.done()
        gate.exit()
        assert await second
        gate.exit()
        assert gate.in_flight == 0
        assert await gate.enter()
        started = time.perf_counter()
        assert not await gate.enter()  # nobody frees the slot: shed after the wait
        assert 0.4 < time.perf_counter() - started < 1.0
        gate.exit()
        assert gate.in_flight == 0 and gate.shed == 2

    asyncio.run(scenario())


def test_settings_size_the_pool_to_the_threadpool(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path, threadpool_size=32)
    assert settings.in_flight_limit == 32 and settings.pool_size == 37
