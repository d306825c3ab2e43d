"""Response bodies of the school progress API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ClassCaptureProgressOut(BaseModel):
    college_id: str | None
    college_name: str | None
    class_id: str | None
    class_no: str | None
    class_name: str | None
    approved: int = Field(description="审核通过")
    checked_in: int = Field(description="已签到")
    photographed: int = Field(description="已拍摄（有合格照片）")
    confirmed: int = Field(description="学生已校对确认（当前版本照片）")


class ProgressTotals(BaseModel):
    approved: int
    checked_in: int
    photographed: int
    confirmed: int


class SchoolProgress(BaseModel):
    school_code: str
    term: str | None
    classes: list[ClassCaptureProgressOut]
    totals: ProgressTotals
