"""Response headers every Tucai response carries, from the services and the embedded gateway alike (nginx sends
the same set in the distributed deployment: deploy/nginx/nginx.conf; a test keeps the two in step).

Token storage: the SPA keeps its access token in localStorage, which a script injected into the page could read.
The defence is that no injected script can run: the CSP below allows scripts only from our own origin (Vite emits
no inline script), no objects, no framing, no foreign connections; responses with personal data are never cached."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# antd (CSS-in-JS) writes <style> elements at run time: styles need 'unsafe-inline'; scripts do not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def _encoded(api: bool, tls: bool) -> tuple[tuple[bytes, bytes], ...]:
    wanted = dict(SECURITY_HEADERS)
    if api:
        wanted["Cache-Control"] = "no-store"
    if tls:
        wanted["Strict-Transport-Security"] = HSTS
    return tuple((name.lower().encode(), value.encode()) for name, value in wanted.items())


# (an API path, over TLS) -> the headers to add where the response has not set them, encoded once.
_WANTED = {(api, tls): _encoded(api, tls) for api in (False, True) for tls in (False, True)}


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS where a response has not set them; API responses (`/api/…`) default to
    `Cache-Control: no-store` (they carry personal data; a route that serves cacheable content says so itself);
    HSTS only when the request came over TLS (directly or as the trusted proxy reports it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = _WANTED[(str(scope.get("path", "")).startswith("/api/"), scope.get("scheme") == "https")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in wanted if header[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
