"""The plan: the solver's slot choices sequenced into start/end/arrival times, with what did not fit and why.

Inside a slot the order does not change feasibility, so it is chosen for people: a college's classes run back to
back (level, then the order of the instance, which is the registrar's class order); a college that continues from
the previous slot of the room goes first and one that continues into the next slot goes last, so a college split
over lunch is shot 11:xx-12:00 and 13:00-13:xx; colleges asking for an earlier time come before later ones.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from fractions import Fraction
from math import ceil, inf

from pydantic import BaseModel, ConfigDict, Field

from services.scheduling.allocation.instance import Instance, hhmm, weekday
from services.scheduling.allocation.solver import DAY, Slot, Solution, work_offset, working_segments


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True, frozen=True)


class Assignment(_Out):
    klass: str = Field(alias="class")
    college: str
    students: int
    room: str
    campus: str | None
    date: date
    weekday: str
    start: str
    end: str
    arrive: str


class Unplaced(_Out):
    klass: str = Field(alias="class")
    college: str
    students: int
    short_minutes: int = Field(description="minutes the best window for it lacks")
    reason: str


class Moved(_Out):
    klass: str = Field(alias="class")
    before: str  # "E201 2020-11-19 09:00"
    after: str | None  # None: now unplaced


class Plan(_Out):
    assignments: list[Assignment]
    unplaced: list[Unplaced]
    room_finish: dict[str, str | None]
    room_finish_date: dict[str, date | None]
    lower_bound_minutes: int = Field(description="total student-minutes ÷ total stations, whole minutes")
    makespan_minutes: int = Field(description="working minutes until the last room finishes")
    finish_ratio: float = Field(description="makespan_minutes / lower_bound_minutes")
    lower_bound_finish: str | None = Field(description="earliest date and time every student could be done")
    students_placed: int
    students_total: int
    status: str
    gap: float = Field(description="relative distance of the objective from CP-SAT's bound; 0 = optimal")
    solve_seconds: float
    kept: int | None = None  # re-plan: published classes left exactly where they were
    moved: list[Moved] | None = None  # re-plan: published classes that changed place

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)


def sequence(instance: Instance, solution: Solution) -> list[tuple[int, int, date, int, int]]:
    """(class, room, date, start, end) for every placed class: fixed ones as they are, the rest in slot order."""
    by_slot: dict[int, list[int]] = defaultdict(list)
    for c, s in solution.chosen.items():
        by_slot[s].append(c)
    sets = {s: {instance.classes[c].college for c in members} for s, members in by_slot.items()}
    room_slots: dict[int, list[int]] = defaultdict(list)
    for s, slot in enumerate(solution.slots):
        room_slots[slot.room].append(s)
    neighbours: dict[int, tuple[int | None, int | None]] = {}
    for order in room_slots.values():
        order.sort(key=lambda s: solution.slots[s].clock)
        for i, s in enumerate(order):
            neighbours[s] = (order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None)

    placed = [(f.klass, f.room, f.date, f.start, f.end) for f in solution.fixed]
    for s, members in by_slot.items():
        slot = solution.slots[s]
        before, after = neighbours[s]
        first: dict[str, tuple[float, float]] = {}  # college -> (earliest preferred start, first class)
        for c in sorted(members):
            klass = instance.classes[c]
            pref = klass.preferred_start if klass.preferred_start is not None else inf
            old = first.get(klass.college, (inf, inf))
            first[klass.college] = (min(old[0], pref), min(old[1], c))

        keys = {}
        for college, (pref, index) in first.items():
            side = 0 if before is not None and college in sets.get(before, ()) else \
                2 if after is not None and college in sets.get(after, ()) else 1
            keys[college] = (side, pref, index)

        start = slot.start
        ordered = sorted(members, key=lambda c: (keys[instance.classes[c].college],
                                                 instance.classes[c].level or "", c))
        for c in ordered:
            end = start + instance.minutes(instance.classes[c].students, instance.rooms[slot.room].stations)
            placed.append((c, slot.room, slot.date, start, end))
            start = end
    return sorted(placed, key=lambda p: (p[1], p[2], p[3]))


def _shortfall(instance: Instance, solution: Solution, load: dict[int, int], c: int) -> tuple[int, str]:
    """The minutes the best remaining window lacks for class c (the window it would need the least added to)."""
    klass = instance.classes[c]
    options = [(instance.minutes(klass.students, instance.rooms[slot.room].stations) - (slot.length - load[s]), s)
               for s, slot in enumerate(solution.slots)
               if klass.campus is None or instance.rooms[slot.room].campus == klass.campus]
    if not options:
        need = min(instance.minutes(klass.students, room.stations) for room in instance.rooms)
        where = f"on campus {klass.campus}" if klass.campus else "with a window"
        return need, f"no room {where}"
    short, s = min(options)
    slot: Slot = solution.slots[s]
    return max(1, short), (f"needs {short + slot.length - load[s]} min; the best window left, "
                           f"{instance.rooms[slot.room].id} {slot.date} {hhmm(slot.start)}-{hhmm(slot.end)}, "
                           f"has {slot.length - load[s]} min free")


def build_plan(instance: Instance, solution: Solution) -> Plan:
    placed = sequence(instance, solution)
    lead = instance.arrival_lead_minutes
    assignments = [
        Assignment(klass=instance.classes[c].id, college=instance.classes[c].college,
                   students=instance.classes[c].students, room=instance.rooms[r].id,
                   campus=instance.rooms[r].campus, date=day, weekday=weekday(day), start=hhmm(start),
                   end=hhmm(end), arrive=hhmm(max(0, start - lead)))
        for c, r, day, start, end in placed
    ]
    placed_classes = {p[0] for p in placed}
    load: dict[int, int] = defaultdict(int)
    for other, s in solution.chosen.items():
        slot = solution.slots[s]
        load[s] += instance.minutes(instance.classes[other].students, instance.rooms[slot.room].stations)
    unplaced = []
    for c, klass in enumerate(instance.classes):
        if c not in placed_classes:
            short, reason = _shortfall(instance, solution, load, c)
            unplaced.append(Unplaced(klass=klass.id, college=klass.college, students=klass.students,
                                     short_minutes=short, reason=reason))

    last: dict[int, tuple[date, int]] = {}
    for _c, r, day, _start, end in placed:
        last[r] = max(last.get(r, (day, end)), (day, end))
    segments = working_segments(instance)
    makespan = max((work_offset(segments[r], day, end) for r, (day, end) in last.items()), default=0)
    total = sum(k.students for k in instance.classes)
    stations = sum(room.stations for room in instance.rooms)
    bound = ceil(Fraction(total) / instance.rate / stations) if total else 0
    dates = sorted({slot.date for slot in solution.slots} | {f.date for f in solution.fixed})
    finish = None
    if solution.lower_bound_clock is not None and dates:
        day_index, minute = divmod(solution.lower_bound_clock, DAY)
        finish = f"{dates[day_index]} {hhmm(minute)}"
    return Plan(
        assignments=assignments,
        unplaced=unplaced,
        room_finish={room.id: hhmm(last[r][1]) if r in last else None for r, room in enumerate(instance.rooms)},
        room_finish_date={room.id: last[r][0] if r in last else None for r, room in enumerate(instance.rooms)},
        lower_bound_minutes=bound,
        makespan_minutes=makespan,
        finish_ratio=round(makespan / bound, 4) if bound else 0.0,
        lower_bound_finish=finish,
        students_placed=sum(instance.classes[p[0]].students for p in placed),
        students_total=total,
        status=solution.status,
        gap=solution.gap,
        solve_seconds=solution.seconds,
    )
