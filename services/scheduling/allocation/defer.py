"""On the day: a class that has not arrived by its start goes to the end of its room's day. The classes before it
keep their times, the ones after it move up into the gap (never before the arrival time they were given), and the
late class follows them where a working segment (a window minus blackouts) still holds its block. Pure: plan
documents in, plan documents out."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.scheduling.allocation.instance import Instance, hhmm
from services.scheduling.allocation.solver import working_segments

Assignment = dict[str, Any]


class DoesNotFit(Exception):
    def __init__(self, short_minutes: int) -> None:
        super().__init__(f"{short_minutes} minutes short")
        self.short_minutes = short_minutes


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:5])


def _earliest(segments: list[tuple[int, int]], not_before: int, need: int) -> int | None:
    for start, end in segments:
        begin = max(start, not_before)
        if begin + need <= end:
            return begin
    return None


def defer_to_end(instance: Instance, assignments: list[Assignment], class_id: str) -> list[Assignment]:
    """The plan's assignments with `class_id` moved to the end of its room's day; DoesNotFit when no segment of that
    day holds it any more (with the minutes it lacks in the longest one left)."""
    late = next(a for a in assignments if a["class"] == class_id)
    room = next(r for r, room in enumerate(instance.rooms) if room.id == late["room"])
    segments = working_segments(instance)[room].get(date.fromisoformat(late["date"]), [])
    after = sorted((a for a in assignments if a["room"] == late["room"] and a["date"] == late["date"]
                    and a["start"] > late["start"]), key=lambda a: a["start"])
    cursor, moved = _minutes(late["start"]), {}
    for a in [*after, late]:
        need = _minutes(a["end"]) - _minutes(a["start"])
        not_before = cursor if a is late else max(cursor, _minutes(a["arrive"]))
        start = _earliest(segments, not_before, need)
        if start is None:
            room_left = max((end - max(begin, not_before) for begin, end in segments if end > not_before), default=0)
            raise DoesNotFit(need - max(room_left, 0))
        changed = {**a, "start": hhmm(start), "end": hhmm(start + need)}
        if a is late:  # told anew: arrive the usual lead before the new start
            changed["arrive"] = hhmm(max(0, start - instance.arrival_lead_minutes))
        moved[a["class"]] = changed
        cursor = start + need
    return [moved.get(a["class"], a) for a in assignments]
