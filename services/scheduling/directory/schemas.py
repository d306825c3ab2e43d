"""Request and response bodies of scheduling's directory API."""

from __future__ import annotations

from pydantic import BaseModel


class CollegeOut(BaseModel):
    id: str
    school_code: str
    code: str
    name: str


class CollegeList(BaseModel):
    items: list[CollegeOut]
    total: int


class SchoolSummary(BaseModel):
    school_code: str
    name: str
    province_code: str
    colleges: int
    approved_students: int


class ClassOut(BaseModel):
    id: str
    school_code: str
    college_id: str
    code: str
    name: str
    approved_students: int


class ClassList(BaseModel):
    items: list[ClassOut]
    total: int
