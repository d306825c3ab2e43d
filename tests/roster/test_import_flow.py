"""Issue 8, part 8 through the API: the history shows every import (the demo's too), the issue list names the
student beside row and column, and a file identical to one waiting for confirmation is refused saying so."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api, wait_until
from tests.support.rosters import student_row, xlsx


def _upload(api: Api, data: bytes, name: str = "roster.xlsx") -> Any:
    return api.post("/api/roster/v1/imports", "school10403", files={"file": (name, data)})


def _validated(api: Api, job_id: str) -> dict[str, Any]:
    return wait_until(lambda: (j := api.get(f"/api/roster/v1/imports/{job_id}", "school10403").json())
                      ["status"] != "validating" and j)


def test_the_history_shows_the_demos_import(embedded: Api) -> None:
    jobs = embedded.get("/api/roster/v1/imports", "school10403").json()["items"]
    demo = [j for j in jobs if j["created_by"] == "演示数据"]
    assert len(demo) == 1 and demo[0]["status"] == "committed" and demo[0]["accepted"] == 30 + 28 + 25
    other = embedded.get("/api/roster/v1/imports", "school10405").json()["items"]
    assert {j["school_code"] for j in other} == {"10405"} and len(other) == 1
    missing = embedded.get(f"/api/roster/v1/imports/{demo[0]['id']}/annotated.xlsx", "school10403")
    assert missing.status_code == 404 and missing.json()["code"] == "import_file_missing"


def test_issues_name_the_student_and_an_identical_waiting_file_says_so(embedded: Api) -> None:
    bad = student_row(41, klass="IS2601")
    bad[5] = "360102200301011234"  # wrong check character
    data = xlsx([student_row(40, klass="IS2601"), bad])
    first = _upload(embedded, data, "第一次.xlsx")
    assert first.status_code == 202, first.text
    job = _validated(embedded, first.json()["id"])
    assert job["status"] == "validated" and job["rows_with_errors"] == 1
    issues = embedded.get(f"/api/roster/v1/imports/{job['id']}/issues", "school10403").json()["items"]
    [issue] = [i for i in issues if i["severity"] == "error"]
    assert (issue["row"], issue["column"]) == (3, "身份证号")
    assert (issue["student_no"], issue["student_name"]) == (bad[1], bad[2])

    again = _upload(embedded, data, "再传一次.xlsx")
    assert again.status_code == 409, again.text
    problem = again.json()
    assert problem["code"] == "import_duplicate_waiting" and "第一次.xlsx" in problem["message_zh"]
    assert job["id"] in problem["errors"][0]["message_zh"]
    # Once the waiting one is discarded, the same file may come again.
    assert embedded.client.delete(f"/api/roster/v1/imports/{job['id']}",
                                  headers=embedded.as_user("school10403")).status_code == 200
    assert _upload(embedded, data, "再传一次.xlsx").status_code == 202
