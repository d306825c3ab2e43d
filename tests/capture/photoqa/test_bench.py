"""Keeps bench_photoqa from rotting: a tiny run through the harness, figures checked to be positive, not fast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench.__main__ import discover, main


def test_photoqa_benchmark_writes_its_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "photoqa" in discover()
    monkeypatch.setenv("TUCAI_BENCH_PHOTOQA_REPEAT", "1")
    monkeypatch.setenv("TUCAI_BENCH_PHOTOQA_FILES", "8")
    monkeypatch.setenv("TUCAI_BENCH_PHOTOQA_ORIGINAL", "1200")
    assert main(["photoqa", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "photoqa.json").read_text(encoding="utf-8"))
    assert result["n"] == 8 and result["measured"]["original"] == "1200×1800"
    paths = [row["path"] for row in result["rows"]]
    assert paths[1] == "check_photo p95 (decode incl.)" and "find_mixups 1 vs 10,000 p50" in paths
    assert all(row["value"] > 0 and row["limit"] > 0 for row in result["rows"])
    assert result["main_cost"].startswith("check p95")
