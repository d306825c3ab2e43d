"""Alipay bill zips: GBK entries and names, # lines, TAB-suffixed ids, negative refunds, hostile zips."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli import app
from services.payments.bills import BillError, parse_alipay_bill, parse_bill
from tests.payments.bills.samples import alipay_detail, alipay_zip, ap_row

ROWS = [ap_row("2025090122001458860515315453", "STU250901A", "交易", "2025-09-01 10:00:05", "15.00"),
        ap_row("2025090122001458860515315454", "STU250901B", "交易", "2025-09-01 23:59:59", "30.00"),
        ap_row("2025090122001458860515315453", "STU250901A", "退款", "2025-09-01 12:00:00", "-15.00", "RF250901A")]


def test_rows_amounts_and_times() -> None:
    bill = parse_alipay_bill(io.BytesIO(alipay_zip(alipay_detail(ROWS))))
    assert bill.provider == "alipay" and bill.summary_ok, bill.problems
    got = [(r.kind, r.provider_txn, r.out_trade_no, r.out_refund_no, r.amount_fen) for r in bill.rows]
    assert got == [("payment", "2025090122001458860515315453", "STU250901A", None, 1500),  # TABs gone
                   ("payment", "2025090122001458860515315454", "STU250901B", None, 3000),
                   ("refund", "2025090122001458860515315453", "STU250901A", "RF250901A", 1500)]  # positive
    assert bill.rows[1].time == datetime(2025, 9, 1, 15, 59, 59, tzinfo=UTC)


def test_utf8_flagged_names_work_too() -> None:
    assert parse_alipay_bill(io.BytesIO(alipay_zip(alipay_detail(ROWS), utf8_names=True))).summary_ok


@pytest.mark.parametrize("footer", [("2笔，商家实收共45.01元", "1笔，商家实收退款共-15.00元"),
                                    ("3笔，商家实收共45.00元", "1笔，商家实收退款共-15.00元"),
                                    ("2笔，商家实收共45.00元", "1笔，商家实收退款共-14.00元")])
def test_footer_totals_that_disagree_are_flagged(footer: tuple[str, str]) -> None:
    bill = parse_alipay_bill(io.BytesIO(alipay_zip(alipay_detail(ROWS, footer))))
    assert not bill.summary_ok and len(bill.problems) == 1


def test_a_missing_footer_is_flagged() -> None:
    detail = "\r\n".join(line for line in alipay_detail(ROWS).split("\r\n") if "合计" not in line)
    bill = parse_alipay_bill(io.BytesIO(alipay_zip(detail)))
    assert not bill.summary_ok


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "code"), [
    (alipay_zip(alipay_detail(ROWS), encoding="utf-8"), "encoding"),
    (alipay_zip(alipay_detail(ROWS).replace("商户订单号", "订单号", 1)), "missing_columns"),
    (alipay_zip(alipay_detail(ROWS).replace(",交易\t,", ",转账\t,", 1)), "bad_value"),
    (alipay_zip(alipay_detail(ROWS).replace(",15.00,", ",15.0.0,", 1)), "bad_value"),
    (alipay_zip("#支付宝业务明细查询\r\n#nothing else\r\n"), "missing_columns"),
    (alipay_zip("交易号,金额\r\n"), "not_a_bill"),
    (_zip({"readme.txt": b"hi"}), "not_a_bill"),
    (alipay_zip(alipay_detail(ROWS))[:200], "bad_zip"),
    (b"PK\x03\x04 not really a zip", "bad_zip"),
    (_zip({f"{k}_业务明细.csv": b"" for k in range(20)}), "bad_zip"),
])
def test_broken_bills_are_clear_errors(data: bytes, code: str) -> None:
    with pytest.raises(BillError) as caught:
        parse_alipay_bill(io.BytesIO(data))
    assert caught.value.code == code


def test_a_zip_bomb_is_refused_before_inflating() -> None:
    bomb = _zip({"x_业务明细.csv": b"#" * (50 * 1024 * 1024)})  # 50 MB of "#" deflates to ~50 KB
    assert len(bomb) < 1024 * 1024
    with pytest.raises(BillError) as caught:
        parse_alipay_bill(io.BytesIO(bomb))
    assert caught.value.code == "too_large"
    with pytest.raises(BillError) as caught:  # and over the size limit whatever the ratio
        parse_alipay_bill(io.BytesIO(alipay_zip(alipay_detail(ROWS))), max_bytes=100)
    assert caught.value.code == "too_large"


def test_a_long_line_inside_the_zip_is_refused() -> None:
    detail = alipay_detail(ROWS).replace("#导出时间", "#" + "长" * 40_000, 1)
    with pytest.raises(BillError) as caught:
        parse_alipay_bill(io.BytesIO(alipay_zip(detail)))
    assert caught.value.code == "line_too_long"


def test_cli_parse_bill_json(tmp_path: Path) -> None:
    path = tmp_path / "20880000000000010156_20250901.csv.zip"
    path.write_bytes(alipay_zip(alipay_detail(ROWS)))
    result = CliRunner().invoke(app, ["payments", "parse-bill", str(path), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["provider"] == "alipay" and document["summary_ok"] is True
    assert document["rows"][2] == {"kind": "refund", "provider_txn": "2025090122001458860515315453",
                                   "out_trade_no": "STU250901A", "out_refund_no": "RF250901A", "amount_fen": 1500,
                                   "time": "2025-09-01T04:00:00+00:00", "status": "SUCCESS"}
    assert parse_bill(path).provider == "alipay"
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04junk")
    result = CliRunner().invoke(app, ["payments", "parse-bill", str(broken), "--json"])
    assert result.exit_code == 2 and "bad_zip" in result.output
