"""WeChat trade bills in both layouts, BOM/CRLF, gzip + SHA1, summary mismatches, hostile files."""

from __future__ import annotations

import gzip
import hashlib
import io
from datetime import UTC, datetime

import pytest

from services.payments.bills import BillError, parse_bill, parse_wechat_bill
from services.payments.bills.model import MAX_LINE_BYTES
from tests.payments.bills.samples import WX_HEADER, wechat_bill, wx_payment, wx_refund

ROWS = [wx_payment("2025-09-01 10:00:05", "4200000001", "STU250901A", "15.00"),
        wx_payment("2025-09-01 23:59:59", "4200000002", "STU250901B", "30.00"),
        wx_refund("2025-09-01 12:00:00", "4200000001", "STU250901A", "RF250901A", "15.00"),
        wx_refund("2025-09-01 12:30:00", "4200000002", "STU250901B", "RF250901B", "15.00", status="PROCESSING"),
        wx_payment("2025-09-01 13:00:00", "4200000003", "STU250901C", "15.00", state="REVOKED")]


def _parse(data: bytes, sha1: str | None = None) -> object:
    return parse_wechat_bill(io.BytesIO(data), sha1)


@pytest.mark.parametrize("variant", [{}, {"newline": "\r\n"}, {"bom": True}, {"bom": True, "newline": "\r\n"},
                                     {"old": True}, {"old": True, "newline": "\r\n", "bom": True}])
def test_rows_and_amounts_in_every_layout(variant: dict[str, object]) -> None:
    bill = parse_wechat_bill(io.BytesIO(wechat_bill(ROWS, **variant)))  # type: ignore[arg-type]
    assert bill.provider == "wechat" and bill.summary_ok, bill.problems
    got = [(r.kind, r.out_trade_no, r.out_refund_no, r.amount_fen, r.status) for r in bill.rows]
    assert got == [("payment", "STU250901A", None, 1500, "SUCCESS"), ("payment", "STU250901B", None, 3000, "SUCCESS"),
                   ("refund", "STU250901A", "RF250901A", 1500, "SUCCESS"),
                   ("refund", "STU250901B", "RF250901B", 1500, "PROCESSING"),
                   ("payment", "STU250901C", None, 1500, "REVOKED")]
    # Beijing 23:59:59 is 15:59:59 UTC the same day: the day cut is the provider's, times are ours in UTC
    assert bill.rows[1].time == datetime(2025, 9, 1, 15, 59, 59, tzinfo=UTC)
    assert bill.rows[0].provider_txn == "4200000001"


def test_the_official_example_row_with_its_inconsistent_summary_is_flagged() -> None:
    official = (WX_HEADER + "\n`2022-03-21 13:51:31,`wxfdc955f7104ad557,`180023671,`176531292,`,"
                "`420000612032130748613220688,`2021WERUN1647840687637,`oZWaCKXip5njeEiloC4oeOV1TTsk,`JSAPI,`SUCCESS,"
                "`OTHERS,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`微信云托管支付测试,`,`0.00000,`0.90%,`0.01,`0.00,`\n"
                "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n"
                "`12,`0.06,`0.06,`0.00,`0.00000,`0.06,`0.06\n").encode()
    bill = parse_wechat_bill(io.BytesIO(official))
    assert [(r.out_trade_no, r.amount_fen) for r in bill.rows] == [("2021WERUN1647840687637", 1)]
    assert not bill.summary_ok and any("总交易单数" in p for p in bill.problems)


@pytest.mark.parametrize("summary", [["5", "60.00", "30.00", "0.00", "0.27000", "75.00", "30.00"],  # 应结 off
                                     ["4", "75.00", "30.00", "0.00", "0.27000", "75.00", "30.00"],  # count off
                                     ["5", "75.00", "30.01", "0.00", "0.27000", "75.00", "30.00"]])  # refunds off
def test_a_summary_that_disagrees_is_flagged_not_trusted(summary: list[str]) -> None:
    assert _parse(wechat_bill(ROWS)).summary_ok  # type: ignore[attr-defined]
    bill = parse_wechat_bill(io.BytesIO(wechat_bill(ROWS, summary=summary)))
    assert not bill.summary_ok and bill.problems


def test_a_bill_without_summary_is_not_trusted() -> None:
    data = wechat_bill(ROWS).decode().split("\n")
    bill = parse_wechat_bill(io.BytesIO("\n".join(data[:-3]).encode()))
    assert not bill.summary_ok and bill.problems == ["no summary lines"]


def test_an_empty_bill() -> None:
    bill = parse_wechat_bill(io.BytesIO(wechat_bill([], summary=["0", "0.00", "0.00", "0.00", "0.00000", "0.00",
                                                                 "0.00"])))
    assert bill.summary_ok and bill.rows == []


def test_gzip_and_sha1_of_the_uncompressed_bytes() -> None:
    raw = wechat_bill(ROWS, bom=True)
    sha1 = hashlib.sha1(raw).hexdigest()
    assert len(_parse(gzip.compress(raw), sha1).rows) == 5  # type: ignore[attr-defined]
    assert len(_parse(raw, sha1.upper()).rows) == 5  # type: ignore[attr-defined]
    with pytest.raises(BillError) as caught:
        _parse(raw[:-2] + b"1\n", sha1)
    assert caught.value.code == "sha1_mismatch"


BROKEN = [
    (wechat_bill(ROWS).decode().encode("gbk"), "encoding"),
    (wechat_bill(ROWS).replace("商户订单号".encode(), "订单编号".encode(), 1), "missing_columns"),
    (b"hello,world\n", "not_a_bill"),
    (b"", "not_a_bill"),
    (wechat_bill(ROWS).replace(b"`15.00", b"`15.0.0", 1), "bad_value"),
    (wechat_bill(ROWS).replace(b"`2025-09-01 10:00:05", b"`yesterday", 1), "bad_value"),
    (wechat_bill(ROWS).replace(b",`OTHERS", b"", 1), "bad_value"),
    (gzip.compress(wechat_bill(ROWS))[:60], "bad_value"),
]


@pytest.mark.parametrize(("data", "code"), BROKEN)
def test_broken_bills_are_clear_errors(data: bytes, code: str) -> None:
    with pytest.raises(BillError) as caught:
        _parse(data)
    assert caught.value.code == code


class _HeaderThenEndlessLine(io.RawIOBase):
    """A bill header, then a 100 MB line without a newline, produced on demand (never held in memory)."""

    def __init__(self) -> None:
        self.head = WX_HEADER.encode() + b"\n"
        self.size = len(self.head) + 100 * 1024 * 1024
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        assert whence == 0
        self.position = offset
        return offset

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.size - self.position)
        chunk = self.head[self.position:self.position + n]
        chunk += b"A" * (n - len(chunk))
        buffer[:n] = chunk
        self.position += n
        return n


def test_a_100_mb_line_is_refused_after_reading_one_bounded_chunk() -> None:
    raw = _HeaderThenEndlessLine()
    with pytest.raises(BillError) as caught:
        parse_wechat_bill(io.BufferedReader(raw))  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.line) == ("line_too_long", 2)
    assert raw.position < 4 * MAX_LINE_BYTES  # bounded: it stopped reading right after the limit


def test_parse_bill_tells_providers_apart(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "wx.csv"
    path.write_bytes(wechat_bill(ROWS))
    assert parse_bill(path).provider == "wechat"
