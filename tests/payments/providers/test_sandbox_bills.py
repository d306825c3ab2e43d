"""The sandbox's day bills parse back, through our parsers, to exactly its orders and refunds."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from services.payments.bills import parse_alipay_bill, parse_wechat_bill
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SandboxGateway, SandboxOrder
from services.payments.providers.sandbox_bills import alipay_bill_zip, wechat_trade_bill
from services.payments.providers.sandbox_keys import SandboxKeys

NOON = datetime(2025, 9, 1, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


def _day(keys: SandboxKeys) -> SandboxGateway:
    gateway = SandboxGateway(keys, now=lambda: NOON)
    for provider in Provider:
        for k, fen in enumerate((1500, 3000, 1500)):
            gateway.open_order(SandboxOrder(provider, f"STU250901{k:06d}", fen, "照片采集费", "https://x.test/n"))
            gateway.pay(provider, f"STU250901{k:06d}")
        assert not isinstance(gateway.refund(provider, "STU250901000001", "RF2509010001", 1500), str)
    return gateway


def test_wechat_day_bill_round_trips(keys: SandboxKeys) -> None:
    data, sha1 = wechat_trade_bill(_day(keys), NOON.date(), bom=True)
    bill = parse_wechat_bill(io.BytesIO(data), sha1)
    assert bill.summary_ok, bill.problems
    assert [(r.kind, r.out_trade_no, r.amount_fen) for r in bill.rows] == [
        ("payment", "STU250901000000", 1500), ("payment", "STU250901000001", 3000),
        ("payment", "STU250901000002", 1500), ("refund", "STU250901000001", 1500)]
    assert bill.rows[3].out_refund_no == "RF2509010001" and bill.rows[0].time == NOON


def test_alipay_day_bill_round_trips_with_gbk_names(keys: SandboxKeys) -> None:
    data = alipay_bill_zip(_day(keys), NOON.date())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert all(not info.flag_bits & 0x800 for info in archive.infolist())  # GBK names, no UTF-8 flag
    bill = parse_alipay_bill(io.BytesIO(data))
    assert bill.summary_ok, bill.problems
    assert [(r.kind, r.out_trade_no, r.out_refund_no, r.amount_fen) for r in bill.rows] == [
        ("payment", "STU250901000000", None, 1500), ("payment", "STU250901000001", None, 3000),
        ("payment", "STU250901000002", None, 1500), ("refund", "STU250901000001", "RF2509010001", 1500)]
