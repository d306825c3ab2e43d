"""School progress and delivery in the browser against the real embedded server: a student of 南昌大学 is checked
in and photographed through the station API; the school sees the class's counts (approved, checked in,
photographed, confirmed), the agency picks the school and sees the same; the school makes a delivery package named by
学号 and sees it finished with who was left out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.capture.support import demo_stations, free_station, jpeg
from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import open_menu, screenshot, sign_in, sign_out
from tests.support.api import Api, wait_until

pytestmark = pytest.mark.e2e


def _photograph_one(api: Api) -> None:
    """The last approved student of XG2302 (not the demo student other browser tests check in)."""
    classes = api.get("/api/roster/v1/classes", "school10403").json()["items"]
    xg2302 = next(c["id"] for c in classes if c["code"] == "XG2302")
    rows = api.get("/api/roster/v1/students", "school10403",
                   params={"review_status": "approved", "limit": 100}).json()["items"]
    student: dict[str, Any] = sorted((r for r in rows if r["class_id"] == xg2302), key=lambda r: r["student_no"])[-1]
    token = api.get(f"/api/roster/v1/students/{student['id']}/pass", "school10403").json()["token"]
    station = str(demo_stations(api)[1]["id"])
    free_station(api, station)
    checkin = wait_until(lambda: (r := api.post("/api/capture/v1/checkins", "photographer",
                                                json={"station": station, "pass": token})).status_code == 201
                         and r.json())
    upload = api.post(f"/api/capture/v1/checkins/{checkin['id']}/photos", "photographer",
                      files={"file": ("a.jpg", jpeg(4242), "image/jpeg")})
    assert upload.status_code == 201 and upload.json()["accepted"], upload.text
    api.post(f"/api/capture/v1/checkins/{checkin['id']}/close", "photographer", json={})


def test_school_and_agency_follow_progress_and_the_school_delivers(
        page: Page, server: str, artifacts: Path, console_errors: ConsoleErrors) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        _photograph_one(Api(client))

    sign_in(page, "school10403")
    open_menu(page, "采集进度")
    row = page.get_by_role("row").filter(has_text="XG2302")
    expect(row).to_contain_text("28")  # approved in the class
    expect(page.get_by_role("columnheader", name="已确认")).to_be_visible()
    expect(page.get_by_text("已拍摄").first).to_be_visible()
    screenshot(page, artifacts / "capture-progress-school.png")

    open_menu(page, "照片交付")
    page.get_by_label("文件命名").click()
    page.get_by_title("学号.jpg").click()
    page.get_by_role("button", name="生成交付包").click()
    expect(page.get_by_text("已完成")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("cell", name="学号.jpg")).to_be_visible()
    screenshot(page, artifacts / "delivery-list.png")
    page.get_by_role("button", name="详情").first.click()
    expect(page.get_by_text("未拍摄或无合格照片").first).to_be_visible()
    screenshot(page, artifacts / "delivery-left-out.png")
    page.keyboard.press("Escape")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载").first.click()
    assert download.value.suggested_filename.endswith(".zip")
    sign_out(page)

    sign_in(page, "agency")
    open_menu(page, "采集进度")
    expect(page.get_by_text("请先选择学校")).to_be_visible()
    page.get_by_label("学校").click()
    page.get_by_title("南昌大学（10403）").click()
    expect(page.get_by_role("row").filter(has_text="XG2302")).to_contain_text("28")
    screenshot(page, artifacts / "capture-progress-agency.png")
    console_errors.check()
