"""WeChat Pay trade bill (交易账单, bill_type=ALL): CSV, every value prefixed with a backtick, detail header and rows,
then a summary header and one summary row; amounts in yuan; UTF-8 with or without BOM, LF or CRLF; optionally
gzip. Two header layouts exist (research §1.7): the current one (订单金额 / 申请退款金额 / 应结订单金额 …) and the
older one (总金额 / 退款金额 / 代金券或立减优惠金额 …), so columns are found by name, never by position.
`hash_value` from the tradebill API is the SHA1 of the un-gzipped bytes: a mismatch means a broken download.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from services.payments.bills.model import BillError, BillRow, BoundedLines, LineSource, ParsedBill, local_time
from services.payments.providers.money import yuan_to_fen

# role → accepted header names, current layout first
COLUMNS = {
    "time": ("交易时间",),
    "txn": ("微信订单号",),
    "out_trade_no": ("商户订单号",),
    "state": ("交易状态",),
    "amount": ("订单金额", "总金额"),
    "out_refund_no": ("商户退款单号",),
    "refund": ("申请退款金额", "退款金额"),
    "refund_status": ("退款状态",),
}
# summary header → the detail column it totals (both layouts)
SUMMARY_COLUMNS = {
    "应结订单总金额": "应结订单金额", "退款总金额": "退款金额", "充值券退款总金额": "充值券退款金额",
    "手续费总金额": "手续费", "订单总金额": "订单金额", "申请退款总金额": "申请退款金额",
    "总交易额": "总金额", "总退款金额": "退款金额", "总代金券或立减优惠退款金额": "代金券或立减优惠退款金额",
}
COUNT = "总交易单数"
_BOM = b"\xef\xbb\xbf"


def _cells(line: bytes, number: int) -> list[str]:
    try:
        text = line.decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError:
        raise BillError("encoding", "a WeChat bill is UTF-8", number) from None
    return [cell.strip().removeprefix("`") for cell in next(csv.reader([text]), [])]


def _decimal(text: str, number: int) -> Decimal:
    try:
        return Decimal(text or "0")
    except InvalidOperation:
        raise BillError("bad_value", f"amount {text[:20]!r}", number) from None


def _fen(text: str, number: int) -> int:
    try:
        return yuan_to_fen(text or "0")
    except ValueError:
        raise BillError("bad_value", f"amount {text[:20]!r}", number) from None


class _Hashing:
    """Feeds every byte read to SHA1 on its way to the line reader."""

    def __init__(self, stream: LineSource) -> None:
        self.stream = stream
        self.sha1 = hashlib.sha1()  # noqa: S324 — WeChat's integrity check, not a security choice of ours

    def readline(self, size: int = -1) -> bytes:
        data = self.stream.readline(size)
        self.sha1.update(data)
        return data


def parse_wechat_bill(source: BinaryIO, expected_sha1: str | None = None) -> ParsedBill:
    head = source.read(2)
    source.seek(0)
    stream: LineSource = gzip.GzipFile(fileobj=source) if head == b"\x1f\x8b" else source
    hashing = _Hashing(stream)
    lines = BoundedLines(hashing)
    try:
        bill = _parse(lines)
    except (OSError, EOFError) as error:  # a truncated or corrupt gzip stream
        raise BillError("bad_value", f"gzip: {error}") from None
    if expected_sha1 and hashing.sha1.hexdigest().lower() != expected_sha1.strip().lower():
        raise BillError("sha1_mismatch", f"got {hashing.sha1.hexdigest()}, expected {expected_sha1.strip()}")
    return bill


def _parse(lines: BoundedLines) -> ParsedBill:
    header: list[str] | None = None
    for raw in lines:
        if raw.strip(_BOM + b" \r\n"):
            header = _cells(raw, lines.number)
            break
    if not header or header[0] != "交易时间":
        raise BillError("not_a_bill", "the first line is not a WeChat trade bill header", lines.number)
    index = {name: k for k, name in enumerate(header)}
    at: dict[str, int] = {}
    for role, names in COLUMNS.items():
        found = next((index[n] for n in names if n in index), None)
        if found is None:
            raise BillError("missing_columns", " / ".join(names), lines.number)
        at[role] = found
    totals = {column: Decimal(0) for column in SUMMARY_COLUMNS.values() if column in index}
    rows: list[BillRow] = []
    summary: dict[str, str] | None = None
    for raw in lines:
        if not raw.strip(b" \r\n"):
            continue
        cells = _cells(raw, lines.number)
        if cells[0] == COUNT:  # the summary header; its one row follows
            values = next(lines, b"")
            summary = dict(zip(cells, _cells(values, lines.number), strict=False))
            break
        if len(cells) != len(header):
            raise BillError("bad_value", f"{len(cells)} columns, header has {len(header)}", lines.number)
        for column in totals:
            totals[column] += _decimal(cells[index[column]], lines.number)
        refund_no = cells[at["out_refund_no"]]
        is_refund = cells[at["state"]] == "REFUND" or refund_no not in ("", "0")
        rows.append(BillRow(
            kind="refund" if is_refund else "payment", provider_txn=cells[at["txn"]],
            out_trade_no=cells[at["out_trade_no"]], out_refund_no=refund_no if is_refund else None,
            amount_fen=abs(_fen(cells[at["refund" if is_refund else "amount"]], lines.number)),
            time=local_time(cells[at["time"]], lines.number),
            status=cells[at["refund_status"]] if is_refund else cells[at["state"]]))
    problems = check_summary(summary, totals, len(rows))
    return ParsedBill("wechat", not problems, rows, problems)


def check_summary(summary: dict[str, str] | None, totals: dict[str, Decimal], count: int) -> list[str]:
    if summary is None:
        return ["no summary lines"]
    problems = []
    if summary.get(COUNT) != str(count):
        problems.append(f"{COUNT} {summary.get(COUNT)!r} but {count} rows")
    for name, column in SUMMARY_COLUMNS.items():
        if name in summary and column in totals:
            try:
                stated = Decimal(summary[name] or "0")
            except InvalidOperation:
                problems.append(f"{name} {summary[name][:20]!r} is not a number")
                continue
            if stated != totals[column]:
                problems.append(f"{name} {stated} but the rows' {column} add up to {totals[column]}")
    return problems
