"""Schools and colleges through roster's API, and who sees what."""

from __future__ import annotations

from tests.support.api import Api


def _codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


def test_schools_are_scoped_to_the_caller(embedded: Api) -> None:
    assert _codes(embedded.get("/api/roster/v1/schools", "province")) == ["10403", "10404", "10405"]
    assert _codes(embedded.get("/api/roster/v1/schools", "agency")) == ["10403", "10404", "10405"]
    assert _codes(embedded.get("/api/roster/v1/schools", "photographer")) == ["10403", "10404", "10405"]
    assert _codes(embedded.get("/api/roster/v1/schools", "school10403")) == ["10403"]
    assert _codes(embedded.get("/api/roster/v1/schools", "student10403")) == ["10403"]
    assert len(_codes(embedded.get("/api/roster/v1/schools", "platform"))) == 5


def test_colleges_are_scoped_to_the_callers_school(embedded: Api) -> None:
    own = embedded.get("/api/roster/v1/colleges", "school10403").json()["items"]
    assert {c["school_code"] for c in own} == {"10403"} and "信息工程学院" in {c["name"] for c in own}
    other = embedded.get("/api/roster/v1/colleges", "school10405").json()["items"]
    assert {c["school_code"] for c in other} == {"10405"}
    # Asking for another school's colleges by filter yields nothing, not their data.
    assert embedded.get("/api/roster/v1/colleges", "school10405", params={"school_code": "10403"}).json()[
        "total"] == 0
    province = embedded.get("/api/roster/v1/colleges", "province").json()["items"]
    assert {c["school_code"] for c in province} == {"10403", "10405"}


def test_a_school_admin_creates_a_college(embedded: Api) -> None:
    response = embedded.post("/api/roster/v1/colleges", "school10405", json={"code": "A01", "name": " 软件学院 "})
    assert response.status_code == 201, response.text
    college = response.json()
    assert (college["school_code"], college["code"], college["name"]) == ("10405", "A01", "软件学院")
    assert college["created_at"].endswith(("Z", "+00:00"))
    assert "A01" in _codes(embedded.get("/api/roster/v1/colleges", "school10405"))
    assert "A01" not in _codes(embedded.get("/api/roster/v1/colleges", "school10403"))


def test_duplicate_college_code_is_a_conflict_and_writes_nothing(embedded: Api) -> None:
    before = embedded.get("/api/roster/v1/colleges", "school10403").json()["total"]
    response = embedded.post("/api/roster/v1/colleges", "school10403", json={"code": "001", "name": "重复学院"})
    assert response.status_code == 409
    assert response.json()["code"] == "college_code_taken" and "001" in response.json()["message_zh"]
    assert embedded.get("/api/roster/v1/colleges", "school10403").json()["total"] == before


def test_college_input_is_validated_per_field(embedded: Api) -> None:
    response = embedded.post("/api/roster/v1/colleges", "school10403", json={"code": "有 空格", "name": ""})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert {e["field"] for e in body["errors"]} == {"code", "name"}
    assert all(e["message_zh"] and e["message_en"] for e in body["errors"])


def test_only_school_admins_create_colleges_and_only_for_their_school(embedded: Api) -> None:
    for user in ("province", "agency", "photographer", "student10403", "monitor10403"):
        response = embedded.post("/api/roster/v1/colleges", user, json={"code": "X1", "name": "越权学院"})
        assert response.status_code == 403, user
        assert response.json()["code"] == "role_not_allowed"
    response = embedded.post("/api/roster/v1/colleges", "school10403",
                             json={"code": "X2", "name": "越权学院", "school_code": "10405"})
    assert response.status_code == 404 and response.json()["code"] == "school_not_found"
    assert "X2" not in _codes(embedded.get("/api/roster/v1/colleges", "school10405"))


def test_a_branch_campus_lives_under_the_main_schools_code(embedded: Api) -> None:
    created = embedded.post("/api/roster/v1/campuses", "school10403", json={"name": "青山湖校区"})
    assert created.status_code == 201 and created.json()["school_code"] == "10403"
    again = embedded.post("/api/roster/v1/campuses", "school10403", json={"name": "青山湖校区"})
    assert again.status_code == 409 and again.json()["code"] == "campus_exists"
    assert [c["name"] for c in embedded.get("/api/roster/v1/campuses", "school10403").json()["items"]] == ["青山湖校区"]
    assert embedded.get("/api/roster/v1/campuses", "school10405").json()["total"] == 0
    assert embedded.get("/api/roster/v1/campuses", "province").json()["total"] == 1


def test_coordinators_see_their_college_and_monitors_their_class(embedded: Api) -> None:
    colleges = {c["id"]: c["name"] for c in embedded.get("/api/roster/v1/colleges", "school10403").json()["items"]}
    classes = {c["id"]: c["code"] for c in embedded.get("/api/roster/v1/classes", "school10403").json()["items"]}
    everyone = embedded.get("/api/roster/v1/students", "school10403", params={"limit": 500}).json()
    assert {colleges[s["college_id"]] for s in everyone["items"]} >= {"信息工程学院", "法学院"}

    coordinator = embedded.get("/api/roster/v1/students", "coordinator10403", params={"limit": 500}).json()
    assert coordinator["total"] == 58 and {colleges[s["college_id"]] for s in coordinator["items"]} == {"信息工程学院"}
    monitor = embedded.get("/api/roster/v1/students", "monitor10403", params={"limit": 500}).json()
    assert monitor["total"] == 30 and {classes[s["class_id"]] for s in monitor["items"]} == {"XG2301"}
    # Imports, reviews and errata are the registrar's, not the coordinators'.
    for user in ("coordinator10403", "monitor10403"):
        assert embedded.get("/api/roster/v1/imports", user).json()["total"] == 0
        assert embedded.get("/api/roster/v1/review/batches", user).json()["total"] == 0
        assert embedded.get("/api/roster/v1/me", user).json()["school_code"] == "10403"
    subjects = embedded.get("/api/capture/v1/subjects", "monitor10403").json()["items"]
    assert subjects and {s["class_no"] for s in subjects} == {"XG2301"}


def _roster_events(api: Api, event_type: str) -> list[dict]:  # type: ignore[type-arg]
    """Payloads roster wrote to its outbox (published or not), oldest first."""
    from sqlalchemy import select

    from services.roster.models import outbox

    ctx = api.client.app.apps["roster"].state.ctx  # type: ignore[union-attr]
    with ctx.uow() as uow:
        rows = uow.session.execute(select(outbox.c.payload).where(outbox.c.type == event_type)
                                   .order_by(outbox.c.seq))
        return [row.payload for row in rows]


def test_a_school_admin_renames_and_recodes_a_class_and_it_is_announced(embedded: Api) -> None:
    college = embedded.post("/api/roster/v1/colleges", "school10405", json={"code": "K01", "name": "改班学院"}).json()
    klass = embedded.post("/api/roster/v1/classes", "school10405",
                          json={"college_id": college["id"], "code": "K0101", "name": "旧名"}).json()
    embedded.post("/api/roster/v1/classes", "school10405", json={"college_id": college["id"], "code": "K0102"})
    path = f"/api/roster/v1/classes/{klass['id']}"

    renamed = embedded.client.patch(path, headers=embedded.as_user("school10405"), json={"name": " 新名 "})
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["code"], renamed.json()["name"], renamed.json()["students"]) == ("K0101", "新名", 0)
    recoded = embedded.client.patch(path, headers=embedded.as_user("school10405"), json={"code": "K0199"})
    assert (recoded.json()["code"], recoded.json()["name"]) == ("K0199", "新名")
    [first, second] = [e for e in _roster_events(embedded, "roster.class.updated") if e["class_id"] == klass["id"]]
    assert (first["code"], first["name"], second["code"], second["name"]) == ("K0101", "新名", "K0199", "新名")
    assert (second["school_code"], second["province_code"], second["college_id"]) == ("10405", "36", college["id"])

    unchanged = embedded.client.patch(path, headers=embedded.as_user("school10405"), json={"name": "新名"})
    assert unchanged.status_code == 200
    assert len([e for e in _roster_events(embedded, "roster.class.updated") if e["class_id"] == klass["id"]]) == 2

    taken = embedded.client.patch(path, headers=embedded.as_user("school10405"), json={"code": "K0102"})
    assert (taken.status_code, taken.json()["code"]) == (409, "class_code_taken")
    other = embedded.client.patch(path, headers=embedded.as_user("school10403"), json={"name": "x"})
    assert (other.status_code, other.json()["code"]) == (404, "class_not_found")
    assert embedded.client.patch(path, headers=embedded.as_user("province"), json={"name": "x"}).status_code == 403
