"""Report bodies. Money in integer fen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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
    offline_fen: int  # of paid_fen, what staff took offline (cash, transfer; provider "offline")


class Report(BaseModel):
    items: list[ReportLineOut]
    total: int
    totals: ReportLineOut  # the sum of every line (school_code "合计")


class ProviderTakings(BaseModel):
    provider: str  # wechat / alipay / offline (cash or transfer taken by staff)
    paid_fen: int
    refunded_fen: int
    net_fen: int  # paid − refunded
    count: int  # payments received
    refund_count: int  # refunds that reached the payer


class TakingsDayOut(BaseModel):
    day: str  # YYYY-MM-DD, the Beijing (Asia/Shanghai) calendar day
    paid_fen: int
    refunded_fen: int
    net_fen: int
    count: int
    refund_count: int
    providers: list[ProviderTakings]  # wechat, alipay, offline, always all three in this order


class TakingsOut(BaseModel):
    """Money in and out per Beijing day: a payment counts on the day it was paid, a refund on the day it
    succeeded. Every day of the range is listed, empty ones with zeros."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    timezone: str = "Asia/Shanghai"
    days: list[TakingsDayOut]
    totals: TakingsDayOut  # the whole range (its `day` is the first day)
