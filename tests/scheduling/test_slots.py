"""A student's own slot and the timetables, after the agency publishes a day of 南昌大学 (the demo student is in
class XG2301)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.scheduling.helpers import URL, publish_day
from tests.support.api import DEMO_STUDENT, Api


def test_a_student_sees_their_own_slot(embedded: Api) -> None:
    assert embedded.get(f"{URL}/slots/me", DEMO_STUDENT).json()["code"] in {"slot_not_published", "not_approved"}
    _, plan = publish_day(embedded)
    response = embedded.get(f"{URL}/slots/me", DEMO_STUDENT)
    assert response.status_code == 200, response.text
    slot = response.json()
    [mine] = [a for a in plan["assignments"] if a["class_code"] == "XG2301"]
    assert (slot["date"], slot["weekday"], slot["room"], slot["start"], slot["arrive"]) == (
        "2026-05-21", "星期四", mine["room"], mine["start"], mine["arrive"])
    assert slot["timezone"] == "Asia/Shanghai" and slot["class_name"] == "计算机技术2023级硕士1班"
    assert slot["bring"] and slot["dress"]


def test_only_students_have_a_slot(embedded: Api) -> None:
    response = embedded.get(f"{URL}/slots/me", "school10403")
    assert response.status_code == 403 and response.json()["code"] == "students_only"


def test_timetables_by_room_college_and_school(embedded: Api) -> None:
    day, plan = publish_day(embedded)
    url = f"{URL}/capture-days/{day['id']}/timetable.xlsx"
    rooms = embedded.get(url, "school10403")
    assert rooms.status_code == 200 and rooms.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = load_workbook(io.BytesIO(rooms.content))
    assert set(book.sheetnames) == {a["room"] for a in plan["assignments"]}
    sheet = book[book.sheetnames[0]]
    assert sheet["A3"].value == "日期" and sheet["B4"].value == "星期四"
    colleges = load_workbook(io.BytesIO(embedded.get(url, "agency", params={"by": "college"}).content))
    assert colleges.sheetnames == ["信息工程学院"]
    school = load_workbook(io.BytesIO(embedded.get(url, "school10403", params={"by": "school"}).content))
    assert school["全校"].max_row == 3 + len(plan["assignments"])
    assert embedded.get(url, "school10405").status_code == 404
    assert embedded.get(url, DEMO_STUDENT).status_code == 404
