"""Request and response bodies of roster's make-up certificates (补拍证明)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class CertificateOut(BaseModel):
    number: str
    student_id: str
    school_code: str
    issued_by: str
    issued_at: datetime
    pdf_url: str


class CertificateList(BaseModel):
    items: list[CertificateOut]
    total: int


class CertificateCheck(BaseModel):
    """What the agency sees when it scans a make-up certificate."""

    number: str
    valid: bool
    revoked: bool
    school_code: str
    school_name: str
    student_name_masked: str
    id_number_masked: str
    sex: str
    level: str
    issued_at: datetime
