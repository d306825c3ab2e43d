"""What GET …/jobs/{id} shows: state, progress, the failure in both languages, the result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from services.kernel.jobs.table import JobState


class JobProgress(BaseModel):
    done: int
    total: int | None = None


class JobError(BaseModel):
    code: str
    message_zh: str
    message_en: str


class JobOut(BaseModel):
    id: str
    kind: str
    state: JobState
    progress: JobProgress
    message: str | None = None
    # While a failed attempt waits to be retried the job is queued and shows the last error.
    error: JobError | None = None
    result: dict[str, Any] | None = None
    attempts: int
    max_attempts: int
    cancel_requested: bool
    province_code: str | None = None
    school_code: str | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    updated_at: datetime
