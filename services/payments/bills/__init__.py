"""Providers' daily bills parsed to one normalised shape (model.py): WeChat's trade bill (wechat.py) and Alipay's
bill zip (alipay.py). `parse_bill` tells them apart by their first bytes."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from services.payments.bills.alipay import parse_alipay_bill
from services.payments.bills.model import BillError, BillRow, ParsedBill
from services.payments.bills.wechat import parse_wechat_bill

__all__ = ["BillError", "BillRow", "ParsedBill", "parse_alipay_bill", "parse_bill", "parse_wechat_bill"]


def parse_bill(source: Path | BinaryIO, expected_sha1: str | None = None) -> ParsedBill:
    """A zip is Alipay's; anything else (plain or gzip CSV) is tried as WeChat's trade bill."""
    if isinstance(source, Path):
        with source.open("rb") as f:
            return parse_bill(f, expected_sha1)
    head = source.read(4)
    source.seek(0)
    if head.startswith(b"PK"):
        return parse_alipay_bill(source)
    return parse_wechat_bill(source, expected_sha1)
