"""Events roster publishes: its public contract. Other services may import this module (and schemas.py)
and nothing else of roster. Payloads never carry full ID numbers or unmasked names."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel


class RosterEvent(BaseModel):
    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1


class SchoolRegistered(RosterEvent):
    TYPE = "roster.school.registered"

    school_code: str
    province_code: str
    name: str


class CollegeCreated(RosterEvent):
    TYPE = "roster.college.created"

    college_id: str
    school_code: str
    province_code: str
    code: str
    name: str
