"""Request and response bodies of the plan API. Dates local, times local "HH:MM" (Asia/Shanghai)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from services.scheduling.days.schemas import HHMM


class AssignmentOut(BaseModel):
    class_id: str
    class_code: str
    class_name: str
    college: str
    college_id: str | None
    students: int
    room: str
    campus: str | None
    date: date
    weekday: str
    start: str
    end: str
    arrive: str


class UnplacedOut(BaseModel):
    class_id: str
    class_name: str
    college: str
    students: int
    short_minutes: int = Field(description="minutes the best window left lacks for this class")
    reason: str


class MovedOut(BaseModel):
    class_id: str
    before: str
    after: str | None


class PlanOut(BaseModel):
    id: str
    day_id: str
    school_code: str
    province_code: str
    status: str = Field(description="solving, draft, published or superseded")
    job_id: str | None
    based_on: str | None
    timezone: str
    created_at: datetime
    published_at: datetime | None
    rooms: list[str]
    assignments: list[AssignmentOut]
    unplaced: list[UnplacedOut]
    room_finish: dict[str, str | None]
    lower_bound_minutes: int | None
    makespan_minutes: int | None
    finish_ratio: float | None
    students_placed: int | None
    students_total: int | None
    gap: float | None
    solve_seconds: float | None
    kept: int | None
    moved: list[MovedOut] | None


class PlanSummary(BaseModel):
    id: str
    status: str
    created_at: datetime
    published_at: datetime | None
    students_placed: int | None
    students_total: int | None
    unplaced: int


class PlanList(BaseModel):
    items: list[PlanSummary]
    total: int


class MoveIn(BaseModel):
    room: str = Field(min_length=1, max_length=64)
    date: date
    start: HHMM
