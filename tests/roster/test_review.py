"""Eligibility review through the API: the school submits, the province decides with reasons and sees rule
flags; only approved students ever reach scheduling, capture and payments."""

from __future__ import annotations

from tests.support.api import Api, wait_until

TERM = "2026-06"


def _pending_batch(api: Api, school: str = "10403") -> dict:
    batches = api.get("/api/roster/v1/review/batches", "province", params={"status": "pending"}).json()["items"]
    return next(b for b in batches if b["school_code"] == school)


def _downstream_keys(api: Api, user: str, school: str) -> dict[str, set[str]]:
    capture = api.get("/api/capture/v1/subjects", user, params={"school_code": school}).json()["items"]
    payers = api.get("/api/payments/v1/payers", user, params={"school_code": school}).json()["items"]
    return {"capture": {s["subject_key"] for s in capture}, "payments": {p["subject_key"] for p in payers}}


def test_the_province_queue_shows_pending_batches_with_flags(embedded: Api) -> None:
    batch = _pending_batch(embedded)
    assert batch["school_name"] == "南昌大学" and batch["term"] == TERM and batch["pending"] == 25
    items = embedded.get(f"/api/roster/v1/review/batches/{batch['id']}/items", "province").json()["items"]
    assert len(items) == 25
    assert all("*" in i["id_number_masked"] for i in items)  # reviewers see masked numbers
    # The school sees its own batches; another school sees none of them.
    assert embedded.get(f"/api/roster/v1/review/batches/{batch['id']}", "school10403").status_code == 200
    response = embedded.get(f"/api/roster/v1/review/batches/{batch['id']}", "school10405")
    assert response.status_code == 404 and response.json()["code"] == "batch_not_found"
    assert embedded.get("/api/roster/v1/review/batches", "school10405").json()["total"] == 0


def test_rejection_needs_a_reason_and_only_the_province_decides(embedded: Api) -> None:
    batch = _pending_batch(embedded)
    url = f"/api/roster/v1/review/batches/{batch['id']}/decisions"
    response = embedded.post(url, "province", json={"decision": "rejected", "reason": " "})
    assert response.status_code == 422 and response.json()["code"] == "reason_required"
    for user in ("school10403", "agency", "photographer"):
        assert embedded.post(url, user, json={"decision": "approved"}).status_code == 403, user


def test_approved_students_flow_downstream_and_rejected_never_do(embedded: Api) -> None:
    batch = _pending_batch(embedded)
    items = embedded.get(f"/api/roster/v1/review/batches/{batch['id']}/items", "province").json()["items"]
    rejected_ids = [i["student_id"] for i in items[:5]]
    url = f"/api/roster/v1/review/batches/{batch['id']}/decisions"
    response = embedded.post(url, "province", json={"decision": "rejected", "reason": "非应届毕业生",
                                                     "student_ids": rejected_ids})
    assert response.status_code == 200 and response.json()["decided"] == 5
    response = embedded.post(url, "province", json={"decision": "approved", "reason": ""})
    assert response.status_code == 200, response.text
    assert response.json()["batch"]["status"] == "decided"
    assert response.json()["batch"]["approved"] == 20 and response.json()["batch"]["rejected"] == 5

    approved = embedded.get("/api/roster/v1/students", "school10403",
                            params={"review_status": "approved", "limit": 500}).json()
    assert approved["total"] == 58 + 20
    wait_until(lambda: len(_downstream_keys(embedded, "agency", "10403")["capture"]) == 78)
    wait_until(lambda: len(_downstream_keys(embedded, "agency", "10403")["payments"]) == 78)
    summary = wait_until(lambda: embedded.get("/api/scheduling/v1/schools/10403/summary", "school10403").json())
    wait_until(lambda: embedded.get("/api/scheduling/v1/schools/10403/summary",
                                    "school10403").json()["approved_students"] == 78)
    assert summary["school_code"] == "10403"
    # The school sees the outcome, with the reason, on the student's record.
    rejected = embedded.get(f"/api/roster/v1/students/{rejected_ids[0]}", "school10403").json()
    assert rejected["review_status"] == "rejected" and rejected["review_reason"] == "非应届毕业生"
    # And the student, signed in on their phone, sees the same record and the same reason.
    signed_in = embedded.client.post("/api/roster/v1/auth/student-token", json={
        "school_code": "10403", "student_no": rejected["student_no"], "secret": rejected["id_number"][-6:]})
    assert signed_in.status_code == 200, signed_in.text
    own = embedded.client.get("/api/roster/v1/students/me",
                              headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"})
    assert own.json() == rejected
    listed = embedded.get("/api/roster/v1/students", "school10403", params={"review_status": "rejected"}).json()
    assert {s["review_reason"] for s in listed["items"]} == {"非应届毕业生"}


def test_withdrawing_an_approval_removes_the_student_downstream(embedded: Api) -> None:
    decided = embedded.get("/api/roster/v1/review/batches", "province", params={"status": "decided"}).json()
    batch = next(b for b in decided["items"] if b["school_code"] == "10403" and b["approved"] >= 58)
    items = embedded.get(f"/api/roster/v1/review/batches/{batch['id']}/items", "province").json()["items"]
    victim = items[0]["student_id"]
    before = _downstream_keys(embedded, "agency", "10403")["capture"]
    response = embedded.post(f"/api/roster/v1/review/batches/{batch['id']}/decisions", "province",
                             json={"decision": "rejected", "reason": "学籍异动", "student_ids": [victim]})
    assert response.status_code == 200
    wait_until(lambda: len(_downstream_keys(embedded, "agency", "10403")["capture"]) == len(before) - 1)
    wait_until(lambda: len(_downstream_keys(embedded, "agency", "10403")["payments"]) == len(before) - 1)


def test_rule_flags_name_what_the_reviewer_must_check(embedded: Api) -> None:
    from tests.support.rosters import student_row, xlsx

    rows = [student_row(1, klass="FL2601"), student_row(2, klass="FL2601", level="专升本"),
            student_row(3, klass="FL2601", study_mode="非全日制")]
    rows[0][12] = "20270630"  # graduates a year late
    job = _import(embedded, "school10403", xlsx(rows))
    assert job["status"] == "committed"
    submitted = embedded.post("/api/roster/v1/review/batches", "school10403", json={"term": TERM})
    assert submitted.status_code == 201, submitted.text
    batch = submitted.json()
    assert batch["flagged"] >= 3
    items = {i["name"]: {f["code"] for f in i["flags"]} for i in embedded.get(
        f"/api/roster/v1/review/batches/{batch['id']}/items", "province").json()["items"]}
    assert "graduation_outside_term" in items[rows[0][2]]
    assert "level_not_in_campaign" in items[rows[1][2]]
    assert "part_time_excluded" in items[rows[2][2]]


def test_every_decision_is_audited_and_nothing_to_submit_is_an_error(embedded: Api) -> None:
    decided = embedded.get("/api/roster/v1/review/batches", "province", params={"status": "decided"}).json()
    batch = next(b for b in decided["items"] if b["school_code"] == "10403")
    trail = embedded.get("/api/roster/v1/audit", "province", params={"target_id": batch["id"]}).json()["items"]
    actions = [(e["action"], e["actor"], e["reason"]) for e in trail]
    assert ("review.rejected", "province", "非应届毕业生") in actions
    assert ("review.submitted", "school10403", "25 人") in actions
    assert all(e["at"] for e in trail)
    assert embedded.get("/api/roster/v1/audit", "school10403", params={"target_id": batch["id"]}).json()["total"] \
        == len(trail)
    assert embedded.get("/api/roster/v1/audit", "school10405", params={"target_id": batch["id"]}).json()["total"] == 0
    assert embedded.get("/api/roster/v1/audit", "agency").status_code == 403
    response = embedded.post("/api/roster/v1/review/batches", "school10405", json={"term": "2030-06"})
    assert response.status_code == 404 and response.json()["code"] == "campaign_not_found"
    first = embedded.post("/api/roster/v1/review/batches", "school10405", json={"term": TERM})
    assert first.status_code == 201
    again = embedded.post("/api/roster/v1/review/batches", "school10405", json={"term": TERM})
    assert again.status_code == 422 and again.json()["code"] == "nothing_to_submit"


def _import(api: Api, user: str, data: bytes, name: str = "roster.xlsx") -> dict:
    response = api.post("/api/roster/v1/imports", user, files={"file": (name, data)})
    assert response.status_code == 202, response.text
    job = wait_until(lambda: (j := api.get(f"/api/roster/v1/imports/{response.json()['id']}", user).json())
                     ["status"] != "validating" and j)
    assert job["errors"] == 0, api.get(f"/api/roster/v1/imports/{job['id']}/issues", user).json()
    committed = api.post(f"/api/roster/v1/imports/{job['id']}/commit", user, json={})
    assert committed.status_code == 200, committed.text
    return committed.json()
