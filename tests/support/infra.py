"""Finding the real infrastructure the system tier needs, with one rule: under CI=true a missing piece
fails the run; elsewhere the test is skipped with a note on how to enable it."""

from __future__ import annotations

import os
import socket

import pytest

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

PG_URL = os.environ.get("TUCAI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NATS_URL = os.environ.get("TUCAI_TEST_NATS", "nats://127.0.0.1:4222")


# What the real-infrastructure tiers ran against, printed at the end of the run (so CI output shows it).
USED: list[str] = []


def note_used(what: str) -> None:
    if what not in USED:
        USED.append(what)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require(available: bool, what: str, how: str) -> None:
    """Skip (or, in CI, fail) when a piece of infrastructure is missing."""
    if available:
        return
    message = f"{what} is not available; {how}"
    if CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def require_postgres() -> None:
    require(port_open("127.0.0.1", 5432), "PostgreSQL on 127.0.0.1:5432",
            "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")


def require_nats() -> None:
    require(port_open("127.0.0.1", 4222), "NATS JetStream on 127.0.0.1:4222",
            "start it with: nats-server -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server &")
