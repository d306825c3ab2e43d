"""Capture-day fixtures shared by the scheduling tests, the tenancy matrix and the e2e tier."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api, wait_until

URL = "/api/scheduling/v1"


def day_body(**overrides: Any) -> dict[str, Any]:
    """A one-date day for 南昌大学: two rooms of one station, the seed-002 windows, a short break."""
    body: dict[str, Any] = {
        "school_code": "10403", "term": "2026-06", "title": "南昌大学前湖校区采集",
        "dates": ["2026-05-21"], "windows": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "16:45"}],
        "rooms": [{"id": "图书馆E201", "campus": "前湖校区", "stations": 1},
                  {"id": "图书馆E202", "campus": "前湖校区", "stations": 1}],
        "blackouts": [{"date": "2026-05-21", "start": "10:00", "end": "10:15", "room": None}],
    }
    return {**body, **overrides}


def approved_ready(api: Api) -> None:
    """Roster's demo approvals (58 students of 南昌大学) have reached scheduling's read model."""
    wait_until(lambda: sum(c["approved_students"] for c in api.get(f"{URL}/classes", "school10403").json()["items"])
               >= 58)


def school_ready(api: Api, school_code: str = "10403") -> None:
    """Roster's demo schools have reached scheduling's read model (a fresh system publishes them as events)."""
    wait_until(lambda: api.get(f"{URL}/schools/{school_code}/summary", "agency").status_code == 200)


def create_day(api: Api, **overrides: Any) -> dict[str, Any]:
    school_ready(api, overrides.get("school_code", "10403"))
    response = api.post(f"{URL}/capture-days", "agency", json=day_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


def create_plan(api: Api, day_id: str | None = None) -> dict[str, Any]:
    approved_ready(api)
    day_id = day_id or create_day(api)["id"]
    response = api.post(f"{URL}/capture-days/{day_id}/plan", "agency")
    assert response.status_code == 201, response.text
    return dict(response.json())


def publish_day(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    """A day of 南昌大学 with its plan published: (day, plan)."""
    day = create_day(api)
    plan = create_plan(api, day["id"])
    response = api.post(f"{URL}/plans/{plan['id']}/publish", "agency")
    assert response.status_code == 200, response.text
    return day, dict(response.json())


def publish_today(api: Api) -> dict[str, Any]:
    """Today's day of 南昌大学 (local date: capture's demo stations are today's) with its plan published, titled
    apart from day_body's (browser tests of one server look days up by title)."""
    from services.scheduling.board.service import local_today

    school_ready(api)
    created = api.post(f"{URL}/capture-days", "agency", json=day_body(
        dates=[local_today().isoformat()], blackouts=[], title="南昌大学当日采集"))
    assert created.status_code == 201, created.text
    plan = create_plan(api, created.json()["id"])
    assert api.post(f"{URL}/plans/{plan['id']}/publish", "agency").status_code == 200
    return dict(created.json())
