"""Request and response bodies of capture's subjects API."""

from __future__ import annotations

from pydantic import BaseModel


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


class SubjectList(BaseModel):
    items: list[SubjectOut]
    total: int
