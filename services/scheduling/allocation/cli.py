"""`tucai plan INSTANCE.json [--published PLAN.json]`: read, solve, print; problems go to stderr with exit code 2."""

from __future__ import annotations

from pathlib import Path

import typer

from services.scheduling.allocation.instance import MAX_BYTES, InstanceError, parse_instance
from services.scheduling.allocation.plan import build_plan
from services.scheduling.allocation.replan import parse_published, replan
from services.scheduling.allocation.solver import solve


def _read(path: Path, label: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refused before reading: a hostile file never reaches memory
            raise InstanceError([f"{label}: {size:,} bytes is more than the {MAX_BYTES:,} an instance may have"])
        return path.read_bytes()
    except OSError as error:
        raise InstanceError([f"{label}: cannot read {path}: {error.strerror}"]) from None


def run_plan(instance_path: Path, published_path: Path | None, time_limit: float, workers: int) -> int:
    try:
        instance = parse_instance(_read(instance_path, "instance"))
        if published_path is None:
            plan = build_plan(instance, solve(instance, time_limit=time_limit, workers=workers))
        else:
            published = parse_published(_read(published_path, "published"))
            plan = replan(instance, published, time_limit=time_limit, workers=workers)
    except InstanceError as error:
        typer.echo(f"{instance_path}: refused", err=True)
        for problem in error.problems:
            typer.echo(f"  {problem}", err=True)
        return 2
    typer.echo(plan.to_json())
    return 0
