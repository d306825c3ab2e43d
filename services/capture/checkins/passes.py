"""Verifies roster's capture passes: EdDSA JWTs signed with roster's token key, audience "tucai-capture-pass",
carrying only the pseudonymous subject key. Capture checks them with roster's published JWKS, so it never needs
a shared secret nor sees an ID number.

The key cache mirrors the kernel's TokenVerifier (which only verifies API tokens of audience "tucai"); when the
kernel exposes a verifier for other audiences this class becomes a thin wrapper of it."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import jwt

from services.kernel.errors import TucaiError
from services.kernel.runtime import Runtime

PASS_AUDIENCE = "tucai-capture-pass"
PASS_TYPE = "capture_pass"
REFETCH_SECONDS = 30.0

KeyLoader = Callable[[], Awaitable[list[dict[str, str]]]]


@dataclass(frozen=True)
class PassClaims:
    subject_key: str
    school_code: str | None
    province_code: str | None


def pass_invalid() -> TucaiError:
    return TucaiError("pass_invalid", "采集凭证无效（二维码无法验证，可能被篡改）",
                      "The capture pass is invalid (it does not verify; it may be forged)", status=422)


def pass_expired() -> TucaiError:
    return TucaiError("pass_expired", "采集凭证已过期，请学生重新获取", "The capture pass has expired", status=422)


def roster_jwks(runtime: Runtime) -> KeyLoader:
    async def load() -> list[dict[str, str]]:
        async with runtime.client("roster") as client:
            response = await client.get("/api/roster/v1/auth/jwks")
            response.raise_for_status()
            return list(response.json()["keys"])

    return load


class PassVerifier:
    def __init__(self, load_keys: KeyLoader, issuer: str) -> None:
        self._load_keys = load_keys
        self._issuer = issuer
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None

    async def _key(self, kid: str) -> Any:
        # An unknown kid refetches (a rotated key), but at most every REFETCH_SECONDS: forged passes with made-up
        # kids must not become a flood of requests to roster.
        stale = self._fetched_at is None or time.monotonic() - self._fetched_at >= REFETCH_SECONDS
        if kid not in self._keys and stale:
            self._fetched_at = time.monotonic()
            for jwk in await self._load_keys():
                self._keys[jwk["kid"]] = jwt.PyJWK(jwk).key
        return self._keys.get(kid)

    async def verify(self, token: str) -> PassClaims:
        try:
            key = await self._key(str(jwt.get_unverified_header(token).get("kid", "")))
            if key is None:
                raise pass_invalid()
            claims = jwt.decode(token, key, algorithms=["EdDSA"], audience=PASS_AUDIENCE, issuer=self._issuer,
                                options={"require": ["exp", "aud", "iss", "sub"]})
        except jwt.ExpiredSignatureError:
            raise pass_expired() from None
        except (jwt.InvalidTokenError, KeyError, ValueError):
            raise pass_invalid() from None
        if claims.get("typ") != PASS_TYPE:
            raise pass_invalid()
        return PassClaims(subject_key=str(claims["sub"]), school_code=claims.get("sch"),
                          province_code=claims.get("prov"))
