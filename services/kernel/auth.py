"""Tokens: roster signs EdDSA JWTs with its private key and publishes the public half as a JWKS;
every service verifies with that key set and turns the claims into a Principal."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from services.kernel.errors import Forbidden, Unauthorized
from services.kernel.tenancy import Principal, Role

AUDIENCE = "tucai"
ALGORITHM = "EdDSA"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def load_or_create_private_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw), "alg": ALGORITHM, "use": "sig",
            "kid": hashlib.sha256(raw).hexdigest()[:16]}


def previous_key_path(path: Path) -> Path:
    """Where the key before the current one is kept after a rotation."""
    return path.with_name(path.stem + ".previous" + path.suffix)


def rotate_private_key(path: Path) -> Ed25519PrivateKey:
    """Make a new signing key current; the old one becomes the previous key, still published in the JWKS so the
    tokens it signed verify until they expire (restart the services to pick the new key up)."""
    if path.exists():
        previous = previous_key_path(path)
        previous.write_bytes(path.read_bytes())
        previous.chmod(0o600)
        path.unlink()
    return load_or_create_private_key(path)


def load_previous_public_keys(path: Path) -> list[Ed25519PublicKey]:
    previous = previous_key_path(path)
    return [load_or_create_private_key(previous).public_key()] if previous.exists() else []


@dataclass
class TokenIssuer:
    private_key: Ed25519PrivateKey
    issuer: str
    ttl_seconds: int
    previous_keys: list[Ed25519PublicKey] = field(default_factory=list)

    @property
    def jwk(self) -> dict[str, str]:
        return public_jwk(self.private_key.public_key())

    @property
    def jwks(self) -> list[dict[str, str]]:
        """The current key first, then the previous ones: tokens they signed verify until they expire."""
        current = self.jwk
        return [current, *(k for k in map(public_jwk, self.previous_keys) if k["kid"] != current["kid"])]

    def issue(self, principal: Principal, extra: dict[str, Any] | None = None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": principal.subject, "role": principal.role.value, "usr": principal.username,
            "prov": principal.province, "sch": principal.school, "col": principal.college, "cls": principal.klass,
            "skey": principal.subject_key,
            "iss": self.issuer, "aud": AUDIENCE, "iat": now, "exp": now + self.ttl_seconds,
        }
        claims.update(extra or {})
        return self.sign(claims)

    def sign(self, claims: dict[str, Any]) -> str:
        """Exactly these claims, signed with the current key (EdDSA: the same claims give the same token)."""
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.jwk["kid"]})


KeySetLoader = Callable[[], Awaitable[list[dict[str, str]]]]


# Claims a token must carry: PyJWT checks exp/aud/iss only when present unless they are required.
REQUIRED_CLAIMS = ["exp", "iat", "aud", "iss", "sub"]
# At most one key-set fetch per this many seconds for kids we do not know: a flood of tokens with made-up kids
# must not turn into a flood of JWKS requests to roster.
JWKS_REFETCH_SECONDS = 30.0
# Verified tokens remembered per process (a student's page sends the same token with every call; an EdDSA check
# and the JWT parsing were about a quarter of a request's CPU). Bounded: the oldest is forgotten first.
VERIFIED_CACHE_SIZE = 10_000


class TokenVerifier:
    """Verifies tokens against a key set fetched on first use and again when an unknown kid shows up (a rotated
    key), at most once per JWKS_REFETCH_SECONDS."""

    def __init__(self, load_keys: KeySetLoader, issuer: str, *, refetch_seconds: float = JWKS_REFETCH_SECONDS,
                 cache_size: int = VERIFIED_CACHE_SIZE, clock: Callable[[], float] = time.time) -> None:
        self._load_keys = load_keys
        self._issuer = issuer
        self._keys: dict[str, Any] = {}
        self._refetch_seconds = refetch_seconds
        self._fetched_at: float | None = None
        self.fetches = 0
        # SHA-256 of a token that verified → (its principal, its exp). Sound because an access token, once valid,
        # stays valid until its exp: nothing revokes one (sign-out and a reused refresh token revoke the refresh
        # family; the access token runs out within TUCAI_ACCESS_TOKEN_MINUTES) and keys are never dropped from
        # this verifier while it lives. Failures are not remembered, so a token that is not yet valid is checked
        # again; a hit past its exp is forgotten and checked again (and refused as expired).
        self._verified: OrderedDict[bytes, tuple[Principal, float]] = OrderedDict()
        self._cache_size = cache_size
        self._clock = clock
        self.signature_checks = 0

    async def _key_for(self, kid: str) -> Any:
        if kid not in self._keys and self._may_fetch():
            self._fetched_at = time.monotonic()
            self.fetches += 1
            for jwk in await self._load_keys():
                self._keys[jwk["kid"]] = jwt.PyJWK(jwk).key
        return self._keys.get(kid)

    def _may_fetch(self) -> bool:
        return self._fetched_at is None or time.monotonic() - self._fetched_at >= self._refetch_seconds

    async def verify(self, token: str) -> Principal:
        digest = hashlib.sha256(token.encode()).digest()
        remembered = self._verified.get(digest)
        if remembered is not None:
            principal, expires = remembered
            if self._clock() < expires:  # PyJWT's rule: expired once exp <= now
                self._verified.move_to_end(digest)
                return principal
            del self._verified[digest]
        principal, expires = await self._verify_signed(token)
        self._verified[digest] = (principal, expires)
        if len(self._verified) > self._cache_size:
            self._verified.popitem(last=False)
        return principal

    async def _verify_signed(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
            key = await self._key_for(str(header.get("kid", "")))
            if key is None:
                raise jwt.InvalidTokenError("unknown key")
            self.signature_checks += 1
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=self._issuer,
                                options={"require": REQUIRED_CLAIMS})
            principal = Principal(subject=claims["sub"], role=Role(claims["role"]), username=claims.get("usr", ""),
                                  province=claims.get("prov"), school=claims.get("sch"), college=claims.get("col"),
                                  klass=claims.get("cls"), subject_key=claims.get("skey"))
            return principal, float(claims["exp"])
        except jwt.ExpiredSignatureError as exc:
            raise _unauthorized("token_expired", "登录已过期，请重新登录", "The token has expired") from exc
        except (jwt.InvalidTokenError, KeyError, ValueError) as exc:
            raise _unauthorized("invalid_token", "登录凭证无效，请重新登录", "The token is invalid") from exc


def _unauthorized(code: str, zh: str, en: str) -> Unauthorized:
    return Unauthorized(code, zh, en, headers={"WWW-Authenticate": "Bearer"})


oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/roster/v1/auth/token", auto_error=False)


async def authenticate(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    if not token:
        raise _unauthorized("not_authenticated", "请先登录", "Authentication is required")
    verifier: TokenVerifier = request.app.state.verifier
    principal = await verifier.verify(token)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]

# Dependencies that refuse a request without a valid bearer token: a route using one is refused before its body
# is read (services.kernel.limits). A route that also takes signed service calls reads the scheme itself.
_TOKEN_DEPENDENCIES: set[Callable[..., Any]] = {authenticate}


def requires_token(call: Callable[..., Any] | None) -> bool:
    return call in _TOKEN_DEPENDENCIES


def require_roles(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    allowed = frozenset(roles)

    # Takes the token itself rather than CurrentPrincipal: one dependency fewer for FastAPI to solve on every
    # request (the same OpenAPI security scheme), about a tenth of a student's hot read.
    async def dependency(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
        principal = await authenticate(request, token)
        if principal.role not in allowed and principal.role != Role.PLATFORM_ADMIN:
            raise Forbidden("role_not_allowed", "当前角色无权执行此操作", "Your role may not do this")
        return principal

    _TOKEN_DEPENDENCIES.add(dependency)
    return dependency


def jwks_document(jwks: list[dict[str, str]]) -> str:
    return json.dumps({"keys": jwks})
