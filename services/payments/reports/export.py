"""Reports as CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and xlsx (openpyxl, as the timetables).
Amounts are shown in yuan with two decimals; every text cell goes through the one export rule
(services/kernel/inert.py): a class named like a formula stays text.
The daily takings have no free text (days, counts and amounts only); they go through the same rule all the same.
Money staff took offline (cash, transfer) is in every paid and net amount, and shown on its own as well."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from services.kernel.inert import inert
from services.payments.providers.money import fen_to_yuan
from services.payments.reports.service import PROVIDERS, ReportLine, Takings, TakingsDay, TakingsReport

SCHOOL_HEADERS = ["学校代码", "收费方式", "收费标准（元）", "已审核学生", "已拍摄", "应收（元）", "已收（元）",
                  "已退（元）", "净收（元）", "未收（元）", "多收（元）", "已收中线下收款（元）"]
CLASS_HEADERS = [*SCHOOL_HEADERS[:1], "班级编号", "班级名称", *SCHOOL_HEADERS[1:]]
MODES = {"student": "学生个人", "class": "班级结算", "school": "学校统缴"}


def _row(line: ReportLine, by_class: bool, yuan: Callable[[int], str | Decimal]) -> list[str | int | Decimal]:
    money = [yuan(v) for v in (line.expected_fen, line.paid_fen, line.refunded_fen, line.net_fen,
                               line.outstanding_fen, line.overpaid_fen, line.offline_fen)]
    head: list[str | int | Decimal] = [line.school_code]
    if by_class:
        head += [line.class_no or "", line.class_name or ""]
    fee = yuan(line.fee_fen) if line.fee_fen is not None else ""
    return [inert(cell) for cell in (*head, MODES.get(line.payer_mode or "", ""), fee, line.students,
                                     line.photographed, *money)]


def _decimal_yuan(fen: int) -> Decimal:
    """A number in the workbook (so Excel can sum it), exact: fen / 100 as a Decimal."""
    return Decimal(fen) / 100


def to_csv(lines: list[ReportLine], by_class: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CLASS_HEADERS if by_class else SCHOOL_HEADERS)
    writer.writerows(_row(line, by_class, fen_to_yuan) for line in lines)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def to_xlsx(lines: list[ReportLine], by_class: bool, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "班级" if by_class else "学校"
    sheet.append([inert(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(CLASS_HEADERS if by_class else SCHOOL_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(_row(line, by_class, _decimal_yuan))
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, (int, float, Decimal)) and not isinstance(cell.value, int):
                cell.number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PROVIDER_NAMES = {"wechat": "微信支付", "alipay": "支付宝", "offline": "线下（现金/转账）"}
TAKINGS_HEADERS = ["日期", "收款笔数", "已收（元）", "退款笔数", "已退（元）", "净收（元）",
                   *(f"{PROVIDER_NAMES[p]}{what}（元）" for p in PROVIDERS for what in ("已收", "已退", "净收"))]


def _takings_row(label: str, day: TakingsDay, yuan: Callable[[int], str | Decimal]) -> list[str | int | Decimal]:
    total = day.total
    row: list[str | int | Decimal] = [label, total.count, yuan(total.paid_fen), total.refund_count,
                                      yuan(total.refunded_fen), yuan(total.net_fen)]
    for provider in PROVIDERS:
        one = day.providers.get(provider, Takings())
        row += [yuan(one.paid_fen), yuan(one.refunded_fen), yuan(one.net_fen)]
    return [inert(cell) for cell in row]


def _takings_rows(report: TakingsReport, yuan: Callable[[int], str | Decimal]) -> list[list[str | int | Decimal]]:
    rows = [_takings_row(d.day.isoformat(), d, yuan) for d in report.days]
    return [*rows, _takings_row("合计", report.total, yuan)]


def takings_csv(report: TakingsReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TAKINGS_HEADERS)
    writer.writerows(_takings_rows(report, fen_to_yuan))
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def takings_xlsx(report: TakingsReport, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "每日收款"
    sheet.append([inert(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(TAKINGS_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in _takings_rows(report, _decimal_yuan):
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 12
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
