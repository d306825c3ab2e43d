"""Keeps the benchmark harness from rotting: runs `python -m tests.bench events` with a tiny N through the
harness entry point and checks the JSON it writes. Figures are only checked to be positive, never for speed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.bench.__main__ import discover, main
from tests.support.infra import require_nats, require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


def test_events_benchmark_writes_its_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    require_postgres()
    require_nats()
    assert "events" in discover()
    monkeypatch.setenv("TUCAI_BENCH_EVENTS", "50")

    assert main(["events", "--out", str(tmp_path)]) == 0

    result = json.loads((tmp_path / "events.json").read_text(encoding="utf-8"))
    assert result["benchmark"] == "events" and result["n"] == 50
    assert {"cpu_count", "python", "date", "git_commit"} <= result["machine"].keys()
    headline = result["rows"][0]
    assert headline["path"] == "outbox→relay→JetStream→inbox"
    assert headline["value"] > 0 and headline["limit"] > 0  # the figure and its limit, measured in this run
    assert all(row["value"] > 0 and row["limit"] > 0 for row in result["rows"])
    assert result["main_cost"]
    assert "bare JetStream pub+consume" in capsys.readouterr().out


def test_unknown_benchmark_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-benchmark"])
    assert exit_info.value.code == 2
    assert "unknown benchmark" in capsys.readouterr().err


def test_a_failing_benchmark_fails_the_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    class Broken:
        @staticmethod
        def run(out_dir: Path) -> dict[str, object]:
            raise RuntimeError("broken on purpose")

    class NoLimit:
        @staticmethod
        def run(out_dir: Path) -> dict[str, object]:
            return {"rows": [{"path": "x", "value": 1.0, "unit": "ev/s", "limit_path": "y", "limit": 0.0}]}

    modules = {"tests.bench.bench_broken": Broken, "tests.bench.bench_nolimit": NoLimit}
    monkeypatch.setattr("tests.bench.__main__.discover", lambda: ["broken", "nolimit"])
    monkeypatch.setattr("tests.bench.__main__.importlib.import_module", modules.__getitem__)

    assert main(["--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "broken  FAILED" in captured.out and "nolimit FAILED" in captured.out
    assert "FAILED: broken, nolimit" in captured.err


def test_load_benchmark_reads_wrk_figures() -> None:
    """The load benchmark's parsing of wrk's report (the run itself needs wrk and a minute: `make bench`)."""
    from tests.bench import bench_load

    report = ("  Latency Distribution\n     50%    1.01s \n     75%    1.07s \n     99%  716.58ms\n"
              "  1932 requests in 4.05s, 2.27MB read\n  Non-2xx or 3xx responses: 560\n")
    assert "load" in discover()
    assert bench_load._ms("1.01s") == 1010.0 and bench_load._ms("850.00us") == 0.85
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench_load.subprocess, "run", lambda *a, **k: type("Done", (), {"stdout": report})())
        figures = bench_load.wrk("http://127.0.0.1:1/x", 500, 4)
        measured = bench_load.measured(os.getpid(), "http://127.0.0.1:1/x", 500, 4)
    assert figures["requests"] == 1932 and figures["non_2xx"] == 560 and figures["ok_per_s"] == 343.0
    assert figures["p50_ms"] == 1010.0 and figures["p99_ms"] == 716.58
    assert measured["requests"] == 1932 and measured["cpu_ms_per_request"] is not None
    assert measured["cpu_ms_per_request"] >= 0 and measured["load_average"] >= 0
    assert bench_load.cpu_seconds(os.getpid()) > 0  # this test process has used some CPU
