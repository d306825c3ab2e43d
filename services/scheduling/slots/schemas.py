"""Response bodies of the slot API. Local date and times (Asia/Shanghai)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class MySlotOut(BaseModel):
    timezone: str
    date: date
    weekday: str
    room: str
    campus: str | None
    start: str
    end: str
    arrive: str
    college: str
    class_name: str
    bring: list[str]
    dress: list[str]
