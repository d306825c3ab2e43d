"""Report bodies. Money in integer fen."""

from __future__ import annotations

from pydantic import BaseModel


class ReportLineOut(BaseModel):
    school_code: str
    class_id: str | None
    class_no: str | None
    class_name: str | None
    payer_mode: str | None
    fee_fen: int | None
    students: int  # approved students
    photographed: int
    expected_fen: int  # photographed × fee
    paid_fen: int
    refunded_fen: int
    net_fen: int  # paid − refunded
    outstanding_fen: int  # still to collect
    overpaid_fen: int  # still to give back


class Report(BaseModel):
    items: list[ReportLineOut]
    total: int
    totals: ReportLineOut  # the sum of every line (school_code "合计")
