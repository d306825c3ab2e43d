"""Request and response bodies of capture's photos API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class CheckOut(BaseModel):
    code: str
    passed: bool | None
    measured: Any = None
    threshold: Any = None
    message: str


class PhotoOut(BaseModel):
    id: str
    checkin_id: str
    subject_key: str
    sequence_no: int
    version: int
    accepted: bool
    checks: list[CheckOut]
    sha256: str
    standard_sha256: str | None
    overridden_by: str | None
    override_reason: str | None
    created_at: datetime


class PhotoLinks(PhotoOut):
    """With short-lived signed links (minutes): photos have no public address."""

    original_url: str
    standard_url: str | None


class OverrideIn(BaseModel):
    reason: str = Field(min_length=2, max_length=200, description="放行原因（将记录操作人和时间）")
