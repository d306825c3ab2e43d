"""Re-plan against a published plan: every class the change does not touch keeps its room, date and minutes.

A published assignment is kept (hard-fixed, not merely hinted) when its class is still in the instance with the
same headcount, its room still exists with the same stations and campus rule, and its minutes still lie inside
one of the room's windows clear of blackouts. Kept classes become holes in the slots; everything else (classes of
a lost room, added classes, classes whose window moved, classes unplaced before) is solved into what is left.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.scheduling.allocation.instance import Instance, InstanceError, Minute, hhmm, problems_of
from services.scheduling.allocation.plan import Moved, Plan, build_plan
from services.scheduling.allocation.solver import Fixed, blackout_free, solve


class PublishedAssignment(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    klass: str = Field(alias="class", min_length=1, max_length=64)
    room: str = Field(min_length=1, max_length=64)
    date: date
    start: Minute
    end: Minute


class Published(BaseModel):
    """The parts of a plan a re-plan needs (any other field of a plan document is ignored)."""

    model_config = ConfigDict(extra="ignore")
    assignments: list[PublishedAssignment] = Field(max_length=20_000)


def parse_published(text: str | bytes) -> Published:
    try:
        return Published.model_validate_json(text)
    except ValidationError as error:
        raise InstanceError([f"published.{p}" for p in problems_of(error)]) from None


def kept_assignments(instance: Instance, published: Published) -> list[Fixed]:
    classes = {k.id: i for i, k in enumerate(instance.classes)}
    rooms = {r.id: i for i, r in enumerate(instance.rooms)}
    kept: list[Fixed] = []
    taken: dict[tuple[int, date], list[tuple[int, int]]] = {}
    for item in published.assignments:
        c, r = classes.get(item.klass), rooms.get(item.room)
        if c is None or r is None or item.end <= item.start:
            continue
        klass, room = instance.classes[c], instance.rooms[r]
        if klass.campus is not None and room.campus != klass.campus:
            continue
        if item.end - item.start != instance.minutes(klass.students, room.stations):
            continue  # headcount or stations changed: it needs a different block
        if not blackout_free(instance, r, item.date, item.start, item.end):
            continue
        busy = taken.setdefault((r, item.date), [])
        if any(a < item.end and item.start < b for a, b in busy) or any(f.klass == c for f in kept):
            continue  # a hand-edited plan with overlaps: keep the first, re-place the other
        busy.append((item.start, item.end))
        kept.append(Fixed(c, r, item.date, item.start, item.end))
    return kept


def replan(instance: Instance, published: Published, *, time_limit: float = 10.0, workers: int = 2) -> Plan:
    kept = kept_assignments(instance, published)
    plan = build_plan(instance, solve(instance, fixed=kept, time_limit=time_limit, workers=workers))
    now = {a.klass: f"{a.room} {a.date} {a.start}" for a in plan.assignments}
    still = {k.id for k in instance.classes}
    moved = []
    for item in published.assignments:
        before = f"{item.room} {item.date} {hhmm(item.start)}"
        if item.klass in still and now.get(item.klass) != before:
            moved.append(Moved(klass=item.klass, before=before, after=now.get(item.klass)))
    return plan.model_copy(update={"kept": len(kept), "moved": moved})
