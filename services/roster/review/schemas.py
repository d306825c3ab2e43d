"""Request and response bodies of roster's campaigns, review batches, decisions and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.roster.pages import Page


class CampaignIn(BaseModel):
    term: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="毕业届别, e.g. 2026-06")
    name: str = Field(min_length=2, max_length=80)
    levels: list[str] = Field(min_length=1)
    exclude_part_time: bool = True
    graduation_from: date
    graduation_to: date
    province_code: str | None = Field(default=None, pattern=r"^\d{2}$")


class CampaignOut(BaseModel):
    id: str
    province_code: str
    term: str
    name: str
    levels: list[str]
    exclude_part_time: bool
    graduation_from: date
    graduation_to: date


class CampaignList(BaseModel):
    items: list[CampaignOut]
    total: int


class BatchIn(BaseModel):
    term: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    student_ids: list[str] | None = Field(default=None, description="默认提交所有待提交和未通过（已修改）的学生")
    class_ids: list[str] | None = Field(default=None, description="只提交这些班级的学生（默认全部班级）")
    school_code: str | None = Field(default=None, pattern=r"^\d{5}$")


class SubmittableClass(BaseModel):
    """One class of the school as the next batch would take it."""

    school_code: str
    class_id: str | None
    class_no: str | None
    class_name: str | None
    college_name: str | None
    imported: int  # 待提交
    corrected: int  # 未通过（已修改）: resubmitted
    uncorrected: int  # 未通过且未修改: stays back
    uncorrected_student_nos: list[str]


class SubmittableList(BaseModel):
    items: list[SubmittableClass]
    total: int


class BatchOut(BaseModel):
    id: str
    school_code: str
    school_name: str
    term: str
    status: str
    submitted_by: str
    submitted_at: datetime
    students: int
    approved: int
    rejected: int
    pending: int
    flagged: int


class BatchList(BaseModel):
    items: list[BatchOut]
    total: int


class Flag(BaseModel):
    code: str
    message: str


class ReviewItemOut(BaseModel):
    id: str
    student_id: str
    student_no: str
    name: str
    sex: str
    id_number_masked: str
    level: str
    study_mode: str | None
    expected_graduation: date | None
    college_name: str | None = None  # 院系
    class_no: str | None = None
    major_name: str | None = None
    entry_date: date | None = None
    decision: str
    reason: str
    decided_by: str | None
    decided_at: datetime | None
    flags: list[Flag]


class ReviewItemList(BaseModel):
    items: list[ReviewItemOut]
    total: int


class DecisionIn(BaseModel):
    decision: Literal["approved", "rejected"]
    reason: str = Field(default="", max_length=200)
    student_ids: list[str] | None = Field(default=None, description="默认对批次内所有待审学生")


class DecisionOut(BaseModel):
    batch: BatchOut
    decided: int


class AuditOut(BaseModel):
    at: datetime
    actor: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    reason: str
    school_code: str | None
    details: dict[str, object]


class AuditList(Page):
    items: list[AuditOut]
