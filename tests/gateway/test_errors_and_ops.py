"""Every service answers failures with problem+json, requires a token on every business endpoint, and
exposes health, readiness and metrics; the gateway serves the SPA with a history fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from services.kernel.routing import ServiceRouter
from services.kernel.service import build_app
from services.kernel.settings import SERVICES
from tests.conftest import embedded_settings
from tests.support.api import Api

PUBLIC = {"/v1/auth/token", "/v1/auth/student-token", "/v1/auth/jwks", "/v1/auth/options", "/v1/auth/refresh",
          "/v1/auth/logout", "/healthz", "/readyz", "/metrics",
          "/v1/notify/wechat", "/v1/notify/alipay"}  # payments: the providers call these, signed (no token)


def _is_problem(response, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["message_zh"] and body["message_en"] and body["request_id"]


@pytest.mark.parametrize("service", SERVICES)
def test_unknown_paths_and_methods_are_problems(embedded: Api, service: str) -> None:
    _is_problem(embedded.client.get(f"/api/{service}/v1/no-such-thing"), 404, "not_found")
    _is_problem(embedded.client.delete(f"/api/{service}/healthz"), 405, "method_not_allowed")


def test_an_unknown_service_is_a_problem(embedded: Api) -> None:
    response = embedded.client.get("/api/nope/v1/x")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("service", SERVICES)
def test_every_business_endpoint_requires_a_token(embedded: Api, service: str) -> None:
    document = embedded.client.get(f"/api/{service}/openapi.json").json()
    prefix = f"/api/{service}"
    checked = 0
    for path, operations in document["paths"].items():
        if path.removeprefix(prefix) in PUBLIC:
            continue
        concrete = path
        for name in ("school_code", "student_id", "college_id", "job_id", "batch_id", "erratum_id", "number",
                     "coordinator_id"):
            concrete = concrete.replace("{" + name + "}", "x")
        for method in operations:
            response = embedded.client.request(method.upper(), concrete)
            _is_problem(response, 401, "not_authenticated")
            checked += 1
    assert checked > 0


def test_malformed_json_is_a_validation_problem(embedded: Api) -> None:
    response = embedded.client.post("/api/roster/v1/colleges", content=b"{not json",
                                    headers={**embedded.as_user("school10403"), "content-type": "application/json"})
    _is_problem(response, 422, "validation_failed")


def test_an_unexpected_failure_is_a_problem_without_internals(tmp_path: Path) -> None:
    from services.payments.app import spec

    boom = ServiceRouter()

    @boom.get("/v1/boom")
    def explode() -> None:
        raise RuntimeError("secret internals 3601021990")

    service = spec()
    service.routers = [boom]
    app = build_app(service, embedded_settings(tmp_path))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/payments/v1/boom")
    _is_problem(response, 500, "internal_error")
    assert "3601021990" not in response.text and "RuntimeError" not in response.text


@pytest.mark.parametrize("service", SERVICES)
def test_health_readiness_and_metrics(embedded: Api, service: str) -> None:
    assert embedded.client.get(f"/api/{service}/healthz").json()["status"] == "ok"
    ready = embedded.client.get(f"/api/{service}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "bus": True, "object_store": True}
    metrics = embedded.client.get(f"/api/{service}/metrics")
    assert metrics.status_code == 200
    assert f'tucai_outbox_pending{{service="{service}"}}' in metrics.text
    assert "tucai_http_requests_total" in metrics.text


def test_request_ids_are_echoed(embedded: Api) -> None:
    response = embedded.client.get("/api/roster/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    generated = embedded.client.get("/api/roster/healthz", headers={"X-Request-ID": "bad id!"})
    assert generated.headers["x-request-id"] != "bad id!" and len(generated.headers["x-request-id"]) == 32


def test_the_spa_is_served_with_a_history_fallback(tmp_path: Path) -> None:
    spa = tmp_path / "dist"
    (spa / "assets").mkdir(parents=True)
    (spa / "index.html").write_text("<!doctype html><title>图采</title>", encoding="utf-8")
    (spa / "assets" / "app-1234.js").write_text("console.log(1)")
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        assert "图采" in client.get("/").text
        assert "图采" in client.get("/school/colleges").text  # client-side route
        asset = client.get("/assets/app-1234.js")
        assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
        assert client.get("/../../etc/passwd").text.startswith("<!doctype html>")


def test_the_phone_entry_is_served_on_m_and_below(tmp_path: Path) -> None:
    """/m is the short stable path printed in the notices' QR codes: it and every /m/... route get the phone page
    (its own bundle), files under /m/ are files, and the console keeps its own page."""
    spa = tmp_path / "dist"
    (spa / "m" / "examples").mkdir(parents=True)
    (spa / "index.html").write_text("<!doctype html><title>console</title>", encoding="utf-8")
    (spa / "m.html").write_text("<!doctype html><title>phone</title>", encoding="utf-8")
    (spa / "m" / "examples" / "good.jpg").write_bytes(b"\xff\xd8jpeg")
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        for path in ("/m", "/m/", "/m/pay/result?order=1", "/m/proofread", "/m/rules"):
            page = client.get(path)
            assert page.status_code == 200 and "phone" in page.text, path
            assert page.headers["cache-control"] == "no-cache", path
        assert client.get("/m/examples/good.jpg").content == b"\xff\xd8jpeg"
        for path in ("/", "/students", "/makeup", "/mx", "/login"):
            assert "console" in client.get(path).text, path
        assert client.get("/m/../../etc/passwd").text.startswith("<!doctype html>")


def test_static_assets_are_compressed_and_cache_busted(tmp_path: Path) -> None:
    """Embedded as behind nginx: gzip for whoever accepts it, a year's cache for hashed assets, none for the
    page that names them."""
    spa = tmp_path / "dist"
    (spa / "assets").mkdir(parents=True)
    (spa / "index.html").write_text('<!doctype html><script src="/assets/app-1234.js"></script>', encoding="utf-8")
    script = "console.log('图采');\n" * 400
    (spa / "assets" / "app-1234.js").write_text(script, encoding="utf-8")
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        asset = client.get("/assets/app-1234.js", headers={"Accept-Encoding": "gzip"})
        assert asset.headers["content-encoding"] == "gzip" and "accept-encoding" in asset.headers["vary"].lower()
        assert int(asset.headers["content-length"]) < len(script.encode()) // 10
        assert asset.text == script  # the client undoes it
        assert "immutable" in asset.headers["cache-control"] and "max-age=31536000" in asset.headers["cache-control"]
        plain = client.get("/assets/app-1234.js", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.text == script
        index = client.get("/students", headers={"Accept-Encoding": "gzip"})
        assert index.headers["cache-control"] == "no-cache"
