"""The `tucai` command: migrate, demo and openapi, as an operator runs them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

TUCAI = str(Path(sys.executable).with_name("tucai"))


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUCAI_DATA_DIR": str(data_dir), "TUCAI_LOG_JSON": "true"}
    return subprocess.run([TUCAI, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def test_migrate_then_demo(tmp_path: Path) -> None:
    migrated = _run("migrate", data_dir=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    for service in ("roster", "scheduling", "capture", "payments"):
        assert f"{service}: migrated" in migrated.stdout
        with sqlite3.connect(tmp_path / f"{service}.db") as conn:
            assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    demo = _run("demo", data_dir=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "tucai-demo" in demo.stdout
    with sqlite3.connect(tmp_path / "roster.db") as conn:
        assert conn.execute("SELECT name FROM school WHERE school_code = '10403'").fetchone() == ("南昌大学",)
    with sqlite3.connect(tmp_path / "scheduling.db") as conn:  # the relay drained before the demo command ended
        assert conn.execute("SELECT count(*) FROM collegeview WHERE school_code = '10403'").fetchone()[0] >= 20
    again = _run("demo", data_dir=tmp_path)  # idempotent: loads nothing twice
    assert again.returncode == 0
    with sqlite3.connect(tmp_path / "roster.db") as conn:
        assert conn.execute("SELECT count(*) FROM school").fetchone() == (5,)


def test_unknown_service_is_refused(tmp_path: Path) -> None:
    result = _run("migrate", "--service", "billing", data_dir=tmp_path)
    assert result.returncode != 0 and "unknown service" in result.stderr


def test_openapi_documents_are_written(tmp_path: Path) -> None:
    result = _run("openapi", "--out", str(tmp_path / "oa"), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "oa" / "roster.json").read_text(encoding="utf-8"))
    assert "/api/roster/v1/imports" in document["paths"]
