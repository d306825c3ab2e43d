"""The column-wise WeChat bill reader (reconciliation's) gives the line parser's answers: the same rows and amounts
in every layout, the same summary verdicts, the same error codes for broken files."""

from __future__ import annotations

import gzip
import hashlib
import io

import pytest

from services.payments.bills import BillError, parse_wechat_bill
from services.payments.bills.columnar import read_wechat_bill
from tests.payments.bills.samples import wechat_bill
from tests.payments.bills.test_wechat_bill import BROKEN, ROWS


def _same(data: bytes, sha1: str | None = None) -> None:
    reference = parse_wechat_bill(io.BytesIO(data), sha1)
    got = read_wechat_bill(data, sha1)
    assert (got.summary_ok, got.problems) == (reference.summary_ok, reference.problems)
    assert got.rows.to_dicts() == [
        {"kind": r.kind, "provider_txn": r.provider_txn, "out_trade_no": r.out_trade_no,
         "out_refund_no": r.out_refund_no, "amount_fen": r.amount_fen, "time": r.time, "status": r.status}
        for r in reference.rows]


@pytest.mark.parametrize("variant", [{}, {"newline": "\r\n"}, {"bom": True}, {"bom": True, "newline": "\r\n"},
                                     {"old": True}, {"old": True, "newline": "\r\n", "bom": True}])
def test_every_layout_reads_as_the_line_parser_reads_it(variant: dict[str, object]) -> None:
    _same(wechat_bill(ROWS, **variant))  # type: ignore[arg-type]


@pytest.mark.parametrize("summary", [["5", "60.00", "30.00", "0.00", "0.27000", "75.00", "30.00"],
                                     ["4", "75.00", "30.00", "0.00", "0.27000", "75.00", "30.00"],
                                     ["5", "75.00", "30.01", "0.00", "0.27000", "75.00", "30.00"],
                                     ["0", "0.00", "0.00", "0.00", "0.00000", "0.00", "0.00"]])
def test_summaries_get_the_same_verdict(summary: list[str]) -> None:
    _same(wechat_bill(ROWS, summary=summary))
    _same(wechat_bill([], summary=summary))


def test_a_bill_without_summary_and_gzip_with_sha1() -> None:
    _same("\n".join(wechat_bill(ROWS).decode().split("\n")[:-3]).encode())
    raw = wechat_bill(ROWS, bom=True)
    _same(gzip.compress(raw), hashlib.sha1(raw).hexdigest())


@pytest.mark.parametrize(("data", "code"), BROKEN)
def test_broken_bills_are_the_same_errors(data: bytes, code: str) -> None:
    for read in (lambda: parse_wechat_bill(io.BytesIO(data)), lambda: read_wechat_bill(data)):
        with pytest.raises(BillError) as caught:
            read()
        assert caught.value.code == code
    with pytest.raises(BillError) as caught:
        read_wechat_bill(wechat_bill(ROWS), "0" * 40)
    assert caught.value.code == "sha1_mismatch"


def _detail_lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def test_rows_one_cell_short_and_one_cell_long_are_refused_even_when_the_commas_add_up() -> None:
    # the narrow read checks widths from the comma count: a short row and a long row would cancel out in a total
    lines = _detail_lines(wechat_bill(ROWS))
    lines[1] = lines[1].rsplit(b",", 1)[0]
    lines[2] = lines[2] + b",`extra"
    data = b"\n".join(lines)
    for read in (lambda: parse_wechat_bill(io.BytesIO(data)), lambda: read_wechat_bill(data)):
        with pytest.raises(BillError) as caught:
            read()
        assert caught.value.code == "bad_value"


def test_a_quoted_cell_with_a_comma_reads_as_the_line_parser_reads_it() -> None:
    # commas inside quotes are not separators: such a bill goes through the full read
    lines = _detail_lines(wechat_bill(ROWS))
    lines[1] = lines[1].replace("`照片采集费".encode(), '"`照片,采集费"'.encode())
    assert b"\"" in lines[1]
    _same(b"\n".join(lines))


def test_an_empty_cell_in_a_column_reconciliation_does_not_use_reads_as_the_line_parser_reads_it() -> None:
    lines = _detail_lines(wechat_bill(ROWS))
    lines[1] = lines[1].replace("`照片采集费".encode(), b"")
    assert "照片采集费".encode() not in lines[1]
    _same(b"\n".join(lines))
