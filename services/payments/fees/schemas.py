"""Request and response bodies of the fee profiles API. Money is integer fen: floats and negatives are refused
with 422 (pydantic's strict int), and no fee exceeds 1000 yuan."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StrictInt

from services.payments.models import PayerMode

MAX_FEE_FEN = 100_000
Fen = Annotated[StrictInt, Field(ge=0, le=MAX_FEE_FEN, description="integer fen (1500 = 15.00 yuan)")]


class FeeItem(BaseModel):
    label: str = Field(min_length=1, max_length=20, description="e.g. 网上采集 / 现场拍摄")
    amount_fen: Fen


class FeeProfileIn(BaseModel):
    school_code: str = Field(pattern=r"^\d{5}$")
    term: str = Field(pattern=r"^\d{4}-\d{2}$", description="the campaign's term, e.g. 2026-06")
    amount_fen: Fen
    breakdown: list[FeeItem] = Field(default_factory=list, max_length=6)
    payer_mode: PayerMode


class FeeProfileOut(BaseModel):
    id: str
    province_code: str
    school_code: str
    term: str
    amount_fen: int
    breakdown: list[FeeItem]
    payer_mode: PayerMode
    updated_at: datetime


class FeeProfileList(BaseModel):
    items: list[FeeProfileOut]
    total: int
