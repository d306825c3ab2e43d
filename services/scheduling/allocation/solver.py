"""The CP-SAT model: classes into (room, window) slots, then the plan is sequenced inside each slot (plan.py).

Why slots and not one interval per class × room: inside one window the order of classes does not change whether
they fit (their whole-minute durations must sum to at most the window), so the core is bin packing. The research
(shared/research/scheduling.md) measured this model at under a second for a 1,000-class university where an
interval model was much larger. Contiguity holds by construction: a class gets one slot and a consecutive run of
minutes inside it, so it never spans lunch, a blackout or two dates.

Variables: x[c,s] (class c in slot s; only slots of the class's campus that are long enough), used[s], per room
its clock finish F[r] and working finish W[r] (exact maxima), the makespan M >= F[r], the earliest finish m <= F[r];
y[college,room] and z[(college,level),slot] for the soft "together" preferences.
Objective, in weighted tiers so the first tier always wins: students left unplaced; then M; then
2·idle (minutes a room stands idle before its finish) + spread (M − m) + 30 per extra room a college uses + 10 per
extra slot a college's level uses + 60 per class off its preferred campus + distance from a requested time / 10·3.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TypeAlias

from ortools.sat.python import cp_model

from services.scheduling.allocation.instance import ClassGroup, Instance, InstanceError

# A linear term as built here: CP-SAT expressions and plain ints (cp_model.LinearExprT also admits numpy
# integers, which LinearExpr's own operators are not typed to take).
Expr: TypeAlias = "cp_model.LinearExpr | int"

MAX_PAIRS = 400_000  # class × slot choices: ~15 s of model building on 2 cores; beyond it, refuse
MAX_SECONDS = 300.0
DAY = 1440
W_SECONDARY = {"idle": 2, "spread": 1, "college": 30, "level": 10, "campus": 60, "time": 3}
W_MAKESPAN = 1000  # one minute of makespan outweighs ~16 hours of idle or 33 split colleges


@dataclass(frozen=True)
class Slot:
    """A free stretch of one room on one date: a window minus blackouts (and, in a re-plan, minus kept classes)."""

    room: int
    day: int  # index of the date among all dates of the instance
    date: date
    start: int
    end: int
    offset: int  # working minutes of the room before `start` (the room's own timeline, lunch excluded)

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def clock(self) -> int:
        return self.day * DAY + self.start


@dataclass(frozen=True)
class Fixed:
    """A class kept exactly where a published plan put it (re-plan)."""

    klass: int
    room: int
    date: date
    start: int
    end: int


@dataclass
class Solution:
    slots: list[Slot]
    chosen: dict[int, int]  # class index -> slot index
    fixed: list[Fixed]
    status: str
    gap: float
    seconds: float
    lower_bound_clock: int | None = None  # the makespan's bound in clock minutes (day*1440 + minute)
    stats: dict[str, int] = field(default_factory=dict)


def _subtract(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        pieces = [(start, end)]
        for h_start, h_end in holes:
            pieces = [p for a, b in pieces for p in ((a, min(b, h_start)), (max(a, h_end), b)) if p[1] > p[0]]
        out.extend(pieces)
    return out


def working_segments(instance: Instance) -> list[dict[date, list[tuple[int, int]]]]:
    """Per room, per date: the windows minus the room's and the instance's blackouts, sorted."""
    rooms = []
    for room in instance.rooms:
        blackouts: dict[date, list[tuple[int, int]]] = defaultdict(list)
        for span in [*room.blackouts, *instance.blackouts]:
            blackouts[span.date].append((span.start, span.end))
        by_date: dict[date, list[tuple[int, int]]] = defaultdict(list)
        for window in room.windows:
            by_date[window.date].extend(_subtract([(window.start, window.end)], blackouts[window.date]))
        rooms.append({day: sorted(spans) for day, spans in sorted(by_date.items())})
    return rooms


def build_slots(instance: Instance, fixed: list[Fixed]) -> tuple[list[Slot], list[date]]:
    segments = working_segments(instance)
    dates = sorted({day for room in segments for day in room})
    index = {day: i for i, day in enumerate(dates)}
    kept: dict[tuple[int, date], list[tuple[int, int]]] = defaultdict(list)
    for item in fixed:
        kept[item.room, item.date].append((item.start, item.end))
    slots = []
    for r, room in enumerate(segments):
        offset = 0
        for day, spans in room.items():
            for start, end in spans:
                for a, b in _subtract([(start, end)], kept[r, day]):
                    slots.append(Slot(r, index[day], day, a, b, offset + a - start))
                offset += end - start
    return slots, dates


def lower_bound_clock(instance: Instance, whole_minutes: bool = True) -> int | None:
    """Earliest clock minute by which the rooms, all working from their first window, could have shot every
    student: for every campus with hard-bound classes, and for the whole instance. With `whole_minutes` a class
    counts the station-minutes of its rounded-up block in the room where that is least (still a valid bound, and
    a much tighter one: rounding costs ~0.5 min per class); without, students ÷ rate as the issue defines it."""
    segments = working_segments(instance)
    dates = sorted({day for room in segments for day in room})
    index = {day: i for i, day in enumerate(dates)}
    groups: dict[str | None, tuple[list[int], Fraction]] = {None: (list(range(len(instance.rooms))), Fraction(0))}
    for klass in instance.classes:
        if klass.campus is not None and klass.campus not in groups:
            groups[klass.campus] = ([r for r, room in enumerate(instance.rooms) if room.campus == klass.campus],
                                    Fraction(0))
    bound = None
    for campus, (rooms, _) in groups.items():
        work = sum((_station_minutes(instance, c, rooms, whole_minutes) for c in instance.classes
                    if campus is None or c.campus == campus), Fraction(0))
        # Station-minutes available by each segment end, in clock order; the bound falls inside the segment
        # where the running capacity first reaches the work.
        events = sorted((index[day] * DAY + start, index[day] * DAY + end, instance.rooms[r].stations)
                        for r in rooms for day, spans in segments[r].items() for start, end in spans)
        if not events or work == 0:
            continue
        finish = _fill_time(events, work)
        if finish is not None:
            bound = finish if bound is None else max(bound, finish)
    return bound


def _station_minutes(instance: Instance, klass: ClassGroup, rooms: list[int], whole: bool) -> Fraction:
    if not whole:
        return Fraction(klass.students) / instance.rate
    stations = {instance.rooms[r].stations for r in rooms
                if klass.campus is None or instance.rooms[r].campus == klass.campus}
    return min((Fraction(n * instance.minutes(klass.students, n)) for n in stations),
               default=Fraction(klass.students) / instance.rate)


def _fill_time(events: list[tuple[int, int, int]], work: Fraction) -> int | None:
    """Smallest whole minute T with sum(stations × overlap([start, end), [0, T))) >= work, or None."""
    def capacity(t: int) -> int:
        return sum(n * max(0, min(end, t) - start) for start, end, n in events)

    low, high = min(e[0] for e in events), max(e[1] for e in events)
    if capacity(high) < work:
        return None
    while low < high:
        middle = (low + high) // 2
        if capacity(middle) >= work:
            high = middle
        else:
            low = middle + 1
    return low


def _distance(value: int, low: int, high: int) -> int:
    return 0 if low <= value <= high else min(abs(value - low), abs(value - high))


def _time_penalty(instance: Instance, c: int, slot: Slot, minutes: int, dates: list[date]) -> int:
    klass = instance.classes[c]
    if klass.preferred_start is None:  # a date only, or no preference
        if klass.preferred_date is None:
            return 0
        return 0 if slot.date == klass.preferred_date else 160 * min(3, abs((slot.date - klass.preferred_date).days))
    last_start = slot.end - minutes
    if klass.preferred_date is None:
        distance = _distance(klass.preferred_start, slot.start, last_start)
    else:
        target = (klass.preferred_date - dates[0]).days * DAY + klass.preferred_start
        distance = _distance(target, slot.clock, slot.day * DAY + last_start)
    return min(distance, 3 * DAY) // 10


def _greedy(durations: dict[tuple[int, int], int], slots: list[Slot]) -> dict[int, int]:
    """Longest class first into the slot where it ends earliest: a quick plan to hint the search with."""
    load = [0] * len(slots)
    options: dict[int, list[int]] = defaultdict(list)
    for c, s in durations:
        options[c].append(s)
    chosen = {}
    order = sorted(options, key=lambda c: -min(durations[c, s] for s in options[c]))
    for c in order:
        best = None
        for s in options[c]:
            end = slots[s].clock + load[s] + durations[c, s]
            if load[s] + durations[c, s] <= slots[s].length and (best is None or end < best[0]):
                best = (end, s)
        if best is not None:
            chosen[c] = best[1]
            load[best[1]] += durations[c, best[1]]
    return chosen


def solve(instance: Instance, *, fixed: list[Fixed] | None = None, time_limit: float = 10.0,
          workers: int = 2) -> Solution:
    """Best allocation found within `time_limit` seconds. Classes in `fixed` stay exactly where they are."""
    started = time.perf_counter()
    fixed = fixed or []
    if not 0 < time_limit <= MAX_SECONDS:
        raise InstanceError([f"time_limit: {time_limit} s is outside 0-{MAX_SECONDS:.0f} s"])
    slots, dates = build_slots(instance, fixed)
    rooms = instance.rooms
    fixed_classes = {item.klass for item in fixed}
    free = [c for c in range(len(instance.classes)) if c not in fixed_classes]

    durations: dict[tuple[int, int], int] = {}
    minutes = {(c, r): instance.minutes(instance.classes[c].students, room.stations)
               for c in free for r, room in enumerate(rooms)}
    for c in free:
        campus = instance.classes[c].campus
        for s, slot in enumerate(slots):
            if (campus is None or rooms[slot.room].campus == campus) and minutes[c, slot.room] <= slot.length:
                durations[c, s] = minutes[c, slot.room]
        if len(durations) > MAX_PAIRS:
            raise InstanceError([f"instance: more than {MAX_PAIRS:,} class × window choices; split it into "
                                 "smaller instances (by campus or by date)"])

    deadline = started + time_limit
    origin = min((slot.clock for slot in slots), default=0)
    bound_clock = lower_bound_clock(instance)
    # 1. Primary, on classes aggregated by kind: every student that can be placed, then the earliest last finish.
    first = _primary(instance, slots, durations, origin, bound_clock, deadline, workers)
    chosen = first.chosen
    stats = {"choices": len(durations), "slots": len(slots), "primary_optimal": int(first.status == "OPTIMAL"),
             "secondary_optimal": 0}
    # 2. Secondary, per class: with placement and makespan held, balance the rooms and honour the preferences.
    if deadline - time.perf_counter() > 0.05 and chosen:
        better = _secondary(instance, slots, dates, durations, fixed, chosen, origin, deadline, workers)
        if better is not None:
            chosen, optimal = better
            stats["secondary_optimal"] = int(optimal)
    return Solution(slots, chosen, fixed, first.status, first.gap, round(time.perf_counter() - started, 3),
                    bound_clock, stats)


@dataclass
class _Primary:
    chosen: dict[int, int]
    status: str
    gap: float


def _primary(instance: Instance, slots: list[Slot], durations: dict[tuple[int, int], int], origin: int,
             bound_clock: int | None, deadline: float, workers: int) -> _Primary:
    """Placement and makespan with interchangeable classes merged into kinds (same campus rule, same minutes
    in every slot): an integer count per kind × slot instead of a Boolean per class × slot. A 1,000-class
    university has ~20 kinds, so this is ~400 integers, solved to optimality in well under a second, where the
    per-class model spent its time permuting equal classes."""
    kinds: dict[tuple[tuple[int, int], ...], list[int]] = defaultdict(list)
    options: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (c, s), minutes in durations.items():
        options[c].append((s, minutes))
    for c, choice in options.items():
        kinds[tuple(sorted(choice))].append(c)
    model = cp_model.CpModel()
    horizon = max((slot.day * DAY + slot.end for slot in slots), default=1) - origin
    count: dict[tuple[int, int], cp_model.IntVar] = {}
    by_slot: dict[int, list[tuple[int, int]]] = defaultdict(list)
    unplaced = []
    for k, (kind, classes) in enumerate(kinds.items()):
        for s, length in kind:
            count[k, s] = model.new_int_var(0, len(classes), f"n{k},{s}")
            by_slot[s].append((k, length))
        left = len(classes) - sum(count[k, s] for s, _ in kind)
        model.add(left >= 0)
        # One unplaced class weighs its minutes of work: "place as much as fits".
        unplaced.append(min(m for _, m in kind) * left)
    makespan = model.new_int_var(0, horizon, "makespan")
    for s, in_slot in by_slot.items():
        slot = slots[s]
        load = sum(length * count[k, s] for k, length in in_slot)
        model.add(load <= slot.length)
        used = model.new_bool_var(f"used{s}")
        for k, _ in in_slot:
            model.add(count[k, s] == 0).only_enforce_if(~used)
        model.add(makespan >= (slot.clock - origin) * used + load)
    if bound_clock is not None:  # valid once everything is placed, and lets CP-SAT prove the makespan optimal
        model.add(makespan >= min(horizon, bound_clock - origin))
    model.minimize((horizon + 1) * sum(unplaced) + makespan)
    solver, status = _run(model, max(0.05, 0.6 * (deadline - time.perf_counter())), workers)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # not seen; the greedy plan is still a plan
        return _Primary(_greedy(durations, slots), solver.status_name(status), 1.0)
    counts = {key: solver.value(var) for key, var in count.items()}
    chosen = _disaggregate(instance, slots, kinds, counts)
    gap = 0.0 if status == cp_model.OPTIMAL else \
        abs(solver.objective_value - solver.best_objective_bound) / max(1.0, abs(solver.objective_value))
    return _Primary(chosen, solver.status_name(status), round(gap, 4))


def _disaggregate(instance: Instance, slots: list[Slot], kinds: dict[tuple[tuple[int, int], ...], list[int]],
                  counts: dict[tuple[int, int], int]) -> dict[int, int]:
    """Name the classes behind the counts, keeping colleges together: colleges in turn (largest first) take,
    for each of their classes, a slot of its kind in the room the college already uses, else the room with the
    most places left for it. Within a kind the larger classes are placed first when not all fit."""
    kind_of = {c: k for k, members in enumerate(kinds.values()) for c in members}
    remaining = {key: n for key, n in counts.items() if n > 0}
    placeable: dict[int, int] = defaultdict(int)
    for (k, _s), n in remaining.items():
        placeable[k] += n
    colleges: dict[str, list[int]] = defaultdict(list)
    for k, members in enumerate(kinds.values()):
        for c in sorted(members, key=lambda c: -instance.classes[c].students)[:placeable[k]]:
            colleges[instance.classes[c].college].append(c)
    chosen: dict[int, int] = {}
    order = sorted(colleges, key=lambda name: -sum(instance.classes[c].students for c in colleges[name]))
    for name in order:
        rooms_used: dict[int, int] = defaultdict(int)
        for c in sorted(colleges[name]):
            k = kind_of[c]
            candidates = [s for (kk, s), n in remaining.items() if kk == k and n > 0]
            s = max(candidates, key=lambda s: (rooms_used[slots[s].room], remaining[k, s], -slots[s].clock))
            chosen[c] = s
            rooms_used[slots[s].room] += 1
            remaining[k, s] -= 1
    return chosen


def _secondary(instance: Instance, slots: list[Slot], dates: list[date], durations: dict[tuple[int, int], int],
               fixed: list[Fixed], chosen: dict[int, int], origin: int, deadline: float,
               workers: int) -> tuple[dict[int, int], bool] | None:
    """The per-class model with the primary's placement count and makespan as limits; None if it found no
    plan in time (the primary's plan stands)."""
    free = sorted({c for c, _ in durations})
    model = cp_model.CpModel()
    x = {key: model.new_bool_var(f"x{key}") for key in durations}
    by_class: dict[int, list[int]] = defaultdict(list)
    by_slot: dict[int, list[int]] = defaultdict(list)
    for c, s in durations:
        by_class[c].append(s)
        by_slot[s].append(c)

    placed = {}
    for c in free:
        placed[c] = sum(x[c, s] for s in by_class[c]) if by_class[c] else 0
        if by_class[c]:
            model.add(placed[c] <= 1)

    horizon = max((slot.day * DAY + slot.end for slot in slots), default=1) - origin
    finish_clock: dict[int, list[Expr]] = defaultdict(list)
    finish_work: dict[int, list[Expr]] = defaultdict(list)
    work: dict[int, list[Expr]] = defaultdict(list)
    segments = working_segments(instance)
    for item in fixed:
        finish_clock[item.room].append(dates.index(item.date) * DAY + item.end - origin)
        finish_work[item.room].append(work_offset(segments[item.room], item.date, item.end))
        work[item.room].append(item.end - item.start)
    for s, slot in enumerate(slots):
        if not by_slot[s]:
            continue
        load = sum(durations[c, s] * x[c, s] for c in by_slot[s])
        model.add(load <= slot.length)
        used = model.new_bool_var(f"used{s}")
        for c in by_slot[s]:
            model.add_implication(x[c, s], used)
        model.add(used <= sum(x[c, s] for c in by_slot[s]))
        end_clock = model.new_int_var(0, horizon, f"e{s}")
        model.add(end_clock == (slot.clock - origin) * used + load)
        end_work = model.new_int_var(0, slot.offset + slot.length, f"w{s}")
        model.add(end_work == slot.offset * used + load)
        finish_clock[slot.room].append(end_clock)
        finish_work[slot.room].append(end_work)
        work[slot.room].append(load)

    makespan = model.new_int_var(0, horizon, "makespan")
    earliest = model.new_int_var(0, horizon, "earliest")
    idle_terms = []
    for r in finish_clock:
        f_clock = model.new_int_var(0, horizon, f"F{r}")
        model.add_max_equality(f_clock, finish_clock[r])
        f_work = model.new_int_var(0, DAY * len(dates), f"W{r}")
        model.add_max_equality(f_work, finish_work[r])
        model.add(makespan >= f_clock)
        model.add(earliest <= f_clock)
        idle_terms.append(f_work - sum(work[r]))

    secondary = _preferences(model, instance, x, by_class, slots, durations, dates)
    secondary += W_SECONDARY["idle"] * sum(idle_terms) + W_SECONDARY["spread"] * (makespan - earliest)
    unplaced = sum(instance.classes[c].students * (1 - placed[c]) for c in free)
    model.add(unplaced <= sum(instance.classes[c].students for c in free if c not in chosen))
    ends = [dates.index(item.date) * DAY + item.end - origin for item in fixed]
    chosen_load: dict[int, int] = defaultdict(int)
    for c, s in chosen.items():
        chosen_load[s] += durations[c, s]
    ends += [slots[s].clock - origin + minutes for s, minutes in chosen_load.items()]
    model.add(makespan <= max(ends))
    model.minimize(secondary)
    _complete_hint(model, {x[c, s]: 1 for c, s in chosen.items()}, list(x.values()),
                   0.3 * (deadline - time.perf_counter()))
    solver, status = _run(model, deadline - time.perf_counter(), workers)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {c: s for (c, s), var in x.items() if solver.boolean_value(var)}, status == cp_model.OPTIMAL


def _complete_hint(model: cp_model.CpModel, ones: dict[cp_model.IntVar, int], bools: list[cp_model.IntVar],
                   seconds: float) -> None:
    """Hint every variable, not only x: CP-SAT completes partial hints poorly on big models (seen: the greedy
    hint ignored on the university). The values come from the model itself with x fixed (presolve does it)."""
    probe = model.clone()
    for var in bools:
        probe.add(probe.get_bool_var_from_proto_index(var.index) == ones.get(var, 0))
    probe.clear_objective()
    solver, status = _run(probe, seconds, 1)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def _run(model: cp_model.CpModel, seconds: float, workers: int) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.log_search_progress = bool(os.environ.get("TUCAI_SOLVER_LOG"))
    return solver, solver.solve(model)


def work_offset(room: dict[date, list[tuple[int, int]]], day: date, minute: int) -> int:
    """Working minutes of a room before (day, minute)."""
    total = 0
    for other, spans in room.items():
        for start, end in spans:
            if other < day or (other == day and end <= minute):
                total += end - start
            elif other == day and start < minute:
                total += minute - start
    return total


def _preferences(model: cp_model.CpModel, instance: Instance, x: dict[tuple[int, int], cp_model.IntVar],
                 by_class: dict[int, list[int]], slots: list[Slot], durations: dict[tuple[int, int], int],
                 dates: list[date]) -> Expr:
    """The soft preferences as penalty terms (see the module docstring for the weights)."""
    colleges: dict[str, list[int]] = defaultdict(list)
    levels: dict[tuple[str, str], list[int]] = defaultdict(list)
    for c in by_class:
        klass = instance.classes[c]
        colleges[klass.college].append(c)
        if klass.level is not None:
            levels[klass.college, klass.level].append(c)
    terms: list[Expr] = []
    for name, members in colleges.items():  # a college in one room: pay for every further room it uses
        if len(members) < 2:
            continue
        rooms_used = []
        for r in {slots[s].room for c in members for s in by_class[c]}:
            y = model.new_bool_var(f"y{name}{r}")
            for c in members:
                for s in by_class[c]:
                    if slots[s].room == r:
                        model.add_implication(x[c, s], y)
            rooms_used.append(y)
        terms.append(W_SECONDARY["college"] * (sum(rooms_used) - 1))
    for key, members in levels.items():  # a college's level in one slot (e.g. all its 博士 in one sitting)
        if len(members) < 2:
            continue
        slots_used = []
        for s in {s for c in members for s in by_class[c]}:
            z = model.new_bool_var(f"z{key}{s}")
            for c in members:
                if (c, s) in x:
                    model.add_implication(x[c, s], z)
            slots_used.append(z)
        terms.append(W_SECONDARY["level"] * (sum(slots_used) - 1))
    for c, options in by_class.items():
        klass = instance.classes[c]
        for s in options:
            cost = _time_penalty(instance, c, slots[s], durations[c, s], dates) * W_SECONDARY["time"]
            campus = instance.rooms[slots[s].room].campus
            if klass.preferred_campus is not None and campus != klass.preferred_campus:
                cost += W_SECONDARY["campus"]
            if cost:
                terms.append(cost * x[c, s])
    return sum(terms)


def blackout_free(instance: Instance, room: int, day: date, start: int, end: int) -> bool:
    """True when [start, end) on `day` lies inside one working segment of the room (a window minus blackouts)."""
    return any(a <= start and end <= b for a, b in working_segments(instance)[room].get(day, []))
