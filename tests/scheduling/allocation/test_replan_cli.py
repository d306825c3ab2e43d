"""Re-plan against a published plan, `tucai plan` end to end, and instances that must be refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from services.scheduling.allocation.instance import InstanceError, parse_instance
from services.scheduling.allocation.plan import build_plan
from services.scheduling.allocation.replan import Published, replan
from services.scheduling.allocation.solver import solve
from tests.scheduling.allocation.instances import load, seed_002, windows
from tests.scheduling.allocation.test_plan import check_plan

TUCAI = Path(sys.executable).with_name("tucai")


def four_rooms() -> dict[str, Any]:
    document = seed_002(rate=2.8)
    document["rooms"].append({"id": "E204", "campus": "前湖", "stations": 1, "windows": windows(["2020-11-19"])})
    return document


def published_of(document: dict[str, Any]) -> tuple[Published, dict[str, tuple[str, str, str]]]:
    plan = build_plan(load(document), solve(load(document), time_limit=2))
    assert plan.unplaced == []
    where = {a.klass: (a.room, a.start, a.end) for a in plan.assignments}
    return Published.model_validate_json(plan.to_json()), where


def test_a_replan_after_losing_a_room_keeps_every_unaffected_class_where_it_was() -> None:
    document = four_rooms()
    published, before = published_of(document)
    lost = {k for k, (room, _, _) in before.items() if room == "E204"}
    assert lost

    document["rooms"] = [r for r in document["rooms"] if r["id"] != "E204"]
    instance = load(document)
    plan = replan(instance, published, time_limit=2)

    check_plan(instance, plan)
    after = {a.klass: (a.room, a.start, a.end) for a in plan.assignments}
    for klass, place in before.items():
        if klass not in lost:
            assert after[klass] == place, klass
    assert plan.kept == len(before) - len(lost)
    assert {m.klass for m in plan.moved or []} == lost
    unplaced = {u.klass for u in plan.unplaced}
    assert unplaced <= lost and all(after.get(k, (None,))[0] != "E204" for k in lost)


def test_a_replan_after_adding_a_class_moves_nothing_published() -> None:
    document = four_rooms()
    published, before = published_of(document)
    document["classes"].append({"id": "late-comers", "college": "医学部", "students": 30})
    instance = load(document)

    plan = replan(instance, published, time_limit=2)

    check_plan(instance, plan)
    after = {a.klass: (a.room, a.start, a.end) for a in plan.assignments}
    assert all(after[k] == place for k, place in before.items())
    assert plan.moved == [] and "late-comers" in after


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TUCAI), "plan", *args], capture_output=True, text=True, timeout=120)


def test_tucai_plan_prints_the_plan_as_json(tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    path.write_text(json.dumps(seed_002(), ensure_ascii=False), encoding="utf-8")

    done = run_cli(str(path), "--time-limit", "2")

    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert {"assignments", "unplaced", "room_finish", "lower_bound_minutes", "solve_seconds", "gap"} <= plan.keys()
    first = plan["assignments"][0]
    assert {"class", "room", "date", "start", "end", "arrive", "weekday"} <= first.keys()
    assert first["weekday"] == "星期四" and plan["unplaced"] == []

    published = tmp_path / "published.json"
    published.write_text(done.stdout, encoding="utf-8")
    again = run_cli(str(path), "--published", str(published), "--time-limit", "2")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["moved"] == []


def hostile(tmp_path: Path, document: Any, name: str = "bad.json") -> subprocess.CompletedProcess[str]:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document, ensure_ascii=False))
    return run_cli(str(path), "--time-limit", "1")


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["classes"][2].update(students=-5), "classes[2].students"),
    (lambda d: d["rooms"][0]["windows"][1].update(end="12:30"), "rooms[0].windows[1]: end 12:30 is not after"),
    (lambda d: d["rooms"][1]["windows"].append({"date": "2020-11-19", "start": "11:00", "end": "14:00"}),
     "rooms[1]: windows overlap"),
    (lambda d: d["rooms"][0].update(stations=0), "rooms[0].stations"),
    (lambda d: d.update(rate_per_station_per_minute=0), "rate_per_station_per_minute"),
    (lambda d: d["rooms"][2]["windows"][0].update(start="25:00"), "rooms[2].windows[0].start"),
    (lambda d: d["rooms"][2]["windows"][0].update(date="19/11/2020"), "rooms[2].windows[0].date"),
    (lambda d: d["classes"][0].update(campsu="前湖"), "classes[0].campsu: Extra inputs are not permitted"),
    (lambda d: d["classes"].append(dict(d["classes"][0])), "classes[23].id 's002-01' appears twice"),
    (lambda d: d.update(rooms=[]), "rooms: List should have at least 1 item"),
])
def test_bad_instances_are_refused_naming_the_field(tmp_path: Path, change: Any, field: str) -> None:
    document = seed_002()
    change(document)
    with pytest.raises(InstanceError) as refused:
        parse_instance(json.dumps(document, ensure_ascii=False))
    assert any(field in problem for problem in refused.value.problems), refused.value.problems


def test_the_cli_refuses_hostile_files_with_exit_code_2_and_no_traceback(tmp_path: Path) -> None:
    many = seed_002()
    many["classes"] = [{"id": f"c{n}", "college": "x", "students": 1} for n in range(100_000)]
    cases = {
        "100,000 classes": (many, "more than"),
        "negative students": ({**seed_002(), "classes": [{"id": "a", "college": "b", "students": -1}]},
                              "classes[0].students"),
        "not JSON": ("{\"rooms\": [", "Invalid JSON"),
        "5 MB": (" " * 5_000_000 + "{}", "bytes is more than"),
        "a list": ("[1, 2, 3]", "instance"),
    }
    for name, (document, expected) in cases.items():
        done = hostile(tmp_path, document)
        assert done.returncode == 2, (name, done.stdout[:200], done.stderr)
        assert expected in done.stderr and "Traceback" not in done.stderr, (name, done.stderr)
        assert done.stdout == ""
    missing = run_cli(str(tmp_path / "nowhere.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_twenty_thousand_and_one_classes_are_refused_by_count() -> None:
    document = seed_002()
    document["classes"] = [{"id": f"c{n}", "college": "x", "students": 1} for n in range(20_001)]
    with pytest.raises(InstanceError, match="classes: List should have at most 20000 items"):
        parse_instance(json.dumps(document))
