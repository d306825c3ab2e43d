"""Keeps the import benchmark from rotting: a tiny N through the harness, figures only checked to be positive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.roster.imports.rosterfile import read_roster
from tests.bench.__main__ import discover, main
from tests.bench.bench_import import roster_xlsx


def test_the_generated_workbook_is_a_registrars_roster() -> None:
    sheet = read_roster(roster_xlsx(400), "bench.xlsx")
    assert (sheet.format, sheet.sheet_name, sheet.header_row, len(sheet.rows)) == ("xlsx", "学生名单", 2, 400)
    assert sheet.other_rows[1][0].startswith("南昌大学")


def test_import_benchmark_writes_its_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "import" in discover()
    monkeypatch.setenv("TUCAI_BENCH_IMPORT_ROWS", "400")
    assert main(["import", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "import.json").read_text(encoding="utf-8"))
    assert result["benchmark"] == "import" and result["n"] == 400
    assert all(row["value"] > 0 and row["limit"] > 0 for row in result["rows"])
    counts = result["import"]["counts"]
    assert counts["rows"] == 400 and counts["errors"] == 3  # row 200: a wrong check digit; rows 399/400: one 学号
    assert result["peak_rss_mb"]["import"] > result["peak_rss_mb"]["python_baseline"] > 0
    assert (tmp_path / "cache" / "roster-400-v1.xlsx").exists()
