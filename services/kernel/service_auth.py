"""Signed calls between services, for the few endpoints no user token can drive (a job running in the
background asks another service for something). The caller signs method, path, body and time with a key derived
from the deployment's link-signing secret (every service process already holds it: TUCAI_SIGNING_SECRET); the
callee checks the signature, that the time is within a short window and that the calling service is one it
serves. The derivation label keeps these signatures apart from signed download links made with the same secret.

A replay inside the window repeats the same read; endpoints behind this are reads, so it gains nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Collection, Mapping

from services.kernel.errors import Unauthorized

SERVICE_HEADER = "X-Tucai-Service"
TIME_HEADER = "X-Tucai-Timestamp"
SIGNATURE_HEADER = "X-Tucai-Signature"
WINDOW_SECONDS = 60
_LABEL = b"tucai service call v1"


def _key(signing_key: bytes) -> bytes:
    return hmac.new(signing_key, _LABEL, hashlib.sha256).digest()


def _mac(signing_key: bytes, service: str, at: str, method: str, path: str, body: bytes) -> str:
    message = b"\n".join([service.encode(), at.encode(), method.upper().encode(), path.encode(),
                          hashlib.sha256(body).hexdigest().encode()])
    return hmac.new(_key(signing_key), message, hashlib.sha256).hexdigest()


def sign(signing_key: bytes, service: str, method: str, path: str, body: bytes, at: int | None = None
         ) -> dict[str, str]:
    """Headers that prove the call comes from `service` of this deployment."""
    stamp = str(int(time.time()) if at is None else at)
    return {SERVICE_HEADER: service, TIME_HEADER: stamp,
            SIGNATURE_HEADER: _mac(signing_key, service, stamp, method, path, body)}


def is_service_call(headers: Mapping[str, str]) -> bool:
    return SERVICE_HEADER in headers or SIGNATURE_HEADER in headers


def verify(signing_key: bytes, headers: Mapping[str, str], method: str, path: str, body: bytes,
           allowed: Collection[str], now: float | None = None) -> str:
    """The calling service's name; Unauthorized unless the signature, the time window and the caller check."""
    service = headers.get(SERVICE_HEADER, "")
    stamp = headers.get(TIME_HEADER, "")
    signature = headers.get(SIGNATURE_HEADER, "")
    current = time.time() if now is None else now
    if not (stamp.isdigit() and len(stamp) <= 12 and abs(current - int(stamp)) <= WINDOW_SECONDS):
        raise Unauthorized("service_call_expired", "服务间调用已过期", "The service call is outside its time window")
    expected = _mac(signing_key, service, stamp, method, path, body)
    if service not in allowed or not hmac.compare_digest(expected, signature):
        raise Unauthorized("service_call_invalid", "服务间调用签名无效", "The service call signature is invalid")
    return service
