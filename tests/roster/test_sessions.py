"""Short access tokens with a refresh token rotated on use and revocable, and signing keys rotated by kid
(issue 7, part 5)."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from services.kernel.auth import TokenVerifier
from services.kernel.errors import Unauthorized
from tests.conftest import embedded_settings
from tests.support.api import Api

TOKEN, REFRESH, LOGOUT = "/api/roster/v1/auth/token", "/api/roster/v1/auth/refresh", "/api/roster/v1/auth/logout"


def _sign_in(api: Api, username: str = "province") -> dict:
    response = api.client.post(TOKEN, data={"username": username, "password": "tucai-demo"})
    assert response.status_code == 200, response.text
    return response.json()


def test_access_tokens_are_short_and_come_with_a_refresh_token(embedded: Api) -> None:
    body = _sign_in(embedded)
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert body["expires_in"] == 30 * 60 and claims["exp"] - claims["iat"] == 30 * 60
    assert body["refresh_token"] and body["refresh_expires_in"] >= 86400


def test_a_refresh_token_works_once_and_its_reuse_revokes_the_family(embedded: Api) -> None:
    first = _sign_in(embedded)["refresh_token"]
    renewed = embedded.client.post(REFRESH, json={"refresh_token": first})
    assert renewed.status_code == 200, renewed.text
    second = renewed.json()["refresh_token"]
    assert second != first
    me = embedded.client.get("/api/roster/v1/me",
                             headers={"Authorization": f"Bearer {renewed.json()['access_token']}"})
    assert me.status_code == 200 and me.json()["username"] == "province"
    reused = embedded.client.post(REFRESH, json={"refresh_token": first})
    assert reused.status_code == 401 and reused.json()["code"] == "refresh_token_reused"
    # the thief's replay also ends the legitimate successor
    assert embedded.client.post(REFRESH, json={"refresh_token": second}).json()["code"] == "refresh_token_invalid"


def test_signing_out_revokes_the_refresh_token(embedded: Api) -> None:
    token = _sign_in(embedded)["refresh_token"]
    assert embedded.client.post(LOGOUT, json={"refresh_token": token}).status_code == 204
    response = embedded.client.post(REFRESH, json={"refresh_token": token})
    assert response.status_code == 401 and response.json()["code"] == "refresh_token_invalid"
    assert embedded.client.post(REFRESH, json={"refresh_token": "x" * 43}).status_code == 401


def test_students_get_a_refresh_token_too(embedded: Api) -> None:
    student = embedded.client.get("/api/roster/v1/auth/options").json()["demo_student"]
    body = embedded.client.post("/api/roster/v1/auth/student-token", json=student).json()
    renewed = embedded.client.post(REFRESH, json={"refresh_token": body["refresh_token"]})
    assert renewed.status_code == 200
    claims = jwt.decode(renewed.json()["access_token"], options={"verify_signature": False})
    assert claims["role"] == "student"


def _rotate_keys(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tucai keys rotate`, as the operator runs it."""
    from typer.testing import CliRunner

    from services.cli import app

    monkeypatch.setenv("TUCAI_DATA_DIR", str(data_dir))
    result = CliRunner().invoke(app, ["keys", "rotate"])
    assert result.exit_code == 0 and "new signing key" in result.output, result.output


def test_a_rotated_key_is_published_with_the_previous_one_whose_tokens_still_verify(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = embedded_settings(tmp_path)
    with TestClient(create_gateway(settings)) as client:
        old_token = client.post(TOKEN, data={"username": "province", "password": "tucai-demo"}).json()["access_token"]
        old_kid = jwt.get_unverified_header(old_token)["kid"]
    _rotate_keys(tmp_path, monkeypatch)
    with TestClient(create_gateway(settings)) as client:
        keys = client.get("/api/roster/v1/auth/jwks").json()["keys"]
        assert len(keys) == 2 and keys[1]["kid"] == old_kid and keys[0]["kid"] != old_kid
        new_token = client.post(TOKEN, data={"username": "province", "password": "tucai-demo"}).json()["access_token"]
        assert jwt.get_unverified_header(new_token)["kid"] == keys[0]["kid"]
        for token in (old_token, new_token):  # every service accepts both until the old one expires
            for path in ("/api/roster/v1/me", "/api/scheduling/v1/colleges"):
                response = client.get(path, headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 200, (path, response.text)
    _rotate_keys(tmp_path, monkeypatch)  # two rotations on: the first key is gone
    with TestClient(create_gateway(settings)) as client:
        assert old_kid not in {k["kid"] for k in client.get("/api/roster/v1/auth/jwks").json()["keys"]}
        response = client.get("/api/roster/v1/me", headers={"Authorization": f"Bearer {old_token}"})
        assert response.status_code == 401


@pytest.mark.anyio
async def test_an_expired_token_of_a_previous_key_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from services.kernel.auth import TokenIssuer
    from services.kernel.tenancy import Principal, Role

    old = TokenIssuer(Ed25519PrivateKey.generate(), "tucai-roster", -1)
    new = TokenIssuer(Ed25519PrivateKey.generate(), "tucai-roster", 600, [old.private_key.public_key()])

    async def keys() -> list[dict[str, str]]:
        return new.jwks

    verifier = TokenVerifier(keys, "tucai-roster")
    principal = Principal(subject="u1", role=Role.PROVINCE_REVIEWER, username="p")
    assert (await verifier.verify(new.issue(principal))).subject == "u1"
    expired = old.issue(principal)
    time.sleep(0.01)
    with pytest.raises(Unauthorized) as refused:
        await verifier.verify(expired)
    assert refused.value.code == "token_expired"
