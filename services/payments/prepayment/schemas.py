"""Request and response bodies of the school prepayment API. Money is integer fen."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from services.payments.fees.schemas import FeeItem
from services.payments.orders.schemas import OrderOut
from services.payments.providers.port import Channel


class SchoolPrepaymentOut(BaseModel):
    """What the school owes for the term and how its prepayment order stands."""

    school_code: str
    province_code: str
    term: str
    payer_mode: str | None = Field(description="who pays this school's fee: student / class / school; None: not set")
    students: int = Field(description="approved students of the school this term")
    photographed: int = Field(description="students photographed so far (reconciled against the prepaid count)")
    unit_fen: int | None = Field(description="the fee per student when the school pays; None otherwise")
    breakdown: list[FeeItem]
    due_fen: int = Field(description="students × unit_fen")
    paid_fen: int = Field(description="what the school's order was credited with")
    refunded_fen: int = Field(description="refunded to the school (e.g. prepaid students never photographed)")
    outstanding_fen: int = Field(description="due − paid, never below zero")
    order: OrderOut | None


class PrepayIn(BaseModel):
    """The school pays on a PC: a WeChat Native QR code, or Alipay's computer-site cashier."""

    channel: Literal[Channel.WECHAT_NATIVE, Channel.ALIPAY_PAGE]
