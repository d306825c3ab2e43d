"""Helpers shared by the benchmarks: timing, rates, machine info, and the JSON result under var/bench/."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "var" / "bench"


@dataclass(frozen=True)
class Row:
    """One printed line: a figure of the system beside the physical limit measured in the same run."""

    path: str  # what was measured, e.g. "outbox→relay→JetStream→inbox"
    value: float
    unit: str  # "ev/s"
    limit_path: str  # e.g. "bare JetStream pub+consume"
    limit: float

    @property
    def ratio(self) -> float:
        return self.value / self.limit if self.limit else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": round(self.ratio, 3)}


class Stopwatch:
    """Elapsed seconds on a monotonic clock, with named laps (seconds since start)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.laps: dict[str, float] = {}
        self.seconds = 0.0  # set by stop()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def lap(self, name: str) -> float:
        self.laps[name] = self.elapsed()
        return self.laps[name]

    def stop(self) -> float:
        self.seconds = self.elapsed()
        return self.seconds


def rate(count: int, seconds: float) -> float:
    """Per second, to 0.1."""
    return round(count / seconds, 1) if seconds > 0 else 0.0


def env_int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw.replace("_", ""))
    if value < minimum:
        raise ValueError(f"{name}={raw!r}: expected an integer >= {minimum}")
    return value


def git_commit() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}-dirty" if dirty else head


def machine_info() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        # Other work on the machine skews every figure: the load average at the end of the run says how much.
        "loadavg_1m": round(load[0], 2) if load else None,
    }


def write_result(out_dir: Path, name: str, result: dict[str, Any]) -> Path:
    """Write `<out_dir>/<name>.json` with the machine info; returns the path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    document = {"benchmark": name, "machine": machine_info(), **result}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def fmt_rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"


def format_row(bench: str, row: Row | dict[str, Any]) -> str:
    r = row.as_dict() if isinstance(row, Row) else row
    return (f"{bench:<7} {r['path']:<34} {fmt_rate(r['value']):>7} {r['unit']:<5} | "
            f"{r['limit_path']} {fmt_rate(r['limit'])} {r['unit']}  (ratio {r['ratio']:.2f})")
