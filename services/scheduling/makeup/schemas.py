"""Request and response bodies of the make-up calendar. Local date and times (Asia/Shanghai)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.scheduling.days.schemas import HHMM


class MakeupWindowIn(BaseModel):
    date: date
    period: Literal["am", "pm"]
    start: HHMM | None = Field(None, description="default 08:30 (am) or 14:30 (pm)")
    end: HHMM | None = Field(None, description="default 11:30 (am) or 17:30 (pm)")
    seats: int = Field(ge=1, le=2000)
    location: str = Field("", max_length=120)
    province_code: str | None = Field(None, min_length=2, max_length=2, description="platform admins only")


class MakeupWindowOut(BaseModel):
    id: str
    province_code: str
    timezone: str
    date: date
    weekday: str
    period: str
    start: str
    end: str
    seats: int
    booked: int
    free: int
    location: str


class MakeupWindowList(BaseModel):
    items: list[MakeupWindowOut]
    total: int


class BookingIn(BaseModel):
    window_id: str = Field(min_length=1, max_length=32)


class BookingOut(BaseModel):
    id: str
    window: MakeupWindowOut
    school_code: str
    masked_name: str
    college_name: str
    class_name: str
    created_at: datetime
    updated_at: datetime


class WindowBookings(BaseModel):
    window: MakeupWindowOut
    items: list[BookingOut]
    total: int
