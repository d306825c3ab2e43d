"""What a browser and an attacker see of every response: security headers, no cached personal data, closed
operations endpoints outside demo mode, and a sign-in limit that a forged X-Forwarded-For does not escape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from services.kernel.security import SECURITY_HEADERS
from tests.conftest import embedded_settings
from tests.support.api import Api
from tests.support.processes import ServiceProcess

SERVICES = ("roster", "scheduling", "capture", "payments")


def _has_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.request.url)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_spa_and_every_api_response_carry_the_security_headers(embedded: Api) -> None:
    page = embedded.client.get("/")
    _has_security_headers(page)
    assert page.headers.get("cache-control") != "no-store"  # the SPA shell may be revalidated, not forbidden
    for response in (embedded.get("/api/roster/v1/students", "school10403"),
                     embedded.get("/api/roster/v1/students/me", "student10403"),
                     embedded.client.get("/api/roster/v1/nope"), embedded.client.get("/api/nowhere/x")):
        _has_security_headers(response)
        assert response.headers["cache-control"] == "no-store", response.request.url
    assert "strict-transport-security" not in page.headers  # plain HTTP: no HSTS


def test_the_served_spa_carries_the_security_headers_on_every_page(tmp_path: Path) -> None:
    """`/` as a browser gets it (the SPA built: index.html with its script, the phone's page, a bundle, a client-side
    route), each with the set; the pages are revalidated, never forbidden from caching, the bundles kept a year."""
    spa = tmp_path / "spa"
    (spa / "assets").mkdir(parents=True)
    (spa / "index.html").write_text('<!doctype html><script type="module" src="/assets/app.js"></script>')
    (spa / "m.html").write_text('<!doctype html><script type="module" src="/assets/m.js"></script>')
    (spa / "assets" / "app.js").write_text("console.log(1)")
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        for path, cache in (("/", "no-cache"), ("/m", "no-cache"), ("/students/42", "no-cache"),
                            ("/assets/app.js", "immutable")):
            response = client.get(path)
            assert response.status_code == 200, path
            _has_security_headers(response)
            assert cache in response.headers["cache-control"], (path, response.headers["cache-control"])
        assert "<script" in client.get("/").text  # the page itself, not the "not built" notice


def test_responses_with_personal_data_are_never_stored(embedded: Api) -> None:
    """JSON with ID numbers and names, a student's own record and pass, and the files: class lists, the reviewed
    list, capture passes and certificates as PDF. Each with the security headers and Cache-Control: no-store."""
    student = embedded.get("/api/roster/v1/students", "school10403").json()["items"][0]
    klass = student["class_id"]
    certificate = embedded.post(f"/api/roster/v1/students/{student['id']}/certificates", "school10403").json()
    responses = [
        embedded.get(f"/api/roster/v1/students/{student['id']}", "school10403"),  # the full ID number
        embedded.get(f"/api/roster/v1/students/{student['id']}/pass", "school10403"),
        embedded.get("/api/roster/v1/students/me/pass", "student10403"),
        embedded.get("/api/roster/v1/class-lists.xlsx", "school10403", params={"class_id": klass}),
        embedded.get("/api/roster/v1/reviewed-list.xlsx", "school10403", params={"term": "2026-06"}),
        embedded.get(f"/api/roster/v1/classes/{klass}/passes.pdf", "school10403"),
        embedded.get(f"/api/roster/v1/certificates/{certificate['number']}/pdf", "school10403"),
        embedded.get("/api/capture/v1/subjects", "photographer"),
        embedded.get("/api/payments/v1/payers", "school10403"),
        embedded.get("/api/scheduling/v1/classes", "school10403"),
    ]
    for response in responses:
        assert response.status_code == 200, (response.request.url, response.text[:200])
        _has_security_headers(response)
        assert response.headers["cache-control"] == "no-store", response.request.url


def test_hsts_is_sent_when_the_request_came_over_tls(tmp_path: Path) -> None:
    with TestClient(create_gateway(embedded_settings(tmp_path)), base_url="https://tucai.test") as client:
        assert client.get("/api/roster/healthz").headers["strict-transport-security"].startswith("max-age=")


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = embedded_settings(tmp_path_factory.mktemp("prod"), demo=False, metrics_token="scrape-secret-1")
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_and_api_docs_are_closed_outside_demo_mode(production: TestClient, service: str) -> None:
    assert production.get(f"/api/{service}/healthz").status_code == 200
    for path in ("openapi.json", "docs"):
        assert production.get(f"/api/{service}/{path}").status_code == 404
    refused = production.get(f"/api/{service}/metrics")
    assert refused.status_code == 403 and refused.json()["code"] == "metrics_forbidden"
    wrong = production.get(f"/api/{service}/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 403
    scraped = production.get(f"/api/{service}/metrics", headers={"Authorization": "Bearer scrape-secret-1"})
    assert scraped.status_code == 200 and "tucai_http_requests_total" in scraped.text


def _roster(tmp_path: Path, **env: str) -> ServiceProcess:
    process = ServiceProcess("roster", {"TUCAI_DATA_DIR": str(tmp_path), "TUCAI_DEMO": "true",
                                        "TUCAI_SIGNIN_ATTEMPTS_PER_WINDOW": "5", **env}, tmp_path)
    return process.start()


def _attempts(process: ServiceProcess, forwarded: list[str]) -> list[int]:
    statuses = []
    with httpx.Client(base_url=process.url, timeout=10) as client:
        for value in forwarded:
            response = client.post("/api/roster/v1/auth/token", data={"username": "school10403", "password": "x"},
                                   headers={"X-Forwarded-For": value})
            statuses.append(response.status_code)
    return statuses


@pytest.mark.system
def test_a_forged_forwarded_address_does_not_escape_the_sign_in_limit(tmp_path: Path) -> None:
    process = _roster(tmp_path)
    try:
        statuses = _attempts(process, [f"198.51.100.{i}" for i in range(12)])
        with httpx.Client(base_url=process.url) as client:
            assert "server" not in client.get("/api/roster/healthz").headers  # no "server: uvicorn"
    finally:
        process.stop()
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}, statuses


@pytest.mark.system
def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(tmp_path: Path) -> None:
    process = _roster(tmp_path, TUCAI_TRUSTED_PROXIES="127.0.0.1")
    try:
        # The attacker varies what it sends; the proxy appends the address it saw (the same every time).
        statuses = _attempts(process, [f"198.51.100.{i}, 203.0.113.7" for i in range(8)])
        other = _attempts(process, ["203.0.113.8"])
    finally:
        process.stop()
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}, statuses
    assert other == [401]  # another real client is not blocked by the first one's failures
