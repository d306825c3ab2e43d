"""Request and response bodies of proofreading. The student's phone codes against these names: add fields, never
rename them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

ProofStateName = Literal["not_photographed", "to_proofread", "confirmed", "reported"]


class ProofPhotoOut(BaseModel):
    id: str
    version: int
    url: str = Field(description="短时有效的标准照（480×640）签名链接")
    url_expires_at: datetime
    taken_at: datetime


class ProofReportOut(BaseModel):
    id: str
    kind: Literal["not_me", "retake"]
    note: str
    state: Literal["open", "resolved"]
    created_at: datetime
    version: int
    resolution: str | None
    resolved_at: datetime | None


class MyProofOut(BaseModel):
    state: ProofStateName
    photo: ProofPhotoOut | None
    deadline: datetime | None
    closed: bool = Field(description="校对已截止（仍可报告“不是我”）")
    reports: list[ProofReportOut]
    updated_at: datetime | None


class ReportIn(BaseModel):
    kind: Literal["not_me", "retake"]
    note: str = Field(max_length=200, description="说明（可为空，最多 200 字）")


class ProofRowOut(BaseModel):
    """One student as the school sees them: masked name and ID number, never the full ones."""

    subject_key: str
    school_code: str
    province_code: str
    college_name: str | None
    class_id: str | None
    class_no: str | None
    class_name: str | None
    roster_order: int
    masked_name: str
    masked_id_number: str
    state: ProofStateName
    photo_id: str | None
    version: int | None
    photographed_at: datetime | None
    decided_at: datetime | None
    deadline: datetime | None
    open_reports: list[Literal["not_me", "retake"]]


class ProofRowList(BaseModel):
    items: list[ProofRowOut]
    total: int


class ClassProgressOut(BaseModel):
    school_code: str
    class_id: str | None
    class_no: str | None
    class_name: str | None
    college_name: str | None
    students: int
    photographed: int
    confirmed: int
    reported: int
    to_proofread: int


class DeadlineOut(BaseModel):
    school_code: str
    province_code: str
    term: str
    deadline: datetime
    set_by: str
    updated_at: datetime


class ProofSummaryOut(BaseModel):
    items: list[ClassProgressOut]
    deadlines: list[DeadlineOut]


class DeadlineIn(BaseModel):
    school_code: str = Field(pattern=r"^\d{5}$")
    term: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="毕业届别，如 2026-06")
    deadline: AwareDatetime = Field(description="校对截止时间（带时区）")
