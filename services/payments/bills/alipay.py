"""Alipay trade bill: a zip of GBK CSVs with GBK entry names (`<pid>0156_<yyyyMMdd>_业务明细.csv` and
`…_业务明细(汇总).csv`). The detail file has `#` header and footer lines, ids with a trailing TAB (to stop Excel),
and refund rows (业务类型 退款) with negative amounts and the refund's out_request_no in 退款批次号/请求号; the footer
states counts and totals, which are checked against the rows (research §2.5).
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from services.payments.bills.model import MAX_BILL_BYTES, BillError, BillRow, BoundedLines, ParsedBill, local_time
from services.payments.providers.money import yuan_to_fen

DETAIL_SUFFIX = "_业务明细.csv"
MAX_ENTRIES = 16
MAX_RATIO = 200  # real bills deflate ~5–10×; a far higher ratio is a bomb, refused before inflating it
TITLE = "#支付宝业务明细查询"
COLUMNS = {"txn": "支付宝交易号", "out_trade_no": "商户订单号", "type": "业务类型", "time": "完成时间",
           "amount": "订单金额（元）", "received": "商家实收（元）", "out_refund_no": "退款批次号/请求号"}
_FOOTER = re.compile(r"#(交易|退款)合计：(\d+)笔，商家实收(?:退款)?共(-?[\d.]+)元")


def parse_alipay_bill(source: BinaryIO, max_bytes: int = MAX_BILL_BYTES) -> ParsedBill:
    try:
        archive = zipfile.ZipFile(source, metadata_encoding="gbk")  # names without the UTF-8 flag are GBK
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise BillError("bad_zip", str(error)) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise BillError("bad_zip", f"{len(entries)} entries")
        details = [e for e in entries if e.filename.endswith(DETAIL_SUFFIX)]
        if len(details) != 1:
            raise BillError("not_a_bill", f"expected one *{DETAIL_SUFFIX} entry, found "
                            f"{[e.filename for e in entries][:5]}")
        entry = details[0]
        if entry.file_size > max_bytes:
            raise BillError("too_large", f"{entry.filename} inflates to {entry.file_size} bytes")
        if entry.file_size > 1024**2 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise BillError("too_large", f"{entry.filename}: compression ratio above {MAX_RATIO}")
        try:
            with archive.open(entry) as stream:
                # The declared size can lie: BoundedLines counts the bytes actually inflated.
                return _parse(BoundedLines(stream, min(max_bytes, entry.file_size + 1)))
        except (zipfile.BadZipFile, OSError, EOFError) as error:  # CRC error, truncated deflate stream
            raise BillError("bad_zip", str(error)) from None


def _text(line: bytes, number: int) -> str:
    try:
        return line.decode("gb18030").rstrip("\r\n")  # GB18030 ⊇ GBK: nothing valid is refused
    except UnicodeDecodeError:
        raise BillError("encoding", "an Alipay bill is GBK", number) from None


def _parse(lines: BoundedLines) -> ParsedBill:
    first = next(lines, b"")
    if _text(first, lines.number).strip() != TITLE:
        if first.decode("utf-8", "replace").strip().removeprefix("\ufeff") == TITLE:
            raise BillError("encoding", "this bill is UTF-8; Alipay writes GBK (re-saved by another tool?)", 1)
        raise BillError("not_a_bill", f"the first line is not {TITLE}", 1)
    header: list[str] | None = None
    at: dict[str, int] = {}
    rows: list[BillRow] = []
    counts = {"交易": 0, "退款": 0}
    totals = {"交易": Decimal(0), "退款": Decimal(0)}
    stated: dict[str, tuple[int, Decimal]] = {}
    for raw in lines:
        text = _text(raw, lines.number)
        if not text.strip():
            continue
        if text.startswith("#"):
            match = _FOOTER.match(text.strip())
            if match:
                stated[match[1]] = (int(match[2]), Decimal(match[3]))
            continue
        cells = [cell.strip() for cell in text.split(",")]  # strip() also drops the TAB after ids
        if header is None:
            header = cells
            missing = [name for name in COLUMNS.values() if name not in cells]
            if missing:
                raise BillError("missing_columns", ", ".join(missing), lines.number)
            at = {role: cells.index(name) for role, name in COLUMNS.items()}
            continue
        if len(cells) < len(header):
            raise BillError("bad_value", f"{len(cells)} columns, header has {len(header)}", lines.number)
        kind = cells[at["type"]]
        if kind not in counts:
            raise BillError("bad_value", f"业务类型 {kind[:10]!r}", lines.number)
        try:
            amount = yuan_to_fen(cells[at["amount"]])
            received = Decimal(cells[at["received"]])
        except (ValueError, InvalidOperation):
            raise BillError("bad_value", "amount", lines.number) from None
        counts[kind] += 1
        totals[kind] += received
        refund = kind == "退款"
        rows.append(BillRow(kind="refund" if refund else "payment", provider_txn=cells[at["txn"]],
                            out_trade_no=cells[at["out_trade_no"]],
                            out_refund_no=(cells[at["out_refund_no"]] or None) if refund else None,
                            amount_fen=abs(amount), time=local_time(cells[at["time"]], lines.number),
                            status="SUCCESS"))  # the bill lists only completed business
    if header is None:
        raise BillError("missing_columns", "no header row", lines.number)
    problems = []
    for kind, count in counts.items():
        total = totals[kind]
        if kind not in stated:
            problems.append(f"no #{kind}合计 footer")
        elif stated[kind] != (count, total):
            problems.append(f"#{kind}合计 says {stated[kind][0]} / {stated[kind][1]} but the rows give "
                            f"{count} / {total}")
    return ParsedBill("alipay", not problems, rows, problems)
