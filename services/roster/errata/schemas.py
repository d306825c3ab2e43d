"""Request and response bodies of roster's errata (勘误) and their decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ErratumIn(BaseModel):
    field: str = Field(description="name, sex, ethnicity, birth_date, id_number, major_name, level, duration, "
                                   "entry_date, …")
    new_value: str = Field(min_length=1, max_length=100)
    reason: str = Field(default="", max_length=200)


class ErratumOut(BaseModel):
    id: str
    student_id: str
    student_no: str
    student_name: str
    field: str
    field_label: str
    old_value: str
    new_value: str
    reason: str
    source: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str


class ErratumList(BaseModel):
    items: list[ErratumOut]
    total: int


class ErratumDecisionIn(BaseModel):
    decision: Literal["approved", "rejected"]
    reason: str = Field(default="", max_length=200)
