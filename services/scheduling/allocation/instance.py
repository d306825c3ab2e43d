"""The allocation instance: rooms with their stations and windows, classes with their headcounts, the rate.

Parsed with pydantic from the JSON of `tucai plan INSTANCE.json` (the format is in the README). Everything a
hostile or careless file could do to the solver is bounded here, before a model is built: file size, list lengths,
headcounts, windows that end before they start or overlap, unknown fields (a typo in a field name would otherwise
silently drop a constraint). Errors name the field, e.g. `classes[3].students: must be >= 1`.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from fractions import Fraction
from math import ceil
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

MAX_BYTES = 2_000_000  # a 1,000-class university is ~100 KB; 2 MB leaves room for 20,000 classes
MAX_CLASSES = 20_000
MAX_ROOMS = 200
MAX_WINDOWS = 400  # per room, and for the global blackouts
MAX_STUDENTS = 5_000  # per class; a "class" of more is a typo or a whole college
MAX_STATIONS = 50
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


class InstanceError(ValueError):
    """A refused instance. `problems` are one line each, every one naming the field it is about."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _minutes(value: Any) -> int:
    if isinstance(value, str) and (match := _HHMM.match(value.strip())):
        return 1440 if match.group(1) is None else int(match.group(1)) * 60 + int(match.group(2))
    raise ValueError(f"expected a time of day as \"HH:MM\" (00:00-24:00), got {value!r}")


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# Times of day are whole minutes since midnight inside the program and "HH:MM" in files.
Minute = Annotated[int, BeforeValidator(_minutes), PlainSerializer(hhmm, return_type=str)]
Name = Annotated[str, Field(min_length=1, max_length=64)]


def weekday(day: date) -> str:
    """Always computed from the date (seed 002 printed 周一 for Thursday 2020-11-19)."""
    return WEEKDAYS[day.weekday()]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(_Strict):
    """A time range on one date: a capture window, or a blackout inside windows."""

    date: date
    start: Minute
    end: Minute

    @field_validator("date")
    @classmethod
    def _plausible(cls, value: dt.date) -> dt.date:  # dt.: in this class `date` names the field
        if not FIRST_DATE <= value <= LAST_DATE:
            raise ValueError(f"date {value} outside {FIRST_DATE}..{LAST_DATE}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end <= self.start:
            raise ValueError(f"end {hhmm(self.end)} is not after start {hhmm(self.start)}")
        return self


class Room(_Strict):
    id: Name
    campus: Name | None = None
    stations: int = Field(1, ge=1, le=MAX_STATIONS, description="cameras working in parallel")
    windows: list[Span] = Field(min_length=1, max_length=MAX_WINDOWS)
    blackouts: list[Span] = Field(default_factory=list, max_length=MAX_WINDOWS)

    @model_validator(mode="after")
    def _windows_apart(self) -> Room:
        spans = sorted(self.windows, key=lambda s: (s.date, s.start))
        for before, after in zip(spans, spans[1:], strict=False):
            if before.date == after.date and after.start < before.end:
                raise ValueError(f"windows overlap on {after.date}: {hhmm(before.start)}-{hhmm(before.end)} and "
                                 f"{hhmm(after.start)}-{hhmm(after.end)}")
        return self


class ClassGroup(_Strict):
    """One class (班级) of a college: shot as one block, never split."""

    id: Name
    college: Name
    students: int = Field(ge=1, le=MAX_STUDENTS)
    campus: Name | None = Field(None, description="hard: shot only in a room of this campus")
    level: Name | None = Field(None, description="e.g. 硕士/博士: a college's classes of one level stay together")
    preferred_campus: Name | None = None
    preferred_date: date | None = None
    preferred_start: Minute | None = None


class Instance(_Strict):
    rate_per_station_per_minute: float = Field(2.7, gt=0, le=60)
    arrival_lead_minutes: int = Field(20, ge=0, le=240)
    rooms: list[Room] = Field(min_length=1, max_length=MAX_ROOMS)
    classes: list[ClassGroup] = Field(max_length=MAX_CLASSES)
    blackouts: list[Span] = Field(default_factory=list, max_length=MAX_WINDOWS, description="for every room")

    @model_validator(mode="after")
    def _unique_ids(self) -> Instance:
        for label, ids in (("rooms", [r.id for r in self.rooms]), ("classes", [c.id for c in self.classes])):
            seen: set[str] = set()
            for index, value in enumerate(ids):
                if value in seen:
                    raise ValueError(f"{label}[{index}].id {value!r} appears twice")
                seen.add(value)
        return self

    @property
    def rate(self) -> Fraction:
        # Exact arithmetic: 28 students at 2.8/min is 10 minutes, not ceil(10.000000000000002) = 11.
        return Fraction(repr(self.rate_per_station_per_minute))

    def minutes(self, students: int, stations: int) -> int:
        """Whole minutes a class needs in a room: n stations take n students at a time."""
        return ceil(Fraction(students) / (stations * self.rate))


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part.startswith(("function-", "json-or-python", "lax-or-strict")):
            text += f".{part}" if text else part
    return text or "instance"


def problems_of(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False)[:20]:
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{_location(item['loc'])}: {message}")
    if error.error_count() > 20:
        problems.append(f"... and {error.error_count() - 20} more")
    return problems


def parse_instance(text: str | bytes) -> Instance:
    """The instance in a JSON document, or InstanceError with every problem (up to 20) naming its field."""
    size = len(text.encode() if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise InstanceError([f"instance: {size:,} bytes is more than the {MAX_BYTES:,} an instance may have"])
    try:
        return Instance.model_validate_json(text)
    except ValidationError as error:
        raise InstanceError(problems_of(error)) from None
