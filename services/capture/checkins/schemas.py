"""Request and response bodies of capture's check-in API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator


class CheckinIn(BaseModel):
    """Exactly one of `pass` (the capture pass's QR text), `capture_code` (学信网图像采集码) or, where the
    deployment enables legacy check-in, `id_number` (read from the student's ID card; never stored here)."""

    model_config = ConfigDict(populate_by_name=True)

    station: str = Field(max_length=32)
    pass_token: str | None = Field(default=None, alias="pass", max_length=2000, description="采集凭证二维码内容")
    capture_code: str | None = Field(default=None, min_length=4, max_length=64, description="学信网图像采集码")
    id_number: str | None = Field(default=None, min_length=15, max_length=20, description="居民身份证号码（旧式签到）")

    @model_validator(mode="after")
    def _one_credential(self) -> CheckinIn:
        if sum(v is not None for v in (self.pass_token, self.capture_code, self.id_number)) != 1:
            raise ValueError("give exactly one of pass, capture_code or id_number")
        return self


class SubjectFacts(BaseModel):
    """Masked facts only: the photographer checks the face against these, never against an ID number."""

    subject_key: str
    masked_name: str
    masked_id_number: str
    sex: str
    college_name: str | None
    class_no: str | None
    class_name: str | None
    level: str


class CheckinOut(BaseModel):
    id: str
    station: str
    sequence_no: int
    status: str
    opened_at: datetime
    subject: SubjectFacts


class CloseIn(BaseModel):
    reason: str | None = Field(default=None, min_length=2, max_length=200)


class VoidIn(BaseModel):
    reason: str = Field(min_length=2, max_length=200, description="作废原因")
