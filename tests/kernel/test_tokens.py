"""Hostile tokens: signed with the real key but missing the claims that bound them, or carrying made-up key ids."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from services.gateway.app import Gateway, create_gateway
from services.kernel.auth import TokenIssuer, TokenVerifier
from services.kernel.errors import Unauthorized
from services.kernel.tenancy import Principal, Role
from tests.conftest import embedded_settings
from tests.support.api import Api

PATHS = ("/api/roster/v1/colleges", "/api/scheduling/v1/colleges", "/api/capture/v1/subjects",
         "/api/payments/v1/payers")


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Gateway, Path]]:
    data = tmp_path_factory.mktemp("tokens")
    gateway = create_gateway(embedded_settings(data))
    with TestClient(gateway, raise_server_exceptions=False) as client:
        yield Api(client), gateway, data


def _signed(data: Path, claims: dict[str, Any], kid: str) -> str:
    key = serialization.load_pem_private_key((data / "keys" / "jwt-ed25519.pem").read_bytes(), password=None)
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})  # type: ignore[arg-type]


@pytest.mark.parametrize("missing", ["exp", "iat", "aud", "iss", "sub"])
def test_a_token_signed_with_the_real_key_but_missing_a_bounding_claim_is_refused(
        system: tuple[Api, Gateway, Path], missing: str) -> None:
    api, _, data = system
    genuine = api.token("school10403")
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = jwt.get_unverified_header(genuine)["kid"]
    # The genuine claims re-signed work: the test can tell a refused claim set from a broken signer.
    assert api.client.get(PATHS[0], headers={"Authorization": f"Bearer {_signed(data, claims, kid)}"}
                          ).status_code == 200
    claims.pop(missing)
    token = _signed(data, claims, kid)
    for path in PATHS:
        response = api.client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (path, response.text)
        assert response.json()["code"] == "invalid_token"


def test_an_expired_token_is_refused_with_its_own_code(system: tuple[Api, Gateway, Path]) -> None:
    api, _, data = system
    genuine = api.token("province")
    claims = {**jwt.decode(genuine, options={"verify_signature": False}), "exp": int(time.time()) - 5}
    token = _signed(data, claims, jwt.get_unverified_header(genuine)["kid"])
    response = api.client.get(PATHS[1], headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_made_up_key_ids_do_not_turn_into_a_flood_of_key_set_fetches(system: tuple[Api, Gateway, Path]) -> None:
    api, gateway, data = system
    genuine = api.token("school10403")
    claims = jwt.decode(genuine, options={"verify_signature": False})
    verifier = gateway.apps["scheduling"].state.verifier
    assert api.client.get(PATHS[1], headers=api.as_user("school10403")).status_code == 200
    before = verifier.fetches
    for i in range(50):
        token = _signed(data, claims, f"made-up-{i}")
        response = api.client.get(PATHS[1], headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
    assert verifier.fetches - before <= 1


def _issuer_and_verifier(ttl: int = 600, **options: Any) -> tuple[TokenIssuer, TokenVerifier]:
    issuer = TokenIssuer(Ed25519PrivateKey.generate(), "tucai-roster", ttl)

    async def keys() -> list[dict[str, str]]:
        return issuer.jwks

    return issuer, TokenVerifier(keys, "tucai-roster", **options)


STUDENT = Principal(subject="s1", role=Role.STUDENT, username="2023090101", province="36", school="10403",
                    subject_key="k1")


@pytest.mark.anyio
async def test_a_token_seen_again_is_not_checked_again_but_a_changed_one_is() -> None:
    issuer, verifier = _issuer_and_verifier()
    token = issuer.issue(STUDENT)
    assert await verifier.verify(token) == STUDENT
    assert await verifier.verify(token) == STUDENT
    assert verifier.signature_checks == 1
    head, body, signature = token.split(".")
    forged = ".".join((head, body, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")))
    for hostile in (forged, token + " ", token[:-1]):
        with pytest.raises(Unauthorized) as refused:
            await verifier.verify(hostile)
        assert refused.value.code == "invalid_token"
    with pytest.raises(Unauthorized):  # a refusal is not remembered as anything
        await verifier.verify(forged)
    assert await verifier.verify(token) == STUDENT


@pytest.mark.anyio
async def test_a_remembered_token_is_refused_once_it_expires() -> None:
    issuer, verifier = _issuer_and_verifier(ttl=1)
    token = issuer.issue(STUDENT)
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert await verifier.verify(token) == STUDENT
    while time.time() < exp:  # the token's own second runs out (at most ~1 s)
        await anyio.sleep(0.05)
    with pytest.raises(Unauthorized) as refused:
        await verifier.verify(token)
    assert refused.value.code == "token_expired"


@pytest.mark.anyio
async def test_the_cache_answers_only_before_exp_and_forgets_the_oldest_beyond_its_size() -> None:
    now = [time.time()]
    issuer, verifier = _issuer_and_verifier(cache_size=2, clock=lambda: now[0])
    first, second, third = (issuer.issue(Principal(subject=f"u{i}", role=Role.STUDENT)) for i in range(3))
    for token in (first, second, third):
        await verifier.verify(token)
    assert verifier.signature_checks == 3
    await verifier.verify(third)
    assert verifier.signature_checks == 3
    await verifier.verify(first)  # forgotten (the oldest of three with room for two): checked again
    assert verifier.signature_checks == 4
    now[0] += 601  # past every exp by the cache's clock: nothing is answered from memory
    assert await verifier.verify(third) == Principal(subject="u2", role=Role.STUDENT)  # valid by PyJWT's clock
    assert verifier.signature_checks == 5
