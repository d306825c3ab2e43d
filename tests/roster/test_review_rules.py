"""Issue 8, parts 2–5 through the API: one row validator for import, errata, the school's decisions and direct
edits; resubmission takes only 未通过（已修改） students and the classes the school chooses; import warnings reach
the review flags before and after resubmission; class lists hold approved students only, numbered without gaps,
masked as on the agency's 待拍名单."""

from __future__ import annotations

import io
from typing import Any

import httpx
from openpyxl import load_workbook

from services.roster.rules.idcard import upgrade_15
from tests.support.api import Api, wait_until
from tests.support.rosters import student_row, xlsx

TERM = "2026-06"


def _patch(api: Api, path: str, user: str, body: dict[str, Any]) -> httpx.Response:
    return api.client.patch(path, headers=api.as_user(user), json=body)


def _student(api: Api, user: str, **params: Any) -> dict[str, Any]:
    return api.get("/api/roster/v1/students", user, params={"limit": 500, **params}).json()["items"]


def _detail(api: Api, student_id: str, user: str = "school10403") -> dict[str, Any]:
    return api.get(f"/api/roster/v1/students/{student_id}", user).json()


def _import(api: Api, user: str, data: bytes) -> dict[str, Any]:
    response = api.post("/api/roster/v1/imports", user, files={"file": ("roster.xlsx", data)})
    assert response.status_code == 202, response.text
    job = wait_until(lambda: (j := api.get(f"/api/roster/v1/imports/{response.json()['id']}", user).json())
                     ["status"] != "validating" and j)
    committed = api.post(f"/api/roster/v1/imports/{job['id']}/commit", user, json={})
    assert committed.status_code == 200, committed.text
    return committed.json()


def _class_id(api: Api, user: str, code: str) -> str:
    classes = api.get("/api/roster/v1/classes", user).json()["items"]
    return next(c["id"] for c in classes if c["code"] == code)


def _decide(api: Api, batch_id: str, decision: str, ids: list[str] | None = None, reason: str = "") -> None:
    body: dict[str, Any] = {"decision": decision, "reason": reason}
    if ids is not None:
        body["student_ids"] = ids
    response = api.post(f"/api/roster/v1/review/batches/{batch_id}/decisions", "province", json=body)
    assert response.status_code == 200, response.text


def _items(api: Api, batch_id: str) -> list[dict[str, Any]]:
    return api.get(f"/api/roster/v1/review/batches/{batch_id}/items", "province").json()["items"]


# ---- 2. one validator --------------------------------------------------------------------------------------------

def test_an_erratum_that_contradicts_the_id_number_is_a_422_naming_the_imports_rule(embedded: Api) -> None:
    [row] = _student(embedded, "school10403", q="2023090102")
    record = _detail(embedded, row["id"])
    wrong_day = "2001-01-01" if record["birth_date"] != "2001-01-01" else "2001-01-02"
    filed = embedded.post(f"/api/roster/v1/students/{row['id']}/errata", "school10403",
                          json={"field": "birth_date", "new_value": wrong_day, "reason": "生日有误"})
    assert filed.status_code == 422, filed.text
    problem = filed.json()
    assert problem["code"] == "birth_date_id_mismatch"  # the import's own rule code
    assert "身份证号" in problem["message_zh"] and problem["errors"][0]["field"] == "birth_date"
    # Not a real date: the import's code too.
    bad = embedded.post(f"/api/roster/v1/students/{row['id']}/errata", "school10403",
                        json={"field": "birth_date", "new_value": "2001-02-30"})
    assert bad.status_code == 422 and bad.json()["code"] == "date_invalid"
    # Sex against digit 17, a checksum error, a 15-digit number typed by hand: the same rules.
    other_sex = "女" if record["sex"] == "男" else "男"
    assert embedded.post(f"/api/roster/v1/students/{row['id']}/errata", "school10403",
                         json={"field": "sex", "new_value": other_sex}).json()["code"] == "sex_id_mismatch"
    broken = record["id_number"][:-1] + ("0" if record["id_number"][-1] != "0" else "1")
    assert embedded.post(f"/api/roster/v1/students/{row['id']}/errata", "school10403",
                         json={"field": "id_number", "new_value": broken}).json()["code"] == "id_number_checksum"
    legacy = record["id_number"][:6] + record["id_number"][8:17]
    assert embedded.post(f"/api/roster/v1/students/{row['id']}/errata", "school10403",
                         json={"field": "id_number", "new_value": legacy}).json()["code"] == "id_number_legacy_15"
    # And a direct edit by the school.
    edited = _patch(embedded, f"/api/roster/v1/students/{row['id']}", "school10403",
                    {"changes": {"birth_date": wrong_day}})
    assert edited.status_code == 422 and edited.json()["code"] == "birth_date_id_mismatch"
    assert _detail(embedded, row["id"])["birth_date"] == record["birth_date"]


def test_the_schools_decision_checks_the_record_as_it_is_then(embedded: Api) -> None:
    [row] = _student(embedded, "school10403", q="2023090103")
    record = _detail(embedded, row["id"])
    filed = embedded.post(f"/api/roster/v1/students/{row['id']}/errata", "school10403",
                          json={"field": "entry_date", "new_value": "2025-09-01", "reason": "入学日期有误"})
    assert filed.status_code == 201, filed.text
    # Meanwhile the school moves the expected graduation before that entry date (valid on its own).
    edited = _patch(embedded, f"/api/roster/v1/students/{row['id']}", "school10403",
                    {"changes": {"expected_graduation": "2025-06-30"}})
    assert edited.status_code == 200, edited.text
    decided = embedded.post(f"/api/roster/v1/errata/{filed.json()['id']}/decision", "school10403",
                            json={"decision": "approved"})
    assert decided.status_code == 422 and decided.json()["code"] == "entry_after_graduation"
    assert _detail(embedded, row["id"])["entry_date"] == record["entry_date"]
    # Put it back; the direct edit is in the history as the school's.
    assert _patch(embedded, f"/api/roster/v1/students/{row['id']}", "school10403",
                  {"changes": {"expected_graduation": "2026-06-30"}}).status_code == 200
    history = embedded.get(f"/api/roster/v1/students/{row['id']}/history", "school10403").json()["items"]
    assert ("expected_graduation", "school") in {(h["field"], h["source"]) for h in history}


def test_a_direct_edit_is_the_schools_own_and_normalised(embedded: Api) -> None:
    [row] = _student(embedded, "school10403", q="2023090104")
    path = f"/api/roster/v1/students/{row['id']}"
    assert _patch(embedded, path, "school10405", {"changes": {"name": "王明"}}).status_code == 404
    assert _patch(embedded, path, "province", {"changes": {"name": "王明"}}).status_code == 403
    refused = _patch(embedded, path, "school10403", {"changes": {"school_code": "10405"}})
    assert refused.status_code == 422 and refused.json()["code"] == "field_not_correctable"
    edited = _patch(embedded, path, "school10403", {"changes": {"name": "欧阳 小明", "ethnicity": "02"}})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["name"], edited.json()["ethnicity"]) == ("欧阳小明", "蒙古族")


# ---- 3, 4. resubmission and flags --------------------------------------------------------------------------------

def test_resubmission_takes_only_corrected_students_of_the_chosen_classes(embedded: Api) -> None:
    legacy = student_row(1, klass="LG2601", level="本科")
    legacy[4], legacy[5], legacy[3] = "19850315", "360102850315123", "男"  # a first-generation 15-digit number
    rows = [legacy, *(student_row(n, klass="LG2601") for n in range(2, 5)),
            *(student_row(n, klass="LG2602") for n in range(5, 8))]
    assert _import(embedded, "school10403", xlsx(rows))["status"] == "committed"
    lg1, lg2 = _class_id(embedded, "school10403", "LG2601"), _class_id(embedded, "school10403", "LG2602")

    preview = {c["class_no"]: c for c in embedded.get("/api/roster/v1/review/submittable",
                                                      "school10403").json()["items"]}
    assert preview["LG2601"]["imported"] == 4 and preview["LG2602"]["imported"] == 3
    other = embedded.get("/api/roster/v1/review/submittable", "school10405", params={"school_code": "10403"})
    assert other.status_code == 404 and other.json()["code"] == "school_not_found"
    assert embedded.get("/api/roster/v1/review/submittable", "province").status_code == 403
    # The school chooses one class: the other stays 待提交.
    first = embedded.post("/api/roster/v1/review/batches", "school10403", json={"term": TERM, "class_ids": [lg1]})
    assert first.status_code == 201, first.text
    assert first.json()["students"] == 4
    assert {s["review_status"] for s in _student(embedded, "school10403", class_id=lg2)} == {"imported"}

    # The import's 15-digit warning is a rule flag in the province's review.
    items = {i["student_no"]: i for i in _items(embedded, first.json()["id"])}
    flags = {f["code"]: f["message"] for f in items[legacy[1]]["flags"]}
    assert "id_number_legacy_15" in flags and "15" in flags["id_number_legacy_15"]
    assert first.json()["flagged"] >= 1

    # The province rejects two; the school corrects one of them.
    others = sorted(i["student_id"] for no, i in items.items() if no != legacy[1])
    corrected, untouched = items[legacy[1]]["student_id"], others[0]
    _decide(embedded, first.json()["id"], "rejected", [corrected, untouched], "请核对姓名")
    _decide(embedded, first.json()["id"], "approved")
    assert _patch(embedded, f"/api/roster/v1/students/{corrected}", "school10403",
                  {"changes": {"name": "张三丰"}}).status_code == 200

    preview = {c["class_no"]: c for c in embedded.get("/api/roster/v1/review/submittable",
                                                      "school10403").json()["items"]}
    assert (preview["LG2601"]["corrected"], preview["LG2601"]["uncorrected"]) == (1, 1)
    assert preview["LG2601"]["uncorrected_student_nos"] == [_detail(embedded, untouched)["student_no"]]
    # Naming the uncorrected one is refused; the class goes again with the corrected one only.
    refused = embedded.post("/api/roster/v1/review/batches", "school10403",
                            json={"term": TERM, "student_ids": [untouched]})
    assert refused.status_code == 422 and refused.json()["code"] == "rejected_not_corrected"
    again = embedded.post("/api/roster/v1/review/batches", "school10403", json={"term": TERM, "class_ids": [lg1]})
    assert again.status_code == 201, again.text
    assert again.json()["students"] == 1
    [item] = _items(embedded, again.json()["id"])
    assert item["student_id"] == corrected
    assert "id_number_legacy_15" in {f["code"] for f in item["flags"]}  # after resubmission too
    assert _detail(embedded, untouched)["review_status"] == "rejected"
    # A correction of the ID number itself clears its warning.
    _decide(embedded, again.json()["id"], "rejected", None, "请更正为18位身份证号")
    assert _detail(embedded, corrected)["review_reason"] == "请更正为18位身份证号"  # the newest decision's reason
    upgraded = _patch(embedded, f"/api/roster/v1/students/{corrected}", "school10403",
                      {"changes": {"id_number": upgrade_15("360102850315123")}})
    assert upgraded.status_code == 200, upgraded.text
    third = embedded.post("/api/roster/v1/review/batches", "school10403", json={"term": TERM, "class_ids": [lg1]})
    [item] = _items(embedded, third.json()["id"])
    assert "id_number_legacy_15" not in {f["code"] for f in item["flags"]}


# ---- 5. class lists -----------------------------------------------------------------------------------------------

def _sheets(api: Api, user: str, **params: Any) -> dict[str, list[tuple[Any, ...]]]:
    response = api.get("/api/roster/v1/class-lists.xlsx", user, params=params)
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    found = {}
    for ws in book.worksheets:
        rows = [tuple(c.value for c in r) for r in ws.iter_rows(min_row=4)]
        found[ws.title] = [r for r in rows if isinstance(r[0], int)]
    return found


def test_class_lists_hold_approved_students_numbered_without_gaps_as_the_capture_side_sees_them(
        embedded: Api) -> None:
    submitted = embedded.post("/api/roster/v1/review/batches", "school10405", json={"term": TERM})
    assert submitted.status_code == 201, submitted.text
    batch = submitted.json()["id"]
    items = sorted(_items(embedded, batch), key=lambda i: i["student_no"])
    first = items[0]["student_id"]
    _decide(embedded, batch, "rejected", [first], "学籍异动")
    _decide(embedded, batch, "approved")

    sheets = _sheets(embedded, "school10405")
    [rows] = sheets.values()
    assert [r[0] for r in rows] == list(range(1, len(items)))  # starts at 1 after the rejection, no gaps
    assert all("*" in r[1] and "*" in r[2] for r in rows)  # masked ID number and name, as on the 待拍名单
    assert sheets == _sheets(embedded, "agency", school_code="10405")  # one document for school and agency

    def capture_side() -> list[tuple[int, str, str]] | None:
        subjects = embedded.get("/api/capture/v1/subjects", "photographer",
                                params={"school_code": "10405"}).json()["items"]
        found = sorted((s["roster_order"], s["masked_id_number"], s["masked_name"]) for s in subjects)
        return found if len(found) == len(rows) else None

    assert wait_until(capture_side) == [(r[0], r[1], r[2]) for r in rows]

    # The class still 审核中 (法学院 FX2301) has no sheet; the approved classes have theirs.
    assert set(_sheets(embedded, "school10403")) >= {"XG2301", "XG2302"}
    assert "FX2301" not in _sheets(embedded, "school10403")

    # Approving the first student later moves everyone after them by one, downstream too.
    _decide(embedded, batch, "approved", [first])
    [rows] = _sheets(embedded, "school10405").values()
    assert [r[0] for r in rows] == list(range(1, len(items) + 1))
    wait_until(lambda: (c := capture_side()) is not None and c == [(r[0], r[1], r[2]) for r in rows])
