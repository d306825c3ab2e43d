"""Capture days and their plans through the API of the embedded system (demo data: 南昌大学 has two approved
classes, XG2301 with 30 students and XG2302 with 28)."""

from __future__ import annotations

from sqlalchemy import select

from tests.scheduling.helpers import URL, approved_ready, create_day, day_body
from tests.support.api import Api, wait_until


def test_the_agency_creates_a_day_and_the_weekday_is_computed(embedded: Api) -> None:
    day = create_day(embedded)
    assert day["dates"] == [{"date": "2026-05-21", "weekday": "星期四"}]
    assert day["timezone"] == "Asia/Shanghai" and day["province_code"] == "36"
    assert day["rate_per_station_per_minute"] == 2.7 and day["arrival_lead_minutes"] == 20
    assert day["bring"] and day["dress"]
    mine = embedded.get(f"{URL}/capture-days", "school10403").json()["items"]
    assert day["id"] in {d["id"] for d in mine}
    assert embedded.get(f"{URL}/capture-days/{day['id']}", "school10405").status_code == 404
    assert day["id"] not in {d["id"] for d in embedded.get(f"{URL}/capture-days", "school10405").json()["items"]}
    changed = embedded.client.put(f"{URL}/capture-days/{day['id']}", headers=embedded.as_user("agency"),
                                  json=day_body(dates=["2026-05-22"], blackouts=[], arrival_lead_minutes=30))
    assert changed.status_code == 200 and changed.json()["dates"][0]["weekday"] == "星期五"


def test_the_list_says_each_days_school_and_where_its_plan_stands(embedded: Api) -> None:
    """The agency's dashboard lists the next capture days with the school's name and the plan state."""
    def listed(day_id: str) -> dict:  # type: ignore[type-arg]
        items = embedded.get(f"{URL}/capture-days", "agency").json()["items"]
        return next(d for d in items if d["id"] == day_id)

    day = create_day(embedded)
    assert (listed(day["id"])["school_name"], listed(day["id"])["plan_status"]) == ("南昌大学", "none")
    approved_ready(embedded)
    plan = embedded.post(f"{URL}/capture-days/{day['id']}/plan", "agency").json()
    assert listed(day["id"])["plan_status"] == "draft"
    assert embedded.post(f"{URL}/plans/{plan['id']}/publish", "agency").status_code == 200
    assert listed(day["id"])["plan_status"] == "published"
    embedded.post(f"{URL}/capture-days/{day['id']}/plan", "agency")  # a re-plan's draft: still published
    assert listed(day["id"])["plan_status"] == "published"
    school_view = next(d for d in embedded.get(f"{URL}/capture-days", "school10403").json()["items"]
                       if d["id"] == day["id"])
    assert school_view["plan_status"] == "published"
    other = embedded.get(f"{URL}/capture-days", "school10405").json()["items"]  # another school sees none of it
    assert day["id"] not in {d["id"] for d in other} and "南昌大学" not in {d["school_name"] for d in other}


def test_only_the_agency_creates_and_edits_days(embedded: Api) -> None:
    for user in ("school10403", "province"):
        response = embedded.post(f"{URL}/capture-days", user, json=day_body())
        assert response.status_code == 403, (user, response.text)
        assert response.json()["code"] == "role_not_allowed"


def test_a_day_that_cannot_be_planned_is_refused(embedded: Api) -> None:
    overlap = embedded.post(f"{URL}/capture-days", "agency", json=day_body(
        windows=[{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]))
    assert overlap.status_code == 422 and overlap.json()["code"] == "capture_day_invalid"
    blackout = embedded.post(f"{URL}/capture-days", "agency", json=day_body(
        blackouts=[{"date": "2026-06-01", "start": "10:00", "end": "10:30", "room": "nowhere"}]))
    fields = {e["field"] for e in blackout.json()["errors"]}
    assert blackout.status_code == 422 and fields == {"blackouts[0].date", "blackouts[0].room"}
    backwards = embedded.post(f"{URL}/capture-days", "agency", json=day_body(windows=[{"start": "12:00",
                                                                                      "end": "09:00"}]))
    assert backwards.status_code == 422 and backwards.json()["code"] == "validation_failed"


def test_the_school_proposes_preferences(embedded: Api) -> None:
    day = create_day(embedded)
    college = embedded.get(f"{URL}/colleges", "school10403").json()["items"][0]["id"]
    url = f"{URL}/capture-days/{day['id']}/preferences"
    ok = embedded.client.put(url, headers=embedded.as_user("school10403"), json={"items": [
        {"college_id": college, "campus": "前湖校区", "start": "13:00"}]})
    assert ok.status_code == 200 and ok.json()["preferences"] == [
        {"college_id": college, "campus": "前湖校区", "date": None, "start": "13:00"}]
    bad = embedded.client.put(url, headers=embedded.as_user("school10403"), json={"items": [
        {"college_id": "nope", "campus": "瑶湖校区"}]})
    assert bad.status_code == 422 and {e["code"] for e in bad.json()["errors"]} == {"unknown_college",
                                                                                     "unknown_campus"}
    other = embedded.client.put(url, headers=embedded.as_user("school10405"), json={"items": []})
    assert other.status_code == 404


def test_plan_publish_and_replan_after_losing_a_room(embedded: Api) -> None:
    approved_ready(embedded)
    day = create_day(embedded)
    plan = embedded.post(f"{URL}/capture-days/{day['id']}/plan", "agency")
    assert plan.status_code == 201, plan.text
    plan = plan.json()
    assert plan["status"] == "draft" and plan["unplaced"] == []
    assert plan["students_placed"] == plan["students_total"] == 58
    assert {a["class_code"] for a in plan["assignments"]} == {"XG2301", "XG2302"}
    assert all(a["weekday"] == "星期四" for a in plan["assignments"])
    assert plan["lower_bound_minutes"] > 0
    assert embedded.post(f"{URL}/plans/{plan['id']}/publish", "school10403").status_code == 403
    published = embedded.post(f"{URL}/plans/{plan['id']}/publish", "agency").json()
    assert published["status"] == "published"
    assert embedded.post(f"{URL}/plans/{plan['id']}/publish", "agency").json()["code"] == "plan_not_draft"
    _assert_event_published(embedded, day["id"])

    rooms = {a["room"] for a in published["assignments"]}
    kept_room = sorted(rooms)[0]
    changed = embedded.client.put(f"{URL}/capture-days/{day['id']}", headers=embedded.as_user("agency"),
                                  json=day_body(rooms=[{"id": kept_room, "campus": "前湖校区", "stations": 1}]))
    assert changed.status_code == 200
    again = embedded.post(f"{URL}/capture-days/{day['id']}/plan", "agency").json()
    assert again["based_on"] == plan["id"] and again["unplaced"] == []
    before = {a["class_id"]: (a["room"], a["start"]) for a in published["assignments"]}
    after = {a["class_id"]: (a["room"], a["start"]) for a in again["assignments"]}
    unaffected = [c for c, (room, _) in before.items() if room == kept_room]
    assert unaffected and all(after[c] == before[c] for c in unaffected)
    assert again["kept"] == len(unaffected)
    history = embedded.get(f"{URL}/capture-days/{day['id']}/plans", "school10403").json()["items"]
    assert [p["status"] for p in history] == ["draft", "published"]


def _assert_event_published(api: Api, day_id: str) -> None:
    from services.scheduling.models import outbox

    ctx = api.client.app.apps["scheduling"].state.ctx  # type: ignore[attr-defined]
    with ctx.sessions() as session:
        rows = session.execute(select(outbox.c.payload).where(outbox.c.type == "scheduling.plan.published"))
        payloads = [r[0] for r in rows if (r[0] if isinstance(r[0], dict) else {}).get("day_id") == day_id]
    [payload] = payloads
    assert payload["timezone"] == "Asia/Shanghai" and len(payload["slots"]) == 2
    assert {"class_id", "room", "date", "start", "end", "arrive", "students"} <= set(payload["slots"][0])


def test_moving_a_class_by_hand_revalidates(embedded: Api) -> None:
    approved_ready(embedded)
    day = create_day(embedded)
    plan = embedded.post(f"{URL}/capture-days/{day['id']}/plan", "agency").json()
    first, second = plan["assignments"][:2]
    url = f"{URL}/plans/{plan['id']}/assignments/{first['class_id']}"
    put = embedded.client.put
    headers = embedded.as_user("agency")
    blackout = put(url, headers=headers, json={"room": "图书馆E201", "date": "2026-05-21", "start": "09:55"})
    assert blackout.status_code == 422 and blackout.json()["errors"][0]["code"] == "blackout"
    late = put(url, headers=headers, json={"room": "图书馆E201", "date": "2026-05-21", "start": "16:40"})
    assert late.json()["errors"][0]["code"] == "outside_window"
    clash = put(url, headers=headers, json={"room": second["room"], "date": "2026-05-21", "start": second["start"]})
    assert clash.status_code == 422 and clash.json()["errors"][0]["code"] == "overlap"
    moved = put(url, headers=headers, json={"room": "图书馆E202", "date": "2026-05-21", "start": "14:00"})
    assert moved.status_code == 200, moved.text
    [entry] = [a for a in moved.json()["assignments"] if a["class_id"] == first["class_id"]]
    assert (entry["room"], entry["start"], entry["arrive"]) == ("图书馆E202", "14:00", "13:40")
    assert put(url, headers=embedded.as_user("school10403"), json={"room": "图书馆E202", "date": "2026-05-21",
                                                                   "start": "15:00"}).status_code == 403


def test_a_day_too_short_names_the_classes_that_do_not_fit(embedded: Api) -> None:
    approved_ready(embedded)
    day = create_day(embedded, windows=[{"start": "09:00", "end": "09:10"}], blackouts=[],
                     rooms=[{"id": "小会议室", "campus": None, "stations": 1}])
    plan = embedded.post(f"{URL}/capture-days/{day['id']}/plan", "agency").json()
    assert plan["assignments"] == [] and len(plan["unplaced"]) == 2
    assert all(u["short_minutes"] > 0 for u in plan["unplaced"])


def test_a_large_day_is_solved_as_a_job(embedded: Api, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from services.scheduling.plans import service

    monkeypatch.setattr(service, "INLINE_CLASSES", 0)  # the demo school stands in for a 1,000-class university
    approved_ready(embedded)
    day = create_day(embedded)
    plan = embedded.post(f"{URL}/capture-days/{day['id']}/plan", "agency").json()
    assert plan["status"] == "solving" and plan["job_id"] and plan["assignments"] == []
    done = wait_until(lambda: (p := embedded.get(f"{URL}/plans/{plan['id']}", "school10403").json())["status"]
                      == "draft" and p, timeout=30)
    assert done["students_placed"] == 58
    job = embedded.get(f"{URL}/jobs/{plan['job_id']}", "school10403").json()
    assert job["state"] == "succeeded" and job["progress"] == {"done": 1, "total": 1}
