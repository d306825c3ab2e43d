"""Capture learns its days, rooms and stations from scheduling's published plans: publish a plan in scheduling,
and capture's stations API shows its rooms; replays and re-plans never duplicate a station."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.scheduling.events import PlanPublished
from tests.capture.support import demo_pass, demo_stations
from tests.scheduling.helpers import URL, create_plan, publish_day
from tests.support.api import Api, wait_until
from tests.support.bus import publish

CAPTURE = "/api/capture/v1"
ROOMS = {"图书馆E201", "图书馆E202"}


def _stations(api: Api, user: str, day: str) -> list[dict[str, Any]]:
    response = api.get(f"{CAPTURE}/stations", user, params={"day": day})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_published_plan_becomes_capture_days_with_stations_per_room(embedded: Api) -> None:
    day, plan = publish_day(embedded)
    stations = wait_until(lambda: [s for s in _stations(embedded, "agency", "2026-05-21") if s["room"] in ROOMS])
    assert {s["room"] for s in stations} == ROOMS
    assert len(stations) == 2 and {s["school_code"] for s in stations} == {"10403"}
    assert {s["photographer"] for s in stations} == {""}  # the agency assigns photographers
    # Tenancy: the school sees its own stations, another school and the demo photographer none of them.
    assert {s["room"] for s in _stations(embedded, "school10403", "2026-05-21")} == ROOMS
    assert _stations(embedded, "school10405", "2026-05-21") == []
    assert _stations(embedded, "photographer", "2026-05-21") == []

    # A re-plan published again (a new event id) and the same event replayed change nothing.
    again = create_plan(embedded, day["id"])
    assert embedded.post(f"{URL}/plans/{again['id']}/publish", "agency").status_code == 200
    envelope = publish(embedded, _event(plan["id"], day["id"], rooms=sorted(ROOMS)))
    publish(embedded, envelope)
    # A later plan adding a camera to one room adds exactly one station there.
    publish(embedded, _event(plan["id"], day["id"], rooms=sorted(ROOMS), stations={"图书馆E201": 2}))
    grown = wait_until(lambda: s if len(s := _stations(embedded, "agency", "2026-05-21")) == 3 else None)
    assert sorted(s["room"] for s in grown) == ["图书馆E201", "图书馆E201", "图书馆E202"]
    assert len({s["name"] for s in grown}) == 3


def test_a_plan_for_a_day_the_agency_created_keeps_its_stations(embedded: Api) -> None:
    made = embedded.post(f"{CAPTURE}/capture-days", "agency", json={
        "school_code": "10403", "day": "2026-06-02", "rooms": ["图书馆E201"],
        "stations": [{"room": "图书馆E201", "name": "机位1", "photographer": "photographer"}]})
    assert made.status_code == 201, made.text
    publish(embedded, _event("p-hand", "d-hand", rooms=["图书馆E201", "图书馆E203"], dates=[date(2026, 6, 2)]))
    stations = wait_until(lambda: s if len(s := _stations(embedded, "agency", "2026-06-02")) == 2 else None)
    assert {(s["room"], s["photographer"]) for s in stations} == {("图书馆E201", "photographer"), ("图书馆E203", "")}
    # The agency endpoint still refuses a second day for the same school and date.
    again = embedded.post(f"{CAPTURE}/capture-days", "agency", json={
        "school_code": "10403", "day": "2026-06-02", "rooms": ["X"],
        "stations": [{"room": "X", "name": "机位9", "photographer": "photographer"}]})
    assert again.status_code == 409 and again.json()["code"] == "capture_day_exists"


def _event(plan_id: str, day_id: str, rooms: list[str], stations: dict[str, int] | None = None,
           dates: list[date] | None = None) -> PlanPublished:
    return PlanPublished(plan_id=plan_id, day_id=day_id, school_code="10403", province_code="36", term="2026-06",
                         dates=dates or [date(2026, 5, 21)], rooms=rooms, room_stations=stations or {},
                         slots=[], unplaced_class_ids=[])


def test_the_agency_assigns_a_photographer_to_a_planned_station(embedded: Api) -> None:
    publish_day(embedded)
    station = wait_until(lambda: [s for s in _stations(embedded, "agency", "2026-05-21") if s["room"] in ROOMS])[0]
    url = f"{CAPTURE}/stations/{station['id']}/photographer"
    for user in ("photographer", "school10403", "school10405", "province"):  # only the agency assigns
        refused = embedded.client.put(url, headers=embedded.as_user(user), json={"photographer": "photographer"})
        assert refused.status_code in (403, 404), (user, refused.text)
    for bad in ("", "x" * 65, "摄影师", "a b"):
        hostile = embedded.client.put(url, headers=embedded.as_user("agency"), json={"photographer": bad})
        assert hostile.status_code == 422, bad
    assigned = embedded.client.put(url, headers=embedded.as_user("agency"), json={"photographer": "photographer"})
    assert assigned.status_code == 200 and assigned.json()["photographer"] == "photographer", assigned.text
    assert station["id"] in {s["id"] for s in _stations(embedded, "photographer", "2026-05-21")}  # now theirs
    missing = embedded.client.put(f"{CAPTURE}/stations/no-such/photographer", headers=embedded.as_user("agency"),
                                  json={"photographer": "photographer"})
    assert missing.status_code == 404


def test_a_station_with_a_student_in_front_keeps_its_photographer(embedded: Api) -> None:
    station = str(demo_stations(embedded)[0]["id"])
    token = demo_pass(embedded)
    checkin = embedded.post(f"{CAPTURE}/checkins", "photographer", json={"station": station, "pass": token})
    assert checkin.status_code == 201, checkin.text
    url = f"{CAPTURE}/stations/{station}/photographer"
    busy = embedded.client.put(url, headers=embedded.as_user("agency"), json={"photographer": "relief"})
    assert busy.status_code == 409 and busy.json()["code"] == "station_busy"
    void = embedded.post(f"{CAPTURE}/checkins/{checkin.json()['id']}/void", "photographer", json={"reason": "换人"})
    assert void.status_code == 200
    handed_over = embedded.client.put(url, headers=embedded.as_user("agency"), json={"photographer": "relief"})
    assert handed_over.status_code == 200 and handed_over.json()["photographer"] == "relief"
