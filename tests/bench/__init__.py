"""Benchmarks (`make bench`, i.e. `python -m tests.bench [name ...] [--out DIR]`).

Each module here named `bench_<name>.py` exposes `run(out_dir: Path) -> dict` and reports every figure beside
its physical limit measured in the same run (see common.Row). Speed is measured here, never asserted in tests.
"""
