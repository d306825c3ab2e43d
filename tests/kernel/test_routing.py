"""Where a request's unit of work ends: a sync route of a ServiceRouter commits (or rolls back) in its own worker
thread, before the response is sent; an async route's ends after it; a router of another kind is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from services.kernel.errors import Conflict, TucaiError
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW, build_app
from tests.conftest import embedded_settings

seen: dict[str, Any] = {}


class Echo(BaseModel):
    value: int = Field(serialization_alias="theValue")


router = ServiceRouter(prefix="/v1/t")


def _watch(uow: Any, name: str) -> None:
    seen[name] = {"route_thread": threading.get_ident(), "committed_in": None}
    uow.after_commit(lambda: seen[name].__setitem__("committed_in", threading.get_ident()))


@router.post("/ok", response_model=Echo)
def ok(uow: UoW) -> dict[str, int]:
    _watch(uow, "ok")
    return {"value": 7, "ignored": 1}


@router.post("/refused")
def refused(uow: UoW) -> None:
    _watch(uow, "refused")
    raise Conflict("test_refused", "请求被拒绝", "Refused")


@router.post("/kept")
def kept(uow: UoW) -> None:
    _watch(uow, "kept")
    raise TucaiError("test_kept", "已记录", "Kept", status=403, keep_changes=True)


@router.post("/async")
async def in_loop(uow: UoW) -> dict[str, bool]:
    seen["async"] = {"route_thread": threading.get_ident(), "committed_in": None}
    uow.after_commit(lambda: seen["async"].__setitem__("committed_in", threading.get_ident()))
    return {"ok": True}


@router.post("/bad-response", response_model=Echo)
def bad_response(uow: UoW) -> dict[str, str]:
    return {"value": "not a number"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from services.payments.app import spec

    service = spec()
    service.routers = [router]
    app = build_app(service, embedded_settings(tmp_path_factory.mktemp("routing"), demo=False))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_sync_route_commits_in_its_own_thread_and_answers_its_model(client: TestClient) -> None:
    response = client.post("/api/payments/v1/t/ok")
    assert response.status_code == 200
    assert response.json() == {"theValue": 7}  # validated against the model, dumped by alias
    assert seen["ok"]["committed_in"] == seen["ok"]["route_thread"]
    assert seen["ok"]["route_thread"] != threading.get_ident()


def test_a_refusal_rolls_back_and_a_kept_refusal_commits(client: TestClient) -> None:
    refused = client.post("/api/payments/v1/t/refused")
    assert (refused.status_code, refused.json()["code"]) == (409, "test_refused")
    assert seen["refused"]["committed_in"] is None
    kept = client.post("/api/payments/v1/t/kept")
    assert (kept.status_code, kept.json()["code"]) == (403, "test_kept")
    assert seen["kept"]["committed_in"] == seen["kept"]["route_thread"]


def test_an_async_route_commits_after_it_returns_off_the_event_loop(client: TestClient) -> None:
    assert client.post("/api/payments/v1/t/async").json() == {"ok": True}
    assert seen["async"]["committed_in"] not in (None, seen["async"]["route_thread"])


def test_a_response_that_does_not_fit_its_model_is_a_problem(client: TestClient) -> None:
    response = client.post("/api/payments/v1/t/bad-response")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"


def test_only_service_routers_are_accepted(tmp_path: Path) -> None:
    from services.payments.app import spec

    service = spec()
    service.routers = [APIRouter()]  # type: ignore[list-item]
    with pytest.raises(TypeError, match="ServiceRouter"):
        build_app(service, embedded_settings(tmp_path, demo=False))


def test_routers_are_told_apart_by_path_and_method_errors_stay_what_they_were(client: TestClient) -> None:
    # /v1/t/… is skipped by the kernel's routers at once; a route met with the wrong method is still a 405, a path
    # no router has a 404, and a trailing slash still finds its route.
    assert client.get("/api/payments/v1/t/ok").status_code == 405
    assert client.post("/api/payments/v1/nothing/here").status_code == 404
    assert client.get("/api/payments/healthz").json()["status"] == "ok"
    assert client.post("/api/payments/v1/t/ok/", follow_redirects=True).json() == {"theValue": 7}
