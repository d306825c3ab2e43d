"""Request and response bodies of roster's students, their history, capture pass and capture code."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from services.roster.pages import Page


class StudentOut(BaseModel):
    """A student in a list: the ID number masked (the full value is not needed to find someone)."""

    id: str
    school_code: str
    student_no: str
    name: str
    sex: str
    id_number_masked: str
    college_id: str | None
    class_id: str | None
    major_name: str | None
    level: str
    review_status: str
    review_reason: str | None = None


class StudentList(Page):
    items: list[StudentOut]


class StudentDetail(BaseModel):
    """One student's full record, for the school and for the student themself (proofreading)."""

    id: str
    school_code: str
    school_name: str
    student_no: str
    exam_no: str | None
    name: str
    sex: str
    birth_date: date | None
    id_type: str
    id_number: str
    ethnicity: str | None
    political: str | None
    major_code: str | None
    major_name: str | None
    level: str
    duration: str | None
    study_mode: str | None
    entry_date: date | None
    expected_graduation: date | None
    college_id: str | None
    class_id: str | None
    campus: str | None
    review_status: str
    review_reason: str | None = None
    has_capture_pass: bool
    capture_code: str | None
    captured_terms: list[str] = Field(default_factory=list, description="已采集的届别（采集服务确认收片后记录）")


class StudentEditIn(BaseModel):
    changes: dict[str, str] = Field(min_length=1, max_length=14,
                                    description="field -> new value as typed (name, sex, birth_date, id_number, …)")


class ChangeOut(BaseModel):
    field: str
    field_label: str
    old_value: str
    new_value: str
    source: str
    reference: str | None
    actor: str
    at: datetime


class ChangeList(BaseModel):
    items: list[ChangeOut]
    total: int


class CapturePass(BaseModel):
    subject_key: str
    token: str
    qr_svg: str
    expires_at: datetime


class IdentifyIn(BaseModel):
    """Legacy check-in: the ID number read from the student's card at the station."""

    school_code: str | None = Field(default=None, min_length=5, max_length=10, pattern=r"^[0-9A-Za-z]+$",
                                    description="Only this school's students (default: any in the caller's scope)")
    id_number: str = Field(min_length=15, max_length=20, description="居民身份证号码（15 或 18 位）")


class Identified(BaseModel):
    """The approved student's pseudonymous key and school: nothing about the person leaves roster this way."""

    subject_key: str
    school_code: str


class CaptureCodeIn(BaseModel):
    capture_code: str = Field(min_length=4, max_length=64, pattern=r"^[0-9A-Za-z-]+$",
                              description="学信网图像采集码")
