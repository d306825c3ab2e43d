"""Request and response bodies of roster's counts per school (the documents themselves are files)."""

from __future__ import annotations

from pydantic import BaseModel


class SchoolStats(BaseModel):
    school_code: str
    school_name: str
    imported: int
    submitted: int
    approved: int
    rejected: int
    errata_pending: int = 0  # 勘误待处理


class SchoolStatsList(BaseModel):
    items: list[SchoolStats]
    total: int
