"""Calls from one service to another. Embedded: through the other app in this process (httpx ASGI
transport); distributed: over HTTP to its URL. The calling code is the same."""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp


def make_client(service: str, base_url: str | None, local_app: ASGIApp | None, timeout: float = 10.0
                ) -> httpx.AsyncClient:
    if base_url:
        return httpx.AsyncClient(base_url=base_url, timeout=timeout)
    if local_app is None:
        raise RuntimeError(f"no URL configured for {service} and it is not running in this process; "
                           f"set TUCAI_{service.upper()}_URL")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=local_app), base_url=f"http://{service}",
                             timeout=timeout)
