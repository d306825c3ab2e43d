"""A crowd beyond a service's capacity is shed at once with 503 + Retry-After instead of queueing into a
30-second pool timeout: a real uvicorn server, a route that holds its thread until the test lets it go, four
slots. "At once" is shown by order, not by a clock: every shed answer arrives while the slots are still held."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.kernel.backpressure import Gate
from services.kernel.routing import ServiceRouter
from services.roster import app as roster_app
from tests.conftest import embedded_settings
from tests.support.processes import serve_in_thread

SLOTS = 4
CROWD = 40

slow_router = ServiceRouter()
release = threading.Event()


@slow_router.get("/v1/test-slow")
def slow() -> dict[str, bool]:
    # A sync route: holds a worker thread (and would hold a connection) until the test releases it.
    assert release.wait(30), "the test never released the slow requests"
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


def test_a_crowd_is_shed_at_once_health_answers_and_service_resumes(server: tuple[str, FastAPI]) -> None:
    base, app = server
    gate = _gate(app)
    release.clear()

    async def crowd() -> tuple[list[httpx.Response], list[httpx.Response], httpx.Response]:
        limits = httpx.Limits(max_connections=CROWD + 5, max_keepalive_connections=CROWD + 5)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
            requests = [asyncio.create_task(client.get("/api/roster/v1/test-slow")) for _ in range(CROWD)]
            # The slow requests cannot finish before release: whatever comes back first was shed at once.
            while sum(task.done() for task in requests) < CROWD - SLOTS:
                await asyncio.sleep(0.02)
            early = [task.result() for task in requests if task.done()]
            assert gate.in_flight == SLOTS
            health = await client.get("/api/roster/healthz")  # answered while the slots are held
            release.set()
            return early, list(await asyncio.gather(*requests)), health

    early, answers, health = asyncio.run(crowd())

    assert health.status_code == 200
    assert [r.status_code for r in early] == [503] * len(early)
    ok = [response for response in answers if response.status_code == 200]
    shed = [response for response in answers if response.status_code == 503]
    assert len(ok) == SLOTS and len(shed) == CROWD - SLOTS
    response = shed[0]
    assert response.headers["retry-after"] == "2"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["x-request-id"]  # shed inside the request-context middleware: logged and counted
    body = response.json()
    assert body["code"] == "overloaded" and body["status"] == 503 and body["message_zh"] and body["message_en"]

    assert gate.in_flight == 0 and gate.shed == CROWD - SLOTS
    after = httpx.get(f"{base}/api/roster/v1/test-slow", timeout=10)
    assert after.status_code == 200


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
        assert time.perf_counter() - started >= 0.4  # it waited its bound before shedding
        gate.exit()
        assert gate.in_flight == 0 and gate.shed == 2

    asyncio.run(scenario())


def test_settings_size_the_pool_to_the_threadpool(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path, threadpool_size=32)
    assert settings.in_flight_limit == 32 and settings.pool_size == 37
