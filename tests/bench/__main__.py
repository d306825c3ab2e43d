"""`python -m tests.bench [name ...] [--out DIR]`: run every tests/bench/bench_<name>.py (or the named ones),
print one table of figures beside their limits, and exit non-zero if any benchmark failed."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from tests.bench.common import DEFAULT_OUT, format_row

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))


def check(name: str, result: Any) -> list[dict[str, Any]]:
    """A benchmark must return rows, each with a positive figure and a positive limit."""
    rows = result.get("rows") if isinstance(result, dict) else None
    if not rows:
        raise ValueError(f"bench_{name}.run() returned no rows")
    for row in rows:
        if not (row["value"] > 0 and row["limit"] > 0):
            raise ValueError(f"bench_{name}: {row['path']} = {row['value']} beside {row['limit_path']} = "
                             f"{row['limit']}: both must be > 0")
    return list(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(discover())})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON results go (%(default)s)")
    args = parser.parse_args(argv)
    available = discover()
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(available)}")

    table: list[str] = []
    failed: list[str] = []
    for name in args.names or available:
        print(f"bench {name} ...", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"tests.bench.bench_{name}")
            result = module.run(args.out)
            rows = check(name, result)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            table.append(f"{name:<7} FAILED")
            continue
        took = time.perf_counter() - started
        table.extend(format_row(name, row) for row in rows)
        if result.get("main_cost"):
            table.append(f"{'':<7} main cost: {result['main_cost']}")
        table.append(f"{'':<7} n={result.get('n')}  {took:.1f}s  → {result.get('path')}")

    print()
    print("\n".join(table))
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
