"""The live board's response (the same document the stream sends as its `board` events)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class Progress(BaseModel):
    expected: int
    checked_in: int
    photographed: int


class SlotBoard(Progress):
    class_id: str
    class_name: str
    college_name: str
    start: str
    end: str
    arrive: str


class RoomBoard(Progress):
    room: str
    campus: str | None
    rate_per_minute: float = Field(description="近20分钟每分钟拍摄人数")
    projected_finish: str | None = Field(description="按当前速度预计完成时间（仅当天）")
    late: bool = Field(description="预计完成晚于采集时段结束")
    slots: list[SlotBoard]


class BoardOut(BaseModel):
    day_id: str
    plan_id: str | None = Field(None, description="the published plan the slots come from (its classes can be "
                                                   "deferred on the day)")
    school_code: str
    title: str
    timezone: str
    date: dt.date
    dates: list[dt.date]
    window_end: str
    generated_at: dt.datetime
    totals: Progress
    unscheduled: Progress = Field(description="签到/拍摄但不在本日排期中的学生（如补拍、换班）")
    rooms: list[RoomBoard]
