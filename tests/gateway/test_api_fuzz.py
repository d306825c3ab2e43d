"""Schemathesis over every service's OpenAPI document (the ones the SPA's client is generated from): bounded
hostile and valid examples for every operation against a running embedded system. No 5xx, every response
matches its documented schema, and none may be stored by a browser or proxy (Cache-Control: no-store)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.support.processes import REPO, TUCAI, free_port

OPENAPI = REPO / "frontend" / "openapi"


@schemathesis.check
def never_stored(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Any API response may carry personal data (names, ID numbers, tokens): no cache may keep it."""
    directives = {d.strip() for value in response.headers.get("cache-control", []) for d in value.split(",")}
    if "no-store" not in directives:
        raise AssertionError(f"{case.operation.label} answered {response.status_code} with Cache-Control "
                             f"{response.headers.get('cache-control')}, not no-store")


CHECKS = [not_a_server_error, response_schema_conformance, never_stored]
EXAMPLES = 12


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    data = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    log = (data / "gateway.log").open("ab")
    proc = subprocess.Popen([TUCAI, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=REPO,
                            env={**os.environ, "TUCAI_DATA_DIR": str(data), "TUCAI_DEMO": "true",
                                 "TUCAI_SPA_DIR": str(data / "no-spa")}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/roster/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, (data / "gateway.log").read_text()[-3000:]
            time.sleep(0.2)
        tokens = {}
        for user in ("platform", "school10403"):
            response = httpx.post(f"{url}/api/roster/v1/auth/token", data={"username": user, "password": "tucai-demo"})
            tokens[user] = response.json()["access_token"]
        yield url, tokens
    finally:
        proc.terminate()
        proc.wait(20)


def _schema(service: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_path(str(OPENAPI / f"{service}.json"))


roster = _schema("roster")
scheduling = _schema("scheduling")
capture = _schema("capture")
payments = _schema("payments")

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def _run(case: schemathesis.Case, gateway: tuple[str, dict[str, str]], user: str) -> None:
    url, tokens = gateway
    case.call_and_validate(base_url=url, headers={"Authorization": f"Bearer {tokens[user]}"}, checks=CHECKS)


@roster.parametrize()
@FUZZ
def test_roster(case: schemathesis.Case, gateway: tuple[str, dict[str, str]]) -> None:
    _run(case, gateway, "school10403")


@scheduling.parametrize()
@FUZZ
def test_scheduling(case: schemathesis.Case, gateway: tuple[str, dict[str, str]]) -> None:
    _run(case, gateway, "platform")


@capture.parametrize()
@FUZZ
def test_capture(case: schemathesis.Case, gateway: tuple[str, dict[str, str]]) -> None:
    _run(case, gateway, "platform")


@payments.parametrize()
@FUZZ
def test_payments(case: schemathesis.Case, gateway: tuple[str, dict[str, str]]) -> None:
    _run(case, gateway, "platform")
