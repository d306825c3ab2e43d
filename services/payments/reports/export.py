"""Reports as CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and xlsx (openpyxl, as the timetables).
Amounts are shown in yuan with two decimals; every text cell goes through the one export rule
(services/kernel/inert.py): a class named like a formula stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from services.kernel.inert import inert
from services.payments.providers.money import fen_to_yuan
from services.payments.reports.service import ReportLine

SCHOOL_HEADERS = ["学校代码", "收费方式", "收费标准（元）", "已审核学生", "已拍摄", "应收（元）", "已收（元）",
                  "已退（元）", "净收（元）", "未收（元）", "多收（元）"]
CLASS_HEADERS = [*SCHOOL_HEADERS[:1], "班级编号", "班级名称", *SCHOOL_HEADERS[1:]]
MODES = {"student": "学生个人", "class": "班级结算", "school": "学校统缴"}


def _row(line: ReportLine, by_class: bool, yuan: Callable[[int], str | Decimal]) -> list[str | int | Decimal]:
    money = [yuan(v) for v in (line.expected_fen, line.paid_fen, line.refunded_fen, line.net_fen,
                               line.outstanding_fen, line.overpaid_fen)]
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
