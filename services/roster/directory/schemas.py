"""Request and response bodies of roster's provinces, agencies, schools, campuses, colleges, classes, coordinators."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ProvinceIn(BaseModel):
    code: str = Field(pattern=r"^\d{2}$", description="GB/T 2260 省级代码, e.g. 36")
    name: str = Field(min_length=2, max_length=20)


class ProvinceOut(BaseModel):
    code: str
    name: str


class ProvinceList(BaseModel):
    items: list[ProvinceOut]
    total: int


class AgencyIn(BaseModel):
    province_code: str = Field(pattern=r"^\d{2}$")
    name: str = Field(min_length=2, max_length=80)


class AgencyOut(BaseModel):
    id: str
    province_code: str
    name: str


class AgencyList(BaseModel):
    items: list[AgencyOut]
    total: int


class SchoolIn(BaseModel):
    code: str = Field(pattern=r"^\d{5}$", description="院校代码 (5 digits)")
    name: str = Field(min_length=2, max_length=80)
    province_code: str | None = Field(default=None, pattern=r"^\d{2}$")


class SchoolUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=80)
    contact_recipient: str | None = Field(default=None, max_length=40)
    contact_address: str | None = Field(default=None, max_length=200)
    contact_postcode: str | None = Field(default=None, pattern=r"^\d{6}$")
    contact_phone: str | None = Field(default=None, pattern=r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
    student_second_factor: Literal["id_last6", "birth_date", "exam_no_last6"] | None = None


class SchoolOut(BaseModel):
    code: str
    name: str
    province_code: str
    contact_recipient: str = ""
    contact_address: str = ""
    contact_postcode: str = ""
    contact_phone: str = ""
    student_second_factor: str = "id_last6"


class SchoolList(BaseModel):
    items: list[SchoolOut]
    total: int


class CampusIn(BaseModel):
    name: str = Field(min_length=2, max_length=80, description="校区名称; a branch campus keeps the school's code")
    school_code: str | None = Field(default=None, pattern=r"^\d{5}$")


class CampusOut(BaseModel):
    id: str
    school_code: str
    name: str


class CampusList(BaseModel):
    items: list[CampusOut]
    total: int


class CollegeIn(BaseModel):
    code: str = Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z_-]+$",
                      description="院系代码 (digits, letters, - or _)")
    name: str = Field(min_length=1, max_length=80, description="院系名称")
    school_code: str | None = Field(default=None, pattern=r"^\d{5}$",
                                    description="院校代码; defaults to the caller's school")


class CollegeUpdate(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class CollegeOut(BaseModel):
    id: str
    school_code: str
    code: str
    name: str
    created_at: datetime


class CollegeList(BaseModel):
    items: list[CollegeOut]
    total: int


class ClassIn(BaseModel):
    college_id: str
    code: str = Field(min_length=1, max_length=40, description="班号")
    name: str | None = Field(default=None, max_length=80, description="班级名称")


class ClassUpdate(BaseModel):
    """Rename or recode a class; fields left out stay as they are."""

    code: str | None = Field(default=None, min_length=1, max_length=40, description="班号")
    name: str | None = Field(default=None, max_length=80, description="班级名称")


class ClassOut(BaseModel):
    id: str
    school_code: str
    college_id: str
    code: str
    name: str
    students: int = 0


class ClassList(BaseModel):
    items: list[ClassOut]
    total: int


class CoordinatorIn(BaseModel):
    college_id: str
    class_id: str | None = None
    kind: Literal["college_teacher", "class_student"]
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")


class CoordinatorOut(BaseModel):
    id: str
    school_code: str
    college_id: str
    class_id: str | None
    kind: str
    name: str
    phone: str


class CoordinatorList(BaseModel):
    items: list[CoordinatorOut]
    total: int
