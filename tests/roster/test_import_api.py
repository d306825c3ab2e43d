"""Roster import through the API: staged, reported at Excel's rows and columns, committed all or nothing,
re-uploads update instead of duplicating, bad files refused with nothing written."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.support.api import Api, wait_until
from tests.support.rosters import student_row, xlsx


def _upload(api: Api, user: str, data: bytes, name: str = "花名册.xlsx", **form: str) -> dict:
    response = api.post("/api/roster/v1/imports", user, files={"file": (name, data)}, data=form)
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    return wait_until(lambda: (j := api.get(f"/api/roster/v1/imports/{job_id}", user).json())["status"]
                      != "validating" and j)


def _students(api: Api, user: str, q: str) -> list[dict]:
    return api.get("/api/roster/v1/students", user, params={"q": q, "limit": 500}).json()["items"]


def test_a_good_roster_is_staged_then_committed(embedded: Api) -> None:
    rows = [student_row(n, school="10405", klass="HG2601", college="化学工程学院") for n in range(1, 11)]
    job = _upload(embedded, "school10405", xlsx(rows))
    assert (job["status"], job["rows"], job["accepted"], job["errors"]) == ("validated", 10, 10, 0)
    assert _students(embedded, "school10405", "2022000001") == []  # staged, not yet written
    committed = embedded.post(f"/api/roster/v1/imports/{job['id']}/commit", "school10405", json={})
    assert committed.status_code == 200 and committed.json()["status"] == "committed"
    [student] = _students(embedded, "school10405", "2022000001")
    assert student["name"] == rows[0][2] and student["review_status"] == "imported"
    assert student["id_number_masked"].startswith("3601") and "*" in student["id_number_masked"]
    # The roster's college and class now exist in the directory.
    colleges = embedded.get("/api/roster/v1/colleges", "school10405").json()["items"]
    assert "化学工程学院" in {c["name"] for c in colleges}
    classes = embedded.get("/api/roster/v1/classes", "school10405").json()["items"]
    assert {c["code"]: c["students"] for c in classes}["HG2601"] == 10


def test_errors_are_reported_at_excel_rows_and_block_the_commit(embedded: Api) -> None:
    rows = [student_row(n, school="10405", klass="HG2602") for n in range(20, 24)]
    rows[1][5] = rows[1][5][:-1] + ("0" if rows[1][5][-1] != "0" else "1")  # wrong check digit, Excel row 3
    rows[3][1] = rows[2][1]  # duplicate 学号: rows 4 and 5
    job = _upload(embedded, "school10405", xlsx(rows))
    assert job["errors"] >= 3 and job["accepted"] == 1  # both duplicate rows are reported
    issues = embedded.get(f"/api/roster/v1/imports/{job['id']}/issues", "school10405").json()["items"]
    checksum = next(i for i in issues if i["code"] == "id_number_checksum")
    assert (checksum["row"], checksum["column"], checksum["severity"]) == (3, "身份证号", "error")
    assert "校验位" in checksum["message"]
    assert {i["row"] for i in issues if i["column"] == "学号"} == {4, 5}
    refused = embedded.post(f"/api/roster/v1/imports/{job['id']}/commit", "school10405", json={})
    assert refused.status_code == 409 and refused.json()["code"] == "import_has_errors"
    assert _students(embedded, "school10405", rows[0][1]) == []  # nothing half-imported

    annotated = embedded.get(f"/api/roster/v1/imports/{job['id']}/annotated.xlsx", "school10405")
    assert annotated.status_code == 200
    book = load_workbook(io.BytesIO(annotated.content))
    sheet = book.worksheets[0]
    id_col = next(c.column for c in sheet[1] if c.value == "身份证号")
    assert sheet.cell(row=3, column=id_col).comment is not None
    assert sheet.cell(row=2, column=id_col).comment is None

    partial = embedded.post(f"/api/roster/v1/imports/{job['id']}/commit", "school10405",
                            json={"skip_error_rows": True})
    assert partial.status_code == 200
    assert len(_students(embedded, "school10405", rows[0][1])) == 1
    assert _students(embedded, "school10405", rows[1][1]) == []


def test_a_corrected_reupload_updates_and_never_duplicates(embedded: Api) -> None:
    rows = [student_row(n, school="10405", klass="HG2603") for n in range(40, 43)]
    first = _upload(embedded, "school10405", xlsx(rows))
    embedded.post(f"/api/roster/v1/imports/{first['id']}/commit", "school10405", json={})
    rows[0][7] = "应用化学"
    second = _upload(embedded, "school10405", xlsx(rows))
    assert (second["accepted"], second["updates"], second["errors"]) == (3, 3, 0)
    embedded.post(f"/api/roster/v1/imports/{second['id']}/commit", "school10405", json={})
    [student] = _students(embedded, "school10405", rows[0][1])
    history = embedded.get(f"/api/roster/v1/students/{student['id']}/history", "school10405").json()["items"]
    assert [(h["field"], h["new_value"], h["source"]) for h in history] == [("major_name", "应用化学", "import")]
    for row in rows:
        assert len(_students(embedded, "school10405", str(row[1]))) == 1


def test_bad_files_are_refused_with_nothing_written(embedded: Api) -> None:
    before = embedded.get("/api/roster/v1/imports", "school10405").json()["total"]
    cases = {
        "photo.xlsx": (b"\x89PNG\r\n\x1a\n" + bytes(200), "file_not_spreadsheet"),
        "empty.xlsx": (xlsx([]), "file_empty"),
        "wrong.xlsx": (xlsx([["a", "b"]], headers=["foo", "bar"]), "file_headers_unrecognised"),
    }
    for name, (data, code) in cases.items():
        response = embedded.post("/api/roster/v1/imports", "school10405", files={"file": (name, data)})
        assert response.status_code == 422, (name, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code and response.json()["message_zh"]
    assert embedded.get("/api/roster/v1/imports", "school10405").json()["total"] == before


def test_imports_are_the_schools_own(embedded: Api) -> None:
    job = _upload(embedded, "school10405", xlsx([student_row(60, school="10405", klass="HG2604")]))
    assert embedded.get(f"/api/roster/v1/imports/{job['id']}", "school10403").status_code == 404
    assert embedded.get(f"/api/roster/v1/imports/{job['id']}/issues", "school10403").status_code == 404
    assert embedded.post(f"/api/roster/v1/imports/{job['id']}/commit", "school10403", json={}).status_code == 404
    assert job["id"] not in {j["id"] for j in embedded.get("/api/roster/v1/imports", "school10403").json()["items"]}
    assert embedded.get(f"/api/roster/v1/imports/{job['id']}", "province").status_code == 200
    for user in ("province", "agency", "photographer"):
        response = embedded.post("/api/roster/v1/imports", user, files={"file": ("r.xlsx", xlsx([student_row(61)]))})
        assert response.status_code == 403, user
    # A school's roster must carry its own school code.
    other = _upload(embedded, "school10403", xlsx([student_row(62, school="10405", klass="ZZ01")]))
    issues = embedded.get(f"/api/roster/v1/imports/{other['id']}/issues", "school10403").json()["items"]
    assert any(i["column"] == "院校代码" and i["severity"] == "error" for i in issues)


def test_code_tables_are_configurable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from fastapi.testclient import TestClient

    from services.gateway.app import create_gateway
    from tests.conftest import embedded_settings

    tables = tmp_path / "codes.json"
    tables.write_text(json.dumps({"levels": ["博士研究生", "硕士研究生"]}), encoding="utf-8")
    settings = embedded_settings(tmp_path / "data", roster_code_tables_file=tables)
    with TestClient(create_gateway(settings)) as client:
        api = Api(client)
        job = _upload(api, "school10405", xlsx([student_row(80, school="10405", klass="CT01")]))
        issues = api.get(f"/api/roster/v1/imports/{job['id']}/issues", "school10405").json()["items"]
        assert [(i["column"], i["code"]) for i in issues if i["severity"] == "error"] == [("层次", "level_unknown")]
