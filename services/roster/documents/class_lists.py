"""The spreadsheets: class lists for the capture day and the province-reviewed list of a school."""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from services.kernel.inert import inert
from services.roster.documents._common import display_width, minute_text

# ---------------------------------------------------------------------------------------------------------- data


@dataclass
class ClassListRow:
    """One approved student as the capture side may see them: the name and ID number masked (王*明,
    3601**********1234), exactly as on the agency's 待拍名单, and no 学号."""

    order: int  # position among the class's approved students in 学号 order: the queue order, without gaps
    id_number_masked: str
    name: str  # masked
    sex: str
    college: str
    major: str
    class_no: str
    level: str


@dataclass
class ClassList:
    school_code: str
    school_name: str
    college: str
    class_no: str
    class_name: str
    rows: list[ClassListRow]


REVIEW_STATUSES = ("通过", "不通过", "待审")


@dataclass
class ReviewedRow:
    student_no: str
    name: str
    sex: str
    id_number_masked: str
    college: str
    major: str
    level: str
    class_no: str
    status: str  # one of REVIEW_STATUSES
    reason: str
    decided_by: str
    decided_at: datetime | None  # UTC; printed in Asia/Shanghai


# -------------------------------------------------------------------------------------------------------- styles

FONT_NAME = "宋体"  # on every Chinese Windows/WPS install; elsewhere the spreadsheet program substitutes
BODY = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
REJECTED_FONT = Font(name=FONT_NAME, size=11, color="9C0006")
REJECTED_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")  # Excel's "light red fill"
HEADER_FILL = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LINE_POINTS = 14.5  # one line of 11 pt 宋体
TEXT_FORMAT = "@"  # keep 学号 and sequence numbers as typed (no 1.2E+10, no dropped zeros)


def _put(ws: Worksheet, row: int, column: int, value: object, *, font: Font = BODY,
         align: Alignment = CENTER, border: Border | None = GRID, fill: PatternFill | None = None) -> Cell:
    """Write one cell. Text stays text: a value a spreadsheet would read as a formula gets a leading apostrophe,
    and control characters that Excel refuses are dropped (services/kernel/inert.py)."""
    value = inert(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    cell.font = font
    cell.alignment = align
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    return cell


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs. A column `width` units wide is about 7·width pixels (the default font's digit
    is 7 px); a Chinese character of 11 pt 宋体 is about 15 px, half of that per `display_width` column."""
    return max(1, math.ceil(display_width(text) * 7.5 / max(width * 7 - 3, 1)))


def _print_setup(ws: Worksheet, *, landscape: bool, title_rows: str, last_column: int, last_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as needed, one page wide
    ws.print_title_rows = title_rows
    ws.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


_SHEET_NAME_BAD = re.compile(r"[\\/?*\[\]:]")


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique worksheet name: no \\ / ? * [ ] :, not starting or ending with ', at most 31 characters
    (Excel compares names case-insensitively)."""
    base = _SHEET_NAME_BAD.sub("_", ILLEGAL_CHARACTERS_RE.sub("", wanted)).strip().strip("'").strip() or "班级"
    if base.lower() == "history":  # reserved by Excel
        base = "班级 history"
    name, n = base[:31], 1
    while name.lower() in taken:
        n += 1
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


# ----------------------------------------------------------------------------------------------------- class list

CLASS_HEADERS = ("序号", "身份证号", "姓名", "性别", "专业", "层次", "拍摄序号", "应缴费用(元)", "已缴", "签名")
CLASS_WIDTHS = (6, 21, 11, 6, 24, 11, 11, 13, 8, 14)
CLASS_HEADER_ROW = 3  # 1: title, 2: school and date line, 3: column headers, then one row per student
_NAME_COL, _MAJOR_COL, _SEQ_COL, _FEE_COL = 3, 5, 7, 8


def class_list_title(cl: ClassList) -> str:
    parts = [cl.school_name, cl.college, cl.class_name or cl.class_no]
    return " ".join(p.strip() for p in parts if p and p.strip()) + " 图像采集名单"


def class_list_xlsx(lists: list[ClassList], *, fee_yuan: Decimal | int | None = None) -> bytes:
    """One worksheet per class: the students in roster order with blank 拍摄序号, 已缴 and 签名 columns (filled in
    by hand on the day), 应缴费用 prefilled with `fee_yuan` when given, and a 合计 row; set up to print on A4."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for cl in lists:
        _class_sheet(wb.create_sheet(_sheet_name(cl.class_no or cl.class_name, taken)), cl, fee_yuan)
    if not lists:
        ws = wb.create_sheet("名单")
        _put(ws, 1, 1, "没有需要采集的学生", border=None, align=LEFT)
    return _save(wb)


def _class_sheet(ws: Worksheet, cl: ClassList, fee_yuan: Decimal | int | None) -> None:
    ncols = len(CLASS_HEADERS)
    last_col = get_column_letter(ncols)
    rows = sorted(cl.rows, key=lambda r: r.order)

    ws.merge_cells(f"A1:{last_col}1")
    _put(ws, 1, 1, class_list_title(cl), font=TITLE, border=None)
    ws.row_dimensions[1].height = 30
    info = f"院校代码：{cl.school_code}　　班号：{cl.class_no}　　共 {len(rows)} 人　　拍摄日期：　　年　　月　　日"
    ws.merge_cells(f"A2:{last_col}2")
    _put(ws, 2, 1, info, border=None, align=LEFT)
    ws.row_dimensions[2].height = 20

    for col, (header, width) in enumerate(zip(CLASS_HEADERS, CLASS_WIDTHS, strict=True), start=1):
        _put(ws, CLASS_HEADER_ROW, col, header, font=BOLD, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[CLASS_HEADER_ROW].height = 22

    r = CLASS_HEADER_ROW
    for row in rows:
        r += 1
        values = (row.order, row.id_number_masked, row.name, row.sex, row.major, row.level, None, fee_yuan, None, None)
        for col, value in enumerate(values, start=1):
            cell = _put(ws, r, col, value, align=LEFT if col == _MAJOR_COL else CENTER)
            if col in (2, _SEQ_COL):
                cell.number_format = TEXT_FORMAT
        lines = max(_lines(row.name, CLASS_WIDTHS[_NAME_COL - 1]), _lines(row.major, CLASS_WIDTHS[_MAJOR_COL - 1]))
        ws.row_dimensions[r].height = max(24, lines * LINE_POINTS + 6)  # room to write a number and sign

    r += 1
    ws.merge_cells(f"A{r}:{get_column_letter(_FEE_COL - 1)}{r}")
    _put(ws, r, 1, f"合计 {len(rows)} 人", font=BOLD)
    for col in range(2, ncols + 1):  # borders on the merged part and the blank tail
        _put(ws, r, col, None)
    if fee_yuan is not None:
        _put(ws, r, _FEE_COL, fee_yuan * len(rows), font=BOLD)
    ws.row_dimensions[r].height = 24

    r += 1
    ws.merge_cells(f"A{r}:{last_col}{r}")
    _put(ws, r, 1, "实拍　　　　人　　实收　　　　元　　摄影师签字：　　　　　　　　班长签字：",
         border=None, align=LEFT)
    ws.row_dimensions[r].height = 32

    ws.freeze_panes = f"A{CLASS_HEADER_ROW + 1}"
    _print_setup(ws, landscape=False, title_rows=f"1:{CLASS_HEADER_ROW}", last_column=ncols, last_row=r)


# -------------------------------------------------------------------------------------------------- reviewed list

REVIEW_HEADERS = ("序号", "学号", "姓名", "性别", "身份证号", "学院", "专业", "层次", "班号",
                  "审查结果", "原因", "审查人", "审查时间")
REVIEW_WIDTHS = (6, 15, 10, 6, 21, 18, 22, 11, 12, 10, 28, 10, 17)
REVIEW_SUMMARY_ROW = 4  # 1: title, 2: school line, 4–8: summary block, 10: table header
REVIEW_HEADER_ROW = 10
_WRAPPED = (3, 6, 7, 11)  # 姓名, 学院, 专业, 原因: the columns that wrap


def reviewed_list_title(school_name: str, term: str) -> str:
    return f"{school_name} {term} 预计毕业生资格审查名单"


def reviewed_list_xlsx(school_code: str, school_name: str, term: str, rows: list[ReviewedRow], *,
                       generated_at: datetime | None = None) -> bytes:
    """The province's review of one school's list: counts by outcome, then every student with outcome, reason,
    reviewer and time (Beijing time), filterable, with 不通过 rows highlighted. Rows keep the order given."""
    unknown = sorted({r.status for r in rows} - set(REVIEW_STATUSES))
    if unknown:
        raise ValueError(f"unknown review status {unknown}; expected one of {REVIEW_STATUSES}")
    counts = Counter(r.status for r in rows)

    wb = Workbook()
    ws = wb.active
    ws.title = "审查名单"
    ncols = len(REVIEW_HEADERS)
    last_col = get_column_letter(ncols)

    ws.merge_cells(f"A1:{last_col}1")
    _put(ws, 1, 1, reviewed_list_title(school_name, term), font=TITLE, border=None)
    ws.row_dimensions[1].height = 30
    info = f"院校代码：{school_code}　　院校名称：{school_name}　　毕业时间：{term}"
    if generated_at is not None:
        info += f"　　导出时间：{minute_text(generated_at)}"
    ws.merge_cells(f"A2:{last_col}2")
    _put(ws, 2, 1, info, border=None, align=LEFT)

    _put(ws, REVIEW_SUMMARY_ROW, 1, "审查结果", font=BOLD, fill=HEADER_FILL)
    ws.merge_cells(start_row=REVIEW_SUMMARY_ROW, start_column=1, end_row=REVIEW_SUMMARY_ROW, end_column=2)
    _put(ws, REVIEW_SUMMARY_ROW, 2, None, fill=HEADER_FILL)
    _put(ws, REVIEW_SUMMARY_ROW, 3, "人数", font=BOLD, fill=HEADER_FILL)
    summary = [*((s, counts.get(s, 0)) for s in REVIEW_STATUSES), ("合计", len(rows))]
    for i, (label, n) in enumerate(summary, start=1):
        r = REVIEW_SUMMARY_ROW + i
        fill = REJECTED_FILL if label == "不通过" else None
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        _put(ws, r, 1, label, font=BOLD if label == "合计" else BODY, fill=fill)
        _put(ws, r, 2, None, fill=fill)
        _put(ws, r, 3, n, font=BOLD if label == "合计" else BODY, fill=fill)

    for col, (header, width) in enumerate(zip(REVIEW_HEADERS, REVIEW_WIDTHS, strict=True), start=1):
        _put(ws, REVIEW_HEADER_ROW, col, header, font=BOLD, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[REVIEW_HEADER_ROW].height = 22

    r = REVIEW_HEADER_ROW
    for n, row in enumerate(rows, start=1):
        r += 1
        rejected = row.status == "不通过"
        values = (n, row.student_no, row.name, row.sex, row.id_number_masked, row.college, row.major, row.level,
                  row.class_no, row.status, row.reason, row.decided_by, minute_text(row.decided_at))
        for col, value in enumerate(values, start=1):
            cell = _put(ws, r, col, value, align=LEFT if col in (6, 7, 11) else CENTER,
                        fill=REJECTED_FILL if rejected else None,
                        font=REJECTED_FONT if rejected else BODY)
            if col in (2, 5, 9):
                cell.number_format = TEXT_FORMAT
        lines = max(_lines(str(values[col - 1]), REVIEW_WIDTHS[col - 1]) for col in _WRAPPED)
        ws.row_dimensions[r].height = max(20, lines * LINE_POINTS + 4)

    ws.auto_filter.ref = f"A{REVIEW_HEADER_ROW}:{last_col}{max(r, REVIEW_HEADER_ROW)}"
    ws.freeze_panes = f"A{REVIEW_HEADER_ROW + 1}"
    _print_setup(ws, landscape=True, title_rows=f"{REVIEW_HEADER_ROW}:{REVIEW_HEADER_ROW}", last_column=ncols,
                 last_row=max(r, REVIEW_HEADER_ROW))
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


