"""On the capture day (issue 9, item 5): a class that has not arrived by its start goes to the end of its room's
day with one action; the classes after it move up (never before the arrival time they were told), the students'
slots follow, and a day with no time left says how many minutes are missing."""

from __future__ import annotations

from typing import Any

import pytest

from services.scheduling.allocation.defer import DoesNotFit, defer_to_end
from services.scheduling.allocation.instance import Instance
from tests.scheduling.helpers import URL, create_day, create_plan
from tests.support.api import DEMO_STUDENT, Api

ONE_ROOM = [{"id": "图书馆E201", "campus": "前湖校区", "stations": 1}]


def _published_in_one_room(api: Api) -> dict[str, Any]:
    day = create_day(api, rooms=ONE_ROOM, blackouts=[], title="南昌大学单场地采集")
    plan = create_plan(api, day["id"])
    published = api.post(f"{URL}/plans/{plan['id']}/publish", "agency")
    assert published.status_code == 200, published.text
    return dict(published.json())


def _in_order(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(plan["assignments"], key=lambda a: (a["date"], a["start"]))


def test_a_late_class_goes_last_and_the_next_moves_up_no_earlier_than_told(embedded: Api) -> None:
    plan = _published_in_one_room(embedded)
    first, second = _in_order(plan)[:2]
    deferred = embedded.post(f"{URL}/plans/{plan['id']}/assignments/{first['class_id']}/defer", "agency")
    assert deferred.status_code == 200, deferred.text
    now = {a["class_id"]: a for a in deferred.json()["assignments"]}
    assert _in_order(deferred.json())[-1]["class_id"] == first["class_id"]  # the late class is last
    moved_up = now[second["class_id"]]
    assert moved_up["start"] < second["start"] or second["start"] == first["end"]
    assert moved_up["start"] >= second["arrive"] and moved_up["arrive"] == second["arrive"]  # as they were told
    late = now[first["class_id"]]
    assert late["start"] >= moved_up["end"] and late["arrive"] < late["start"]
    mine = embedded.get(f"{URL}/slots/me", DEMO_STUDENT).json()  # the demo student's class is XG2301
    assert mine["start"] == now[next(a["class_id"] for a in deferred.json()["assignments"]
                                     if a["class_code"] == "XG2301")]["start"]


def test_only_the_agency_defers_and_only_on_a_published_plan(embedded: Api) -> None:
    plan = _published_in_one_room(embedded)
    class_id = plan["assignments"][0]["class_id"]
    url = f"{URL}/plans/{plan['id']}/assignments/{class_id}/defer"
    for user in ("school10403", "school10405", "province", DEMO_STUDENT):
        assert embedded.post(url, user).status_code in (403, 404), user
    unknown = embedded.post(f"{URL}/plans/{plan['id']}/assignments/no-such-class/defer", "agency")
    assert unknown.status_code == 404 and unknown.json()["code"] == "class_not_in_plan"
    draft = create_plan(embedded, create_day(embedded, rooms=ONE_ROOM, blackouts=[], title="草稿")["id"])
    refused = embedded.post(f"{URL}/plans/{draft['id']}/assignments/{class_id}/defer", "agency")
    assert refused.status_code == 409 and refused.json()["code"] == "plan_not_published"


def _instance(window_end: str) -> Instance:
    return Instance.model_validate({
        "rate_per_station_per_minute": 1, "arrival_lead_minutes": 20,
        "rooms": [{"id": "R", "stations": 1, "windows": [{"date": "2026-05-21", "start": "09:00", "end": window_end}],
                   "blackouts": [{"date": "2026-05-21", "start": "09:40", "end": "09:50"}]}],
        "classes": [{"id": c, "college": "学院", "students": 20} for c in ("a", "b", "c")]})


PLAN = [{"class": "a", "room": "R", "date": "2026-05-21", "start": "09:00", "end": "09:20", "arrive": "08:40"},
        {"class": "b", "room": "R", "date": "2026-05-21", "start": "09:20", "end": "09:40", "arrive": "09:00"},
        {"class": "c", "room": "R", "date": "2026-05-21", "start": "09:50", "end": "10:10", "arrive": "09:30"}]


def test_the_moved_classes_keep_clear_of_blackouts_and_arrival_times() -> None:
    after = {a["class"]: a for a in defer_to_end(_instance("12:00"), PLAN, "a")}
    assert (after["b"]["start"], after["b"]["end"]) == ("09:00", "09:20")  # up into the gap, told 09:00
    # c was told 09:30, but 09:30–09:50 would cross the 09:40–09:50 blackout: it starts after it
    assert (after["c"]["start"], after["c"]["end"], after["c"]["arrive"]) == ("09:50", "10:10", "09:30")
    assert (after["a"]["start"], after["a"]["end"], after["a"]["arrive"]) == ("10:10", "10:30", "09:50")


def test_a_day_without_time_left_says_how_many_minutes_are_missing() -> None:
    with pytest.raises(DoesNotFit) as short:
        defer_to_end(_instance("10:10"), PLAN, "a")
    assert short.value.short_minutes == 20
