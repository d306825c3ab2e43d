"""Request and response bodies of capture's anomalies API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AnomalyOut(BaseModel):
    id: str
    kind: str
    school_code: str
    province_code: str
    station_id: str | None
    checkin_id: str | None
    subject_key: str | None
    other_subject_key: str | None = None  # the identity guard: the other student whose face matched
    photo_id: str | None = None  # the photo version that raised it
    detail: str
    reported_by: str
    status: str
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    created_at: datetime


class AnomalyList(BaseModel):
    items: list[AnomalyOut]
    total: int


class ResolveIn(BaseModel):
    resolution: str = Field(min_length=2, max_length=400, description="处理说明")
