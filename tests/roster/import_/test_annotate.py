"""The annotated workbook: the registrar's own rows at their own row numbers, bad cells marked and explained."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from services.roster.imports.annotate import annotated_workbook
from services.roster.imports.rosterfile import read_roster
from services.roster.imports.validation import validate_roster
from tests.roster.import_.people import HEADERS, csv_bytes, people, xls_bytes, xlsx_bytes

TODAY = date(2026, 5, 1)
TITLE = "江西师范大学2026届毕业生图像采集名单"
RED, YELLOW = "FFFFC7CE", "FFFFEB9C"


def _roster() -> tuple[bytes, list[list[object]]]:
    ps = people(6)
    rows = [p.row("10414") for p in ps]
    rows[1][5] = float(rows[1][5].replace("X", "1"))  # 身份证号 mangled by Excel (row 4)
    rows[2][3] = "女" if rows[2][3] == "男" else "男"  # 性别 disagrees with the ID number (row 5)
    rows[3][1] = rows[4][1]  # duplicate 学号: rows 6 and 7
    rows[4][10] = "高中"  # and an unknown 层次 on row 7
    rows[5][8] = "81200"  # a 专业代码 that lost its leading 0: a warning (row 8)
    return xlsx_bytes(rows, title=TITLE), rows


def _open(data: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(data))


def test_bad_cells_are_marked_and_commented_exactly() -> None:
    data, _ = _roster()
    sheet = read_roster(data, "名单.xlsx")
    report = validate_roster(sheet, school_code="10414", today=TODAY)
    book = _open(annotated_workbook(sheet, report.issues))
    assert book.sheetnames == ["Sheet1", "问题清单"]
    ws = book.worksheets[0]
    column_of = {header: get_column_letter(k + 2) for k, header in enumerate(HEADERS)}  # A is 问题说明
    expected = {(i.row, column_of[i.column]): i for i in report.issues if i.row and i.column}
    assert {(r, c) for r, c in expected} == {(4, column_of["身份证号"]), (5, column_of["性别"]), (6, column_of["学号"]),
                                             (7, column_of["学号"]), (7, column_of["层次"]), (8, column_of["专业代码"])}
    commented = {}
    for line in ws.iter_rows(min_col=2):
        for cell in line:
            if cell.comment is not None:
                commented[(cell.row, cell.column_letter)] = cell
            else:
                assert cell.fill.fgColor.rgb in (None, "00000000"), cell.coordinate  # no fill without a reason
    assert set(commented) == set(expected)
    for key, cell in commented.items():
        issue = expected[key]
        assert issue.message in cell.comment.text
        assert cell.fill.fgColor.rgb == (RED if issue.severity == "error" else YELLOW)
    assert re.fullmatch(r"3\.6\d{4}E\+17", ws[f"{column_of['身份证号']}4"].value)  # what the registrar saw, as text


def test_rows_stay_aligned_with_the_registrars_file() -> None:
    data, rows = _roster()
    sheet = read_roster(data, "名单.xlsx")
    report = validate_roster(sheet, school_code="10414", today=TODAY)
    ws = _open(annotated_workbook(sheet, report.issues)).worksheets[0]
    assert ws["B1"].value == TITLE and ws["A1"].value is None
    assert ws["A2"].value == "问题说明" and [c.value for c in ws[2][1:]] == HEADERS
    assert ws.freeze_panes == "B3"
    for k, original in enumerate(rows):
        excel_row = k + 3
        assert ws.cell(excel_row, 3).value == original[1]  # 学号
        assert ws.cell(excel_row, 4).value == original[2]  # 姓名: row N is row N
    assert ws["A3"].value is None  # a clean row has no summary
    assert ws["A5"].value.startswith("错误 1 项：性别") and ws["A5"].fill.fgColor.rgb == RED
    assert ws["A7"].value.startswith("错误 2 项：") and "层次“高中”" in ws["A7"].value
    assert ws["A8"].value.startswith("提醒 1 项：") and ws["A8"].fill.fgColor.rgb == YELLOW


def test_issue_list_sheet() -> None:
    data, _ = _roster()
    sheet = read_roster(data, "名单.xlsx")
    report = validate_roster(sheet, school_code="10414", today=TODAY)
    listing = _open(annotated_workbook(sheet, report.issues))["问题清单"]
    lines = list(listing.iter_rows(values_only=True))
    assert lines[0] == ("行号", "列", "严重程度", "问题代码", "说明")
    assert lines[1:] == [(i.row, i.column, "错误" if i.severity == "error" else "提醒", i.code, i.message)
                         for i in report.issues]


def test_blank_skipped_and_file_level_rows() -> None:
    ps = people(2)
    rows = [ps[0].row("10414"), [None] * len(HEADERS), [None] * 16 + ["0809", None], ps[1].row("10414")]
    headers = [*HEADERS, "籍贯甲"]
    rows = [[*r, None] for r in rows]
    sheet = read_roster(xls_bytes(rows, headers, title=TITLE), "名单.xls")
    report = validate_roster(sheet, school_code="10414", today=TODAY)
    ws = _open(annotated_workbook(sheet, report.issues)).worksheets[0]
    assert ws.title == "学生名单"
    assert ws["A2"].comment is not None and "第 5 行没有学号" in ws["A2"].comment.text  # file-level issues
    unknown = ws.cell(2, len(headers) + 1)
    assert unknown.value == "籍贯甲" and unknown.comment is not None and unknown.fill.fgColor.rgb == YELLOW
    assert ws["C3"].value == ps[0].student_no and ws["C6"].value == ps[1].student_no
    assert all(c.value is None for c in ws[4]) and ws.cell(5, 18).value == "0809"


def test_text_that_looks_like_a_formula_stays_text() -> None:
    p = people(1)[0]
    cells = p.row("10414")
    cells[5] = f'="{p.id_number}"'  # the CSV trick that keeps a long number as text in Excel
    cells[2] = f"{p.name}=1"
    sheet = read_roster(csv_bytes([cells]), "名单.csv")
    report = validate_roster(sheet, school_code="10414", today=TODAY)
    assert [(i.row, i.column, i.code) for i in report.issues] == [(2, "姓名", "name_invalid")]
    assert report.issues[0].message == f"姓名“{p.name}=1”含有“=”，请按身份证上的姓名填写"
    ws = _open(annotated_workbook(sheet, report.issues)).worksheets[0]
    assert ws["G2"].value == f'="{p.id_number}"' and ws["G2"].data_type == "s"
    assert ws["D2"].value == f"{p.name}=1" and ws["D2"].comment is not None


def test_every_part_is_well_formed_xml_and_calamine_reads_it_back() -> None:
    import zipfile
    from xml.etree import ElementTree

    from python_calamine import CalamineWorkbook

    data, rows = _roster()
    sheet = read_roster(data, "名单.xlsx")
    report = validate_roster(sheet, school_code="10414", today=TODAY)
    out = annotated_workbook(sheet, report.issues)
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        names = z.namelist()
        assert {"xl/comments1.xml", "xl/drawings/vmlDrawing1.vml", "xl/worksheets/sheet2.xml"} <= set(names)
        for name in names:
            ElementTree.fromstring(z.read(name))  # raises on malformed XML
    grid = CalamineWorkbook.from_filelike(io.BytesIO(out)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    assert grid[2][1:len(HEADERS) + 1] == [str(v) for v in rows[0]]
    again = read_roster(out, "标注.xlsx")  # the annotated file can be corrected and uploaded again
    assert again.header_row == 2 and [r.row for r in again.rows] == [r.row for r in sheet.rows]
    assert again.ignored_headers == ["问题说明"]  # no warning for our own column
