"""Request and response bodies of the capture-day API. Dates are local dates, times local "HH:MM"
(Asia/Shanghai); every response says so in `timezone`."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])]
Term = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-06"])]


class WindowIn(BaseModel):
    start: HHMM
    end: HHMM

    @model_validator(mode="after")
    def _ordered(self) -> WindowIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class RoomIn(BaseModel):
    id: str = Field(min_length=1, max_length=64, description="room name, e.g. 图书馆E201")
    campus: str | None = Field(None, max_length=64)
    stations: int = Field(1, ge=1, le=50, description="cameras working in parallel")


class BlackoutIn(WindowIn):
    date: date
    room: str | None = Field(None, max_length=64, description="one room, or every room when empty")


class CaptureDayIn(BaseModel):
    school_code: str = Field(min_length=5, max_length=5)
    term: Term
    title: str = Field("", max_length=80)
    dates: list[date] = Field(min_length=1, max_length=31)
    windows: list[WindowIn] = Field(min_length=1, max_length=6)
    rooms: list[RoomIn] = Field(min_length=1, max_length=200)
    blackouts: list[BlackoutIn] = Field(default_factory=list, max_length=100)
    rate_per_station_per_minute: float = Field(2.7, gt=0, le=60)
    arrival_lead_minutes: int = Field(20, ge=0, le=240)
    bring: list[Annotated[str, Field(max_length=80)]] | None = Field(None, max_length=10)
    dress: list[Annotated[str, Field(max_length=80)]] | None = Field(None, max_length=10)


class PreferenceIn(BaseModel):
    college_id: str = Field(min_length=1, max_length=32)
    campus: str | None = Field(None, max_length=64)
    date: dt.date | None = None
    start: HHMM | None = None


class PreferencesIn(BaseModel):
    items: list[PreferenceIn] = Field(max_length=200)


class DayDate(BaseModel):
    date: date
    weekday: str = Field(description="computed from the date, e.g. 星期四")


class Blackout(BaseModel):
    date: date
    start: str
    end: str
    room: str | None = None


class Room(BaseModel):
    id: str
    campus: str | None = None
    stations: int


class Window(BaseModel):
    start: str
    end: str


class Preference(BaseModel):
    college_id: str
    campus: str | None = None
    date: dt.date | None = None
    start: str | None = None


class CaptureDayOut(BaseModel):
    id: str
    school_code: str
    province_code: str
    term: str
    title: str
    timezone: str
    dates: list[DayDate]
    windows: list[Window]
    rooms: list[Room]
    blackouts: list[Blackout]
    rate_per_station_per_minute: float
    arrival_lead_minutes: int
    preferences: list[Preference]
    bring: list[str]
    dress: list[str]
    created_at: datetime
    updated_at: datetime
    school_name: str | None = Field(None, description="in lists: the school's name")
    plan_status: str | None = Field(
        None, description="in lists: none, solving, draft, published or failed (published once any plan is)")


class CaptureDayList(BaseModel):
    items: list[CaptureDayOut]
    total: int
