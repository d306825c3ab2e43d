"""Request and response bodies of capture's stations API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class StationIn(BaseModel):
    room: str = Field(min_length=1, max_length=80)
    name: str = Field(min_length=1, max_length=40, description="机位名称，如“机位1”")
    photographer: str = Field(min_length=1, max_length=64, description="摄影师的登录名")


class CaptureDayIn(BaseModel):
    school_code: str = Field(pattern=r"^\d{5}$")
    day: date = Field(description="采集日期（北京时间）")
    rooms: list[str] = Field(min_length=1, max_length=40)
    stations: list[StationIn] = Field(min_length=1, max_length=100)


class PhotographerIn(BaseModel):
    photographer: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$",
                              description="摄影师的登录名")


class StationOut(BaseModel):
    id: str
    capture_day_id: str
    school_code: str
    province_code: str
    day: date
    room: str
    name: str
    photographer: str
    last_sequence_no: int


class CaptureDayOut(BaseModel):
    id: str
    school_code: str
    province_code: str
    day: date
    rooms: list[str]
    stations: list[StationOut]


class StationList(BaseModel):
    items: list[StationOut]
    total: int


class FrontCheckin(BaseModel):
    id: str
    sequence_no: int
    subject_key: str
    masked_name: str
    class_no: str | None
    college_name: str | None
    opened_at: datetime
    photo_versions: int
    accepted: bool


class QueuedSubject(BaseModel):
    subject_key: str
    masked_name: str
    class_no: str | None
    roster_order: int


class StationBoard(BaseModel):
    """What the station screen shows: the station, the student in front (the open check-in) and who is next."""

    station: StationOut
    front: FrontCheckin | None
    queue: list[QueuedSubject]
    done_today: int
