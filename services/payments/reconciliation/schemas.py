"""Request and response bodies of the reconciliation API. Money is integer fen; times UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.payments.orders.schemas import PaymentOut, RefundOut


class RunOut(BaseModel):
    id: str
    province_code: str
    provider: str
    bill_date: str
    state: str  # queued / running / done / untrusted / failed
    filename: str
    size: int
    sha256: str
    job_id: str | None
    rows: int
    summary_ok: bool | None
    problems: list[str]
    counts: dict[str, int]
    error_code: str | None
    created_by: str
    created_at: datetime
    finished_at: datetime | None


class RunList(BaseModel):
    items: list[RunOut]
    total: int


class DiscrepancyOut(BaseModel):
    id: str
    type: str
    state: str  # open / carried / cleared / resolved
    province_code: str
    school_code: str
    class_id: str | None
    subject_key: str | None
    provider: str | None
    bill_date: str | None
    order_id: str | None
    out_trade_no: str | None
    provider_txn: str | None
    out_refund_no: str | None
    ours_fen: int | None
    bill_fen: int | None
    amount_fen: int
    detail: str
    resolution: str | None
    reason: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    refund: RefundOut | None = None
    payment: PaymentOut | None = None  # what a mark-paid resolution entered in the ledger (offline: cash/transfer)
    created_at: datetime
    updated_at: datetime


class DiscrepancyList(BaseModel):
    items: list[DiscrepancyOut]
    total: int


class ResolveIn(BaseModel):
    action: Literal["refund", "mark_paid", "ignore"]
    reason: str = Field(min_length=2, max_length=200, description="Why (kept in the audit trail)")
