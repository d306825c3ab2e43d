"""The live board of a capture day: scheduling's read model of capture's events (check-ins through capture's own
station API, and events the test publishes as capture would), counted once per student whatever is replayed."""

from __future__ import annotations

from typing import Any

import pytest

from services.capture.events import CheckinClosed, CheckinOpened, PhotoAccepted
from services.scheduling.board.service import local_today
from tests.capture.support import demo_pass, demo_stations, jpeg
from tests.scheduling.helpers import URL, publish_today
from tests.support.api import DEMO_STUDENT, Api, wait_until
from tests.support.bus import publish

CAPTURE = "/api/capture/v1"
ONE, TWO = "计算机技术2023级硕士1班", "计算机技术2023级硕士2班"


@pytest.fixture(scope="module")
def day(embedded: Api) -> dict[str, Any]:
    """Today's day of 南昌大学, its plan published."""
    return publish_today(embedded)


def _board(api: Api, day_id: str, user: str = "school10403") -> dict[str, Any]:
    response = api.get(f"{URL}/capture-days/{day_id}/board", user)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _slot(board: dict[str, Any], class_name: str) -> dict[str, Any]:
    return next(s for r in board["rooms"] for s in r["slots"] if s["class_name"] == class_name)


def _subjects(api: Api, class_no: str) -> list[str]:
    items = api.get(f"{CAPTURE}/subjects", "agency", params={"school_code": "10403"}).json()["items"]
    return [s["subject_key"] for s in items if s["class_no"] == class_no]


def test_the_board_counts_check_ins_and_photos_from_capture(embedded: Api, day: dict[str, Any]) -> None:
    board = _board(embedded, day["id"])
    assert board["date"] == local_today().isoformat() and board["timezone"] == "Asia/Shanghai"
    assert {r["room"] for r in board["rooms"]} <= {"图书馆E201", "图书馆E202"}
    assert board["totals"]["expected"] >= 58 and board["totals"]["photographed"] == 0
    assert _slot(board, ONE)["checked_in"] == 0

    # The demo photographer checks the demo student (class XG2301) in and uploads an accepted photo.
    station = demo_stations(embedded)[0]["id"]
    checkin = embedded.post(f"{CAPTURE}/checkins", "photographer", json={"station": station,
                                                                          "pass": demo_pass(embedded)})
    assert checkin.status_code == 201, checkin.text
    wait_until(lambda: _slot(_board(embedded, day["id"]), ONE)["checked_in"] == 1)
    assert _slot(_board(embedded, day["id"]), ONE)["photographed"] == 0
    upload = embedded.post(f"{CAPTURE}/checkins/{checkin.json()['id']}/photos", "photographer",
                           files={"file": ("a.jpg", jpeg(7), "image/jpeg")})
    assert upload.status_code == 201 and upload.json()["accepted"], upload.text
    board = wait_until(lambda: b if _slot(b := _board(embedded, day["id"]), ONE)["photographed"] == 1 else None)
    assert _slot(board, ONE)["checked_in"] == 1
    room = next(r for r in board["rooms"] if any(s["class_name"] == ONE for s in r["slots"]))
    assert room["photographed"] >= 1 and room["rate_per_minute"] > 0 and room["projected_finish"]

    # The agency of the province sees the same board; another school and a student do not.
    assert _board(embedded, day["id"], "agency")["totals"] == board["totals"]
    assert embedded.get(f"{URL}/capture-days/{day['id']}/board", "school10405").status_code == 404
    refused = embedded.get(f"{URL}/capture-days/{day['id']}/board", DEMO_STUDENT)
    assert refused.status_code in {403, 404}


def test_replayed_and_repeated_events_count_a_student_once(embedded: Api, day: dict[str, Any]) -> None:
    key = _subjects(embedded, "XG2302")[0]
    opened = CheckinOpened(checkin_id="ck-replay-1", station_id="st-x", capture_day_id="cd-x", school_code="10403",
                           province_code="36", subject_key=key, sequence_no=901)
    envelope = publish(embedded, opened)
    publish(embedded, envelope)  # the same event again (at-least-once delivery)
    publish(embedded, opened)  # the same facts under a new event id (a re-sent check-in)
    wait_until(lambda: _slot(_board(embedded, day["id"]), TWO)["checked_in"] == 1)
    photo = PhotoAccepted(photo_id="ph-1", checkin_id="ck-replay-1", station_id="st-x", school_code="10403",
                          province_code="36", subject_key=key, sequence_no=901, version=1, first=True,
                          overridden=False)
    retake = photo.model_copy(update={"photo_id": "ph-2", "version": 2, "first": False})
    for event in (photo, photo, retake):
        publish(embedded, event)
    wait_until(lambda: _slot(_board(embedded, day["id"]), TWO)["photographed"] == 1)
    # A barrier: once this later event shows, everything before it was applied, and still counted once.
    other = _subjects(embedded, "XG2302")[1]
    publish(embedded, opened.model_copy(update={"checkin_id": "ck-replay-2", "subject_key": other}))
    slot = wait_until(lambda: s if (s := _slot(_board(embedded, day["id"]), TWO))["checked_in"] == 2 else None)
    assert slot["photographed"] == 1

    # A voided number takes that arrival back.
    publish(embedded, CheckinClosed(checkin_id="ck-replay-2", station_id="st-x", school_code="10403",
                                    province_code="36", subject_key=other, sequence_no=902, status="void",
                                    reason="扫错学生"))
    wait_until(lambda: _slot(_board(embedded, day["id"]), TWO)["checked_in"] == 1)


def test_events_of_another_school_never_reach_this_board(embedded: Api, day: dict[str, Any]) -> None:
    before = _board(embedded, day["id"])
    publish(embedded, CheckinOpened(checkin_id="ck-other", station_id="st-y", capture_day_id="cd-y",
                                    school_code="10405", province_code="36", subject_key="unknown-subject",
                                    sequence_no=1))
    key = _subjects(embedded, "XG2302")[2]
    publish(embedded, CheckinOpened(checkin_id="ck-barrier", station_id="st-x", capture_day_id="cd-x",
                                    school_code="10403", province_code="36", subject_key=key, sequence_no=903))
    after = wait_until(lambda: b if (b := _board(embedded, day["id"]))["totals"]["checked_in"] ==
                       before["totals"]["checked_in"] + 1 else None)
    assert after["unscheduled"] == before["unscheduled"]
