"""TUCAI_BODY_LIMITS sets one endpoint's upload cap by its operationId (as the OpenAPI document and the generated
client name it): that endpoint answers 413 problem+json one byte past the cap, every other endpoint keeps its own
cap, and a setting that names no endpoint stops the service from starting instead of being ignored. Photo uploads
take what a camera writes (the 25 MB the photo checks allow), not the 1 MiB default of JSON endpoints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from tests.conftest import embedded_settings
from tests.support.api import Api

CAP = 600  # bytes, for POST /api/roster/v1/colleges (operationId directory-create_college)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = embedded_settings(tmp_path_factory.mktemp("limits"),
                                 body_limits=json.dumps({"directory-create_college": CAP}))
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
        yield Api(client)


def _json_of(size: int, **fields: str) -> bytes:
    """A JSON object of exactly `size` bytes: the fields, padded with blanks before the closing brace."""
    body = json.dumps(fields, ensure_ascii=False).encode()
    assert len(body) <= size
    return body[:-1] + b" " * (size - len(body)) + b"}"


def _post(api: Api, path: str, body: bytes) -> object:
    return api.client.post(path, content=body, headers={**api.as_user("school10403"),
                                                         "Content-Type": "application/json"})


def test_the_configured_endpoint_takes_its_cap_and_not_a_byte_more(api: Api) -> None:
    at_cap = _post(api, "/api/roster/v1/colleges", _json_of(CAP, code="LIMIT1", name="限额学院"))
    assert at_cap.status_code == 201, at_cap.text  # type: ignore[attr-defined]
    over = _post(api, "/api/roster/v1/colleges", _json_of(CAP + 1, code="LIMIT2", name="超限学院"))
    assert over.status_code == 413  # type: ignore[attr-defined]
    assert over.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert over.json()["code"] == "payload_too_large"  # type: ignore[attr-defined]
    names = {c["name"] for c in api.get("/api/roster/v1/colleges", "school10403").json()["items"]}
    assert "限额学院" in names and "超限学院" not in names  # nothing of the refused request was written


def test_another_endpoint_keeps_the_default(api: Api) -> None:
    college = next(c for c in api.get("/api/roster/v1/colleges", "school10403").json()["items"])
    response = _post(api, "/api/roster/v1/classes", _json_of(64 * 1024, college_id=college["id"], code="LIMIT3"))
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    too_big = _post(api, "/api/roster/v1/classes", _json_of(2**20 + 1, college_id=college["id"], code="LIMIT4"))
    assert too_big.status_code == 413  # type: ignore[attr-defined]


def test_a_photo_as_large_as_a_camera_writes_is_read(api: Api) -> None:
    # Not a real JPEG: the route reads it and its checks answer, where the default cap would have refused it unread.
    data = b"\xff\xd8\xff\xe0" + b"\x00" * (8 * 2**20) + b"\xff\xd9"
    response = api.post("/api/capture/v1/checkins/nope/photos", "photographer",
                        files={"file": ("big.jpg", data, "image/jpeg")})
    assert response.status_code != 413, response.text
    assert response.json()["code"] != "payload_too_large"
    over = api.post("/api/capture/v1/checkins/nope/photos", "photographer",
                    files={"file": ("huge.jpg", b"\xff" * (26 * 2**20), "image/jpeg")})
    assert over.status_code == 413


def test_a_cap_for_an_endpoint_that_does_not_exist_stops_the_start(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path, body_limits=json.dumps({"imports-upload_rostr": 10}))
    with pytest.raises(ValueError, match="imports-upload_rostr"):
        create_gateway(settings)
