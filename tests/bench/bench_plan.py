"""Capture-day allocation (issue 9): the seed-002 day and a generated 40,000-student university, each solved by
services.scheduling.allocation with its time limit, side by side.

Two figures per instance: the solve time beside its target (1 s for the seed day, 60 s for the university, the
issue's "done when"), and the last room's finish in working minutes beside the lower bound (total student-minutes
÷ total stations, fractional, as the issue defines it). A finish ratio above 1 is the price of whole-minute
blocks (~0.5 min per class), lunch breaks no class may span, and campuses that cannot share rooms.
Solver time limits come from TUCAI_BENCH_PLAN_SEED_S (default 0.9) and TUCAI_BENCH_PLAN_UNI_S (default 40).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from services.scheduling.allocation.plan import build_plan
from services.scheduling.allocation.solver import solve
from tests.bench.common import Row, write_result
from tests.scheduling.allocation.instances import load, seed_002, university

NAME = "plan"
TARGET_SECONDS = {"seed-002 day": 1.0, "40k university": 60.0}


def _limit(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def run(out_dir: Path) -> dict[str, Any]:
    cases = {"seed-002 day": (seed_002(rate=2.8), _limit("TUCAI_BENCH_PLAN_SEED_S", 0.9)),
             "40k university": (university(), _limit("TUCAI_BENCH_PLAN_UNI_S", 40.0))}
    rows: list[Row] = []
    figures: dict[str, Any] = {}
    for label, (document, time_limit) in cases.items():
        instance = load(document)
        solution = solve(instance, time_limit=time_limit, workers=2)
        plan = build_plan(instance, solution)
        figures[label] = {
            "classes": len(instance.classes), "students": plan.students_total, "rooms": len(instance.rooms),
            "placed": plan.students_placed, "unplaced_classes": len(plan.unplaced), "status": plan.status,
            "gap": plan.gap, "solve_seconds": plan.solve_seconds, "time_limit": time_limit,
            "makespan_minutes": plan.makespan_minutes, "lower_bound_minutes": plan.lower_bound_minutes,
            "finish_ratio": plan.finish_ratio, "room_finish": plan.room_finish,
            "lower_bound_finish": plan.lower_bound_finish, "stats": solution.stats,
        }
        rows.append(Row(f"{label} solve", plan.solve_seconds, "s", "target", TARGET_SECONDS[label]))
        rows.append(Row(f"{label} last room finish", plan.makespan_minutes, "min",
                        "lower bound", plan.lower_bound_minutes))
    result: dict[str, Any] = {"rows": [row.as_dict() for row in rows], "instances": figures,
                              "n": sum(f["classes"] for f in figures.values()),
                              "main_cost": "the 40k university: the per-class preference pass fills its time limit"}
    result["path"] = write_result(out_dir, NAME, result)
    return result
