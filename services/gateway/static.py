"""The built SPA as the embedded gateway serves it, as nginx does in the distributed mode: a file's precompressed
variant (`x.js.br`, `x.js.gz`, written beside it at build time by frontend/build/precompress.ts) to a client that
accepts that encoding, the plain file otherwise; `Vary: Accept-Encoding` on every response that could differ.
Hashed names under /assets/ are the cache-busting (cached a year); every other path is cached `no-cache`."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.responses import FileResponse, HTMLResponse
from starlette.types import ASGIApp

# Preference order when the client accepts several with the same weight: Brotli is 10–20 % smaller than gzip.
ENCODINGS: tuple[tuple[str, str], ...] = (("br", ".br"), ("gzip", ".gz"))
YEAR = "public, max-age=31536000, immutable"


def accepted_encodings(header: str) -> dict[str, float]:
    """`Accept-Encoding` as {coding: q}. Malformed weights count as 0 (not accepted), never as an error."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                q = q if 0.0 <= q <= 1.0 else 0.0
        weights[name] = q
    return weights


def choose_encoding(header: str, available: list[str]) -> str | None:
    """The encoding to send among `available` (in preference order), or None for the plain file."""
    weights = accepted_encodings(header)
    best: tuple[float, str] | None = None
    for coding in available:
        q = weights.get(coding, weights.get("*", 0.0))
        if q > 0 and (best is None or q > best[0]):
            best = (q, coding)
    return best[1] if best else None


def spa_response(root: Path, path: str, accept_encoding: str) -> ASGIApp:
    """The response for `path` of the SPA at `root`: the file, the phone's page (m.html) for /m and /m/…, or
    index.html for a client-side route of the consoles."""
    root = root.resolve()
    index = root / "index.html"
    if not index.exists():
        return HTMLResponse("<h1>图采 Tucai</h1><p>前端尚未构建：请运行 <code>make run</code>。</p>", 503)
    candidate = (root / path.lstrip("/")).resolve()
    if candidate.is_file() and candidate.is_relative_to(root):
        return _file(candidate, YEAR if "/assets/" in path else "no-cache", accept_encoding)
    # The student's phone entry: its own page and bundle, without the console's antd.
    mobile = root / "m.html"
    if (path == "/m" or path.startswith("/m/")) and mobile.exists():
        return _file(mobile, "no-cache", accept_encoding)
    return _file(index, "no-cache", accept_encoding)


def precompressed(response: ASGIApp) -> bool:
    """Whether `response` is a file with build-time variants (it chose its encoding already)."""
    return isinstance(response, FileResponse) and "vary" in response.headers


def _file(file: Path, cache: str, accept_encoding: str) -> FileResponse:
    headers = {"Cache-Control": cache}
    variants = {coding: file.with_name(file.name + suffix) for coding, suffix in ENCODINGS}
    available = [coding for coding, variant in variants.items() if variant.is_file()]
    if not available:
        return FileResponse(file, headers=headers)  # the gateway's GZipMiddleware may still compress it
    headers["Vary"] = "Accept-Encoding"
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    coding = choose_encoding(accept_encoding, available)
    if coding is None:
        return FileResponse(file, headers=headers, media_type=media_type)
    headers["Content-Encoding"] = coding
    return FileResponse(variants[coding], headers=headers, media_type=media_type)
