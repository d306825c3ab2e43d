"""Request and response bodies of roster's API (public: other services may import this module)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    role_label: str
    province_code: str | None
    province_name: str | None
    school_code: str | None
    school_name: str | None


class SchoolOut(BaseModel):
    code: str
    name: str
    province_code: str


class SchoolList(BaseModel):
    items: list[SchoolOut]
    total: int


class CollegeIn(BaseModel):
    code: str = Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z_-]+$",
                      description="院系代码 (digits, letters, - or _)")
    name: str = Field(min_length=1, max_length=80, description="院系名称")
    school_code: str | None = Field(default=None, pattern=r"^\d{5}$",
                                    description="院校代码; defaults to the caller's school")


class CollegeOut(BaseModel):
    id: str
    school_code: str
    code: str
    name: str
    created_at: datetime


class CollegeList(BaseModel):
    items: list[CollegeOut]
    total: int


class JwkSet(BaseModel):
    keys: list[dict[str, str]]
