"""Request and response bodies of roster's roster import jobs and their issues."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.roster.pages import Page


class ImportJobOut(BaseModel):
    id: str
    school_code: str
    filename: str
    file_format: str
    status: str
    progress: int
    rows: int
    accepted: int
    updates: int
    warnings: int
    errors: int
    rows_with_errors: int
    error_code: str | None
    error_message: str | None
    created_by: str
    created_at: datetime
    committed_at: datetime | None


class ImportJobList(BaseModel):
    items: list[ImportJobOut]
    total: int


class ImportIssueOut(BaseModel):
    row: int | None
    column: str | None
    field: str | None
    code: str
    severity: str
    message: str
    message_en: str
    student_no: str | None = None  # the row's 学号 and 姓名 as written in the file
    student_name: str | None = None


class ImportIssueList(Page):
    items: list[ImportIssueOut]


class CommitIn(BaseModel):
    skip_error_rows: bool = Field(default=False, description="仅导入无误的行（有错误的行不导入）")
