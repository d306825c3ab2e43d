"""A capture day plus its school's approved students, as an allocation instance (allocation/instance.py).

One class per roster class with its approved count; students without a class form one group per college. A
class is held to its students' campus when the day has rooms on that campus (hard); the school's preferences
(campus per college, requested date and time) are soft."""

from __future__ import annotations

from typing import Any

from services.scheduling.days.service import instance_rooms
from services.scheduling.models import CaptureDay
from services.scheduling.plans.repository import ClassGroup


def build(day: CaptureDay, groups: list[ClassGroup]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The instance document and the labels of its classes (id -> code, name, college)."""
    base = instance_rooms(day)
    campuses = {room["campus"] for room in base["rooms"] if room["campus"]}
    wishes = {p["college_id"]: p for p in day.preferences}
    classes, labels = [], {}
    for college_id, college_name, class_id, class_no, class_name, count, level, campus in groups:
        key = class_id or f"{college_id or 'none'}-noclass"
        college = (college_name or college_id or "未分配学院")[:64]
        wish = wishes.get(college_id or "", {})
        classes.append({
            "id": key, "college": college, "students": int(count), "level": level or None,
            "campus": campus if campus in campuses else None,
            "preferred_campus": wish.get("campus"), "preferred_date": wish.get("date"),
            "preferred_start": wish.get("start")})
        labels[key] = {"code": class_no or "", "name": class_name or "（未分班）", "college_id": college_id,
                       "college_name": college}
    return {**base, "classes": classes}, labels
