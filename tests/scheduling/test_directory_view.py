"""The thin thread: a college created in roster reaches scheduling through the outbox and the bus."""

from __future__ import annotations

from tests.support.api import Api, wait_until


def _colleges_in_scheduling(api: Api) -> int | None:
    """The school's college count in scheduling's read model; None until the school has reached it (404)."""
    response = api.get("/api/scheduling/v1/schools/10403/summary", "school10403")
    return int(response.json()["colleges"]) if response.status_code == 200 else None


def test_a_new_college_appears_in_scheduling_once(embedded: Api) -> None:
    before = embedded.get("/api/roster/v1/colleges", "school10403").json()["total"]
    # A fresh system: the demo's colleges reach scheduling a moment after the start.
    wait_until(lambda: _colleges_in_scheduling(embedded) == before)
    created = embedded.post("/api/roster/v1/colleges", "school10403", json={"code": "T01", "name": "图采测试学院"})
    assert created.status_code == 201

    def seen() -> list[dict]:
        items = embedded.get("/api/scheduling/v1/colleges", "school10403").json()["items"]
        return [c for c in items if c["code"] == "T01"]

    [college] = wait_until(seen)
    assert college == {"id": created.json()["id"], "school_code": "10403", "code": "T01", "name": "图采测试学院"}
    assert _colleges_in_scheduling(embedded) == before + 1


def test_scheduling_views_are_scoped(embedded: Api) -> None:
    wait_until(lambda: embedded.get("/api/scheduling/v1/colleges", "school10405").json()["total"] >= 8)
    other = embedded.get("/api/scheduling/v1/colleges", "school10405").json()["items"]
    assert {c["school_code"] for c in other} == {"10405"}
    province = embedded.get("/api/scheduling/v1/colleges", "province").json()["items"]
    assert {c["school_code"] for c in province} == {"10403", "10405"}
    response = embedded.get("/api/scheduling/v1/schools/10403/summary", "school10405")
    assert response.status_code == 404 and response.json()["code"] == "school_not_found"
    assert embedded.get("/api/scheduling/v1/schools/10403/summary", "province").status_code == 200


def test_events_survive_a_restart_of_the_embedded_system(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from services.gateway.app import create_gateway
    from tests.conftest import embedded_settings

    settings = embedded_settings(tmp_path)
    with TestClient(create_gateway(settings)) as client:
        api = Api(client)
        for i in range(10):  # then stop at once: whatever was not relayed yet stays in the outbox
            assert api.post("/api/roster/v1/colleges", "school10405", json={"code": f"Q{i}", "name": f"重启{i}"}
                            ).status_code == 201
    with TestClient(create_gateway(settings)) as client:
        api = Api(client)
        codes = wait_until(lambda: {c["code"] for c in api.get("/api/scheduling/v1/colleges", "school10405").json()[
            "items"]} >= {f"Q{i}" for i in range(10)} and api.get(
            "/api/scheduling/v1/schools/10405/summary", "school10405").json())
        assert codes["colleges"] == 8 + 10  # demo colleges + new ones, each counted exactly once
