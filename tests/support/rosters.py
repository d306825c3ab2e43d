"""Synthetic rosters for API tests: valid (never real) ID numbers and registrar-shaped spreadsheets."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
HEADERS = ["考生号", "学号", "姓名", "性别", "出生日期", "身份证号", "民族", "专业名称", "层次", "学制", "学习形式",
           "入学日期", "预计毕业日期", "学院", "班号", "院校代码"]


def make_id(born: date, male: bool, area: str = "360102", seq: int = 12) -> str:
    first17 = f"{area}{born:%Y%m%d}{seq:02d}{1 if male else 2}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def student_row(n: int, school: str = "10403", klass: str = "JS2601", college: str = "计算机学院",
                level: str = "本科", study_mode: str = "全日制") -> list[object]:
    born = date(2003, 1 + n % 12, 1 + n % 27)
    male = n % 2 == 1
    return [f"26360102{n:06d}", f"2022{n:06d}", f"学生{chr(0x4E00 + n)}", "男" if male else "女",
            born.strftime("%Y%m%d"), make_id(born, male, seq=10 + n % 80), "汉族", "计算机科学与技术", level, "4",
            study_mode, "20220901", "20260630", college, klass, school]


def xlsx(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
