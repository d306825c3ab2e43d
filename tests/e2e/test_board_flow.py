"""The live board in the browser: today's day of 南昌大学 published, the school opens 实时看板 from its schedule,
and a check-in at a station (through capture's API) shows up on the open page without a reload, pushed by the
server; voiding it takes it back. The agency moves a class that has not come to the end of the day."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.capture.support import demo_pass, demo_stations
from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import open_menu, screenshot, sign_in
from tests.scheduling.helpers import approved_ready, publish_today
from tests.support.api import Api

pytestmark = pytest.mark.e2e
CLASS = "计算机技术2023级硕士1班"


def test_the_board_updates_live_when_a_student_checks_in(page: Page, server: str, artifacts: Path,
                                                        console_errors: ConsoleErrors) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        api = Api(client)
        approved_ready(api)
        day = publish_today(api)
        token = demo_pass(api)
        station = demo_stations(api)[0]["id"]

        sign_in(page, "school10403")
        open_menu(page, "采集排期")
        page.get_by_role("row").filter(has_text=day["title"]).last.click()
        page.get_by_role("button", name="实时看板").click()
        expect(page.get_by_role("heading", name="采集看板")).to_be_visible()
        expect(page.get_by_text("实时更新", exact=True)).to_be_visible()
        row = page.get_by_role("row").filter(has_text=CLASS)
        expect(row).to_be_visible()
        expect(row.get_by_role("cell").nth(5)).to_have_text("0")

        checkin = api.post("/api/capture/v1/checkins", "photographer", json={"station": station, "pass": token})
        assert checkin.status_code in {200, 201}, checkin.text
        expect(row.get_by_role("cell").nth(5)).to_have_text("1")  # pushed: no reload, no click
        expect(page.get_by_text("实时更新", exact=True)).to_be_visible()
        screenshot(page, artifacts / "capture-board.png")

        # Void the check-in (the capture flow test checks the demo student in again later): the board follows.
        voided = api.post(f"/api/capture/v1/checkins/{checkin.json()['id']}/void", "photographer",
                          json={"reason": "看板测试"})
        assert voided.status_code == 200, voided.text
        expect(row.get_by_role("cell").nth(5)).to_have_text("0")

        # The agency runs the day: a class nobody of which has come goes to the end of its room's day.
        page.get_by_role("button", name="退出登录").click()
        sign_in(page, "agency")
        expect(page.get_by_role("heading", name="首页")).to_be_visible()
        page.goto(f"/schedule/{day['id']}/board")
        row = page.get_by_role("row").filter(has_text=CLASS)
        row.get_by_role("button", name="未到，移至最后").click()
        page.get_by_role("tooltip").get_by_role("button", name="移至最后", exact=True).click()
        expect(page.get_by_text("已移至当天最后")).to_be_visible()
        screenshot(page, artifacts / "capture-board-deferred.png")
    console_errors.check()
