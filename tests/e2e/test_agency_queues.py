"""The capture centre's own lists in the browser, on the shared table: the anomaly queue (a photo marked with the
wrong number is refused at the station and queued; the agency resolves it with a note and finds it under 已处理) and
the make-up calendar (a window it opened, filtered by period, and the students who booked it)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from services.roster.rules.privacy import mask_name
from tests.capture.support import demo_stations, free_station, jpeg
from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import open_menu, screenshot, sign_in
from tests.support.api import Api, wait_until

pytestmark = pytest.mark.e2e

SCHOOL = "10403"


def _student_of_xg2302(api: Api, from_last: int) -> dict[str, Any]:
    """An approved student of XG2302 that no other browser test checks in or books (counted from the last)."""
    classes = api.get("/api/roster/v1/classes", "school10403").json()["items"]
    xg2302 = next(c["id"] for c in classes if c["code"] == "XG2302")
    rows = api.get("/api/roster/v1/students", "school10403",
                   params={"review_status": "approved", "limit": 100}).json()["items"]
    ours = sorted((r for r in rows if r["class_id"] == xg2302), key=lambda r: r["student_no"])
    return dict(ours[-from_last])


def _wrong_number_anomaly(api: Api) -> str:
    """Check a student in at a station, upload a photo marked with another number: refused, and queued."""
    student = _student_of_xg2302(api, 2)
    token = api.get(f"/api/roster/v1/students/{student['id']}/pass", "school10403").json()["token"]
    station = str(demo_stations(api)[1]["id"])
    free_station(api, station)
    checkin = wait_until(lambda: (r := api.post("/api/capture/v1/checkins", "photographer",
                                                json={"station": station, "pass": token})).status_code == 201
                         and r.json())
    wrong = checkin["sequence_no"] + 7
    refused = api.post(f"/api/capture/v1/checkins/{checkin['id']}/photos", "photographer",
                       files={"file": ("a.jpg", jpeg(77), "image/jpeg")}, data={"sequence_no": str(wrong)})
    assert refused.status_code == 409 and refused.json()["code"] == "sequence_mismatch", refused.text
    free_station(api, station)  # the station is free for the other tests
    return f"marked no. {wrong}"


def _booked_window(api: Api, base_url: str) -> tuple[str, str]:
    """A make-up window in 30 days' afternoon, booked by a student the school gave a make-up certificate."""
    day = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=30)).date().isoformat()
    window = api.post("/api/scheduling/v1/makeup/windows", "agency",
                      json={"date": day, "period": "pm", "seats": 12, "location": "南昌市采集中心 5 楼"})
    assert window.status_code == 201, window.text
    student = _student_of_xg2302(api, 3)
    issued = api.post(f"/api/roster/v1/students/{student['id']}/certificates", "school10403")
    assert issued.status_code == 201, issued.text
    secret = api.get(f"/api/roster/v1/students/{student['id']}", "school10403").json()["id_number"][-6:]
    signed_in = api.client.post("/api/roster/v1/auth/student-token", json={
        "school_code": SCHOOL, "student_no": student["student_no"], "secret": secret})
    assert signed_in.status_code == 200, signed_in.text
    me = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    # The certificate reaches scheduling through roster's events.
    wait_until(lambda: httpx.put(f"{base_url}/api/scheduling/v1/makeup/bookings/me", headers=me, timeout=10,
                                 json={"window_id": window.json()["id"]}).status_code == 200)
    return day, mask_name(student["name"])


def test_the_agency_resolves_an_anomaly_and_lists_a_make_up_window(
        page: Page, server: str, artifacts: Path, console_errors: ConsoleErrors) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        api = Api(client)
        detail = _wrong_number_anomaly(api)
        day, masked = _booked_window(api, server)

    sign_in(page, "agency")
    open_menu(page, "现场采集")
    queued = page.get_by_role("row").filter(has_text=detail)
    expect(queued.get_by_text("照片序号不符")).to_be_visible()
    expect(queued.get_by_role("cell", name=SCHOOL, exact=True)).to_be_visible()
    page.get_by_label("类型", exact=True).click()
    page.get_by_title("采集码对应多人").click()
    expect(page.get_by_text("没有符合条件的异常")).to_be_visible()
    page.get_by_label("类型", exact=True).click()
    page.get_by_title("照片序号不符").click()
    expect(queued).to_be_visible()
    screenshot(page, artifacts / "anomaly-queue.png")

    queued.get_by_role("button", name="处理").click()
    note = page.get_by_role("dialog", name="处理异常：照片序号不符")
    note.get_by_role("button", name="确 定").or_(note.get_by_role("button", name="确定")).click()
    expect(note.get_by_text("请填写处理说明")).to_be_visible()  # a note is required, the queue row stays
    note.get_by_label("处理说明").fill("已核对：机位标签贴错，照片作废重拍")
    screenshot(page, artifacts / "anomaly-resolve.png")
    note.get_by_role("button", name="确 定").or_(note.get_by_role("button", name="确定")).click()
    expect(note).to_be_hidden()
    expect(queued).to_have_count(0)  # the open queue
    page.get_by_label("状态", exact=True).click()
    page.get_by_title("已处理").click()
    expect(page.get_by_role("row").filter(has_text=detail).get_by_text("已处理")).to_be_visible()

    open_menu(page, "补拍管理")
    window = page.get_by_role("row").filter(has_text=day).filter(has_text="下午")
    expect(window.get_by_text("南昌市采集中心 5 楼")).to_be_visible()
    expect(window.get_by_text("余 11")).to_be_visible()
    page.get_by_label("时段", exact=True).click()
    page.get_by_title("上午").click()
    expect(window).to_have_count(0)
    page.get_by_label("时段", exact=True).click()
    page.get_by_title("下午").click()
    screenshot(page, artifacts / "makeup-windows.png")
    window.get_by_role("button", name="查看").click()
    drawer = page.get_by_role("dialog", name=f"{day} 下午 预约名单")
    expect(drawer.get_by_role("cell", name=masked, exact=True)).to_be_visible()
    screenshot(page, artifacts / "makeup-bookings.png")
    console_errors.check()
