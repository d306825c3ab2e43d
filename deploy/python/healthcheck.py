#!/usr/bin/env python3
"""Container health check for a Tucai service: exit 0 when GET /api/<service>/healthz answers 2xx.

Usage: tucai-healthcheck [service]. Without an argument the service is taken from TUCAI_HEALTHCHECK_SERVICE,
else from the container's main process (`tucai serve <service> ...`). Port: TUCAI_HEALTHCHECK_PORT (8000).
Standard library only: it runs with the image's system Python.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

SERVICES = ("roster", "scheduling", "capture", "payments")


def service_from_pid1() -> str | None:
    try:
        with open("/proc/1/cmdline", "rb") as fh:
            argv = [a.decode() for a in fh.read().split(b"\0") if a]
    except OSError:
        return None
    for i, arg in enumerate(argv[:-1]):
        if arg == "serve" and argv[i + 1] in SERVICES:
            return argv[i + 1]
    return None


def main(argv: list[str]) -> int:
    service = (argv[1] if len(argv) > 1 else None) or os.environ.get("TUCAI_HEALTHCHECK_SERVICE") or service_from_pid1()
    if service not in SERVICES:
        sys.stderr.write(f"tucai-healthcheck: unknown service {service!r}; expected one of {SERVICES}\n")
        return 2
    port = os.environ.get("TUCAI_HEALTHCHECK_PORT", "8000")
    url = f"http://127.0.0.1:{port}/api/{service}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            ok = 200 <= response.status < 300
    except (urllib.error.URLError, OSError) as exc:
        sys.stderr.write(f"tucai-healthcheck: {url}: {exc}\n")
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
