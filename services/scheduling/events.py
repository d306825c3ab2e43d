"""Events scheduling publishes (its public contract). Dates are local dates and times local "HH:MM",
Asia/Shanghai (the `timezone` field says so)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from services.kernel.events.event import Event


class PublishedClassSlot(BaseModel):
    """One class's block in a published plan."""

    class_id: str
    college_id: str | None
    room: str
    campus: str | None
    date: date
    start: str
    end: str
    arrive: str
    students: int


class PlanPublished(Event):
    """A capture day's plan was published (or re-published after a re-plan): the full set of class slots of the
    day, replacing any earlier set for the same day_id. Capture learns its days, rooms and slots from it."""

    TYPE = "scheduling.plan.published"

    plan_id: str
    day_id: str
    school_code: str
    province_code: str
    term: str
    timezone: str = "Asia/Shanghai"
    dates: list[date]
    rooms: list[str]
    # Cameras per room (a room missing here has one). Added compatibly: an older payload without it validates.
    room_stations: dict[str, int] = {}
    slots: list[PublishedClassSlot]
    unplaced_class_ids: list[str]
