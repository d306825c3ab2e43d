"""Request and response bodies of capture's subjects API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SubjectOut(BaseModel):
    subject_key: str
    school_code: str
    college_name: str | None
    class_no: str | None
    roster_order: int
    masked_name: str
    masked_id_number: str
    sex: str
    level: str
    has_capture_code: bool
    makeup_certified_at: datetime | None = Field(
        default=None, description="最近一次补拍证明的开具时间：已拍摄的学生须持拍摄后开具的补拍证明才能再次签到")


class SubjectList(BaseModel):
    items: list[SubjectOut]
    total: int
