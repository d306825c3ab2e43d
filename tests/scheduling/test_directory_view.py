"""The thin thread: a college created in roster reaches scheduling through the outbox and the bus."""

from __future__ import annotations

from tests.support.api import Api, wait_until


def test_a_new_college_appears_in_scheduling_once(embedded: Api) -> None:
    before = embedded.get("/api/scheduling/v1/schools/10403/summary", "school10403").json()["colleges"]
    created = embedded.post("/api/roster/v1/colleges", "school10403", json={"code": "T01", "name": "图采测试学院"})
    assert created.status_code == 201

    def seen() -> list[dict]:
        items = embedded.get("/api/scheduling/v1/colleges", "school10403").json()["items"]
        return [c for c in items if c["code"] == "T01"]

    [college] = wait_until(seen)
    assert college == {"id": created.json()["id"], "school_code": "10403", "code": "T01", "name": "图采测试学院"}
    summary = wait_until(lambda: embedded.get("/api/scheduling/v1/schools/10403/summary", "school10403").json())
    assert summary["colleges"] == before + 1


def test_scheduling_views_are_scoped(embedded: Api) -> None:
    wait_until(lambda: embedded.get("/api/scheduling/v1/colleges", "school10405").json()["total"] >= 8)
    other = embedded.get("/api/scheduling/v1/colleges", "school10405").json()["items"]
    assert {c["school_code"] for c in other} == {"10405"}
    province = embedded.get("/api/scheduling/v1/colleges", "province").json()["items"]
    assert {c["school_code"] for c in province} == {"10403", "10405"}
    response = embedded.get("/api/scheduling/v1/schools/10403/summary", "school10405")
    assert response.status_code == 404 and response.json()["code"] == "school_not_found"
    assert embedded.get("/api/scheduling/v1/schools/10403/summary", "province").status_code == 200
