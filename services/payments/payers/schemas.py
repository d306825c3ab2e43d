"""Request and response bodies of payments' payers API."""

from __future__ import annotations

from pydantic import BaseModel


class PayerOut(BaseModel):
    subject_key: str
    school_code: str
    class_no: str | None
    masked_name: str


class PayerList(BaseModel):
    items: list[PayerOut]
    total: int
