"""Request and response bodies of the orders API. Money is integer fen; times are UTC (the SPA shows them in
Asia/Shanghai)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import BaseModel, Field

from services.payments.fees.schemas import FeeItem
from services.payments.providers.port import Channel


class RefundOut(BaseModel):
    out_refund_no: str
    amount_fen: int
    reason: str
    state: str
    created_at: datetime


class PaymentOut(BaseModel):
    """One entry of the payment ledger: a provider's transaction, or money staff took offline (provider
    "offline", transaction OFFLINE-…, with who recorded it)."""

    provider: str
    provider_txn: str
    amount_fen: int
    duplicate: bool
    paid_at: datetime | None
    recorded_by: str | None
    created_at: datetime


class OrderOut(BaseModel):
    id: str
    kind: str
    out_trade_no: str
    state: str
    amount_fen: int
    unit_fen: int
    quantity: int
    description: str
    term: str
    school_code: str
    class_id: str | None
    class_no: str | None
    channel: str | None
    expires_at: datetime | None
    paid_at: datetime | None
    paid_provider: str | None
    created_at: datetime
    payments: list[PaymentOut] = []
    refunds: list[RefundOut] = []


class OrderList(BaseModel):
    items: list[OrderOut]
    total: int


class MyFee(BaseModel):
    """What the signed-in student owes and how their order stands."""

    masked_name: str
    school_code: str
    term: str
    fee_fen: int | None  # None: no fee set yet
    breakdown: list[FeeItem]
    payer_mode: str | None
    order: OrderOut | None


class PayIn(BaseModel):
    channel: Channel
    openid: str | None = Field(default=None, max_length=64, description="JSAPI: the payer's openid under our appid")


class PayLaunch(BaseModel):
    """What the browser needs: open `redirect_url` (cashier / WeChat H5 / Alipay), call WeixinJSBridge with
    `jsapi`, or show `code_url` as a QR code (WeChat Native, on a PC). Paying is confirmed only by the order's
    state, never by coming back from the redirect."""

    order: OrderOut
    provider: str
    channel: Channel
    redirect_url: str | None
    jsapi: Mapping[str, str] | None
    code_url: str | None = Field(default=None, description="WeChat Native: the QR code's content")


class ClassSettlementOut(BaseModel):
    class_id: str
    class_no: str | None
    class_name: str | None
    school_code: str
    term: str
    students: int
    photographed: int
    unit_fen: int | None
    amount_fen: int
    payer_mode: str | None
    order: OrderOut | None
