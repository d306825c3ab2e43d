from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from services.kernel.settings import Settings
from tests.support.api import Api


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Playwright's sync API keeps an event loop running in this thread until the session ends; asyncio tests
    # collected after it would fail, so the browser tier runs last (a stable sort keeps the rest in order).
    items.sort(key=lambda item: "e2e" in item.path.parts)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.support.infra import USED

    if USED:
        terminalreporter.section("real infrastructure used")
        for line in USED:
            terminalreporter.write_line(line)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def embedded_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": data_dir, "demo": True, "relay_poll_seconds": 0.2,
                                 "spa_dir": data_dir / "no-spa", **overrides}
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The embedded system with demo data, shared by the tests of one module (they must not depend on
    each other's writes beyond adding rows)."""
    settings = embedded_settings(tmp_path_factory.mktemp("embedded"))
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
        yield Api(client)


from tests.kernel.s3_fixtures import s3_server  # noqa: E402, F401  (shared by the contract and system tiers)
