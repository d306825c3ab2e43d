"""Request and response bodies of the delivery API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.capture.delivery.naming import Naming
from services.kernel.jobs.schemas import JobProgress


class DeliveryIn(BaseModel):
    school_code: str = Field(pattern=r"^\d{5}$", description="学校代码")
    term: str = Field(pattern=r"^\d{4}-\d{2}$", description="毕业届别，如 2026-06")
    naming: Naming = Field(default=Naming.ID_NUMBER,
                           description="文件命名：id_number 身份证号.jpg（学信网旧版导入）、student_no 学号.jpg、"
                                       "capture_key 采集编号")
    rebuild: bool = Field(default=False, description="内容未变也重新生成（如学籍库更正了学号）")


class LeftOutOut(BaseModel):
    position: int
    subject_key: str | None
    masked_name: str | None
    class_no: str | None
    reason: str
    reason_label: str


class DeliveryOut(BaseModel):
    id: str
    school_code: str
    term: str
    naming: Naming
    status: str = Field(description="queued | running | ready | failed | cancelled | superseded (a newer package of "
                                    "the same school, term and naming is ready; this zip was deleted)")
    job_id: str | None
    progress: JobProgress | None = None
    requested_by: str
    included: int
    excluded: int
    sha256: str | None
    size: int | None
    error_code: str | None
    created_at: datetime
    finished_at: datetime | None


class DeliveryDetail(DeliveryOut):
    left_out: list[LeftOutOut]


class DeliveryList(BaseModel):
    items: list[DeliveryOut]
    total: int


class DeliveryLink(BaseModel):
    url: str = Field(description="短时有效的签名下载链接")
    expires_in: int = Field(description="seconds")
    file_name: str
    sha256: str | None
