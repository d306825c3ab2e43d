"""Keeps bench_notify from rotting: a tiny N through the harness entry point; figures only checked positive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench.__main__ import discover, main


def test_notify_benchmark_writes_its_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "notify" in discover()
    monkeypatch.setenv("TUCAI_BENCH_NOTIFY", "20")
    assert main(["notify", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "notify.json").read_text(encoding="utf-8"))
    # adapter WeChat, adapter Alipay, over HTTP beside the bare crypto loop and beside a bare FastAPI route, and
    # the HTTP ceiling: an empty route in this process and in its own under wrk
    assert result["n"] == 20 and len(result["rows"]) == 6
    assert result["rows"][3]["limit_path"].startswith("bare FastAPI route")
    assert [row["path"].split(" (")[0].split(",")[0] for row in result["rows"][4:]] == [
        "empty FastAPI route", "empty FastAPI route"]
    assert all(row["value"] > 0 and row["limit"] > 0 for row in result["rows"])
