"""Timetables as workbooks, like the seed notices: one sheet per room, per college, or the whole school. Every cell
goes through the one export rule (services/kernel/inert.py): a college or class named like a formula stays text."""

from __future__ import annotations

import io
from collections.abc import Callable
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from services.kernel.inert import inert
from services.scheduling.allocation.instance import weekday
from services.scheduling.models import PublishedSlot
from services.scheduling.slots.service import Timetable

HEADERS = ["日期", "星期", "采集时间", "到场时间", "学院", "班级", "人数", "采集地点"]
WIDTHS = [12, 8, 14, 10, 22, 28, 8, 18]
GROUPINGS: dict[str, Callable[[PublishedSlot], str]] = {
    "room": lambda s: s.room, "college": lambda s: s.college_name or "未分配学院", "school": lambda s: "全校"}


def workbook(table: Timetable, by: str) -> bytes:
    key = GROUPINGS[by]
    book = Workbook()
    book.remove(book.active)
    slots = sorted(table.slots, key=lambda s: (key(s), s.date, s.start, s.room))
    for name, group in groupby(slots, key=key):
        sheet = book.create_sheet(_sheet_name(name, book.sheetnames))
        sheet.append([inert(f"{table.school_name} {table.day.term} 毕业生图像采集时间安排（{name}）")])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(["时间均为北京时间（Asia/Shanghai）；请按到场时间提前到达。"])
        sheet.append(HEADERS)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for slot in group:
            sheet.append([inert(cell) for cell in (
                slot.date.isoformat(), weekday(slot.date), f"{slot.start}–{slot.end}", slot.arrive,
                slot.college_name, slot.class_name or slot.class_code, slot.students,
                f"{slot.campus} {slot.room}" if slot.campus else slot.room)])
        for index, width in enumerate(WIDTHS):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(vertical="center")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(name: str, taken: list[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:28] or "sheet"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
