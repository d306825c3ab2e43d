"""The agency plans 南昌大学's capture day in the browser: the day (set up through the API), 生成排期, the room ×
time grid with the approved classes, 发布; then the demo student's own slot through the student API."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import PASSWORD, open_menu, screenshot, sign_in
from tests.scheduling.helpers import day_body
from tests.support.api import DEMO_STUDENT_NO, wait_until

pytestmark = pytest.mark.e2e


def _token(api: httpx.Client, username: str) -> dict[str, str]:
    token = api.post("/api/roster/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def _student(api: httpx.Client) -> dict[str, str]:
    school = _token(api, "school10403")
    [row] = api.get("/api/roster/v1/students", params={"q": DEMO_STUDENT_NO}, headers=school).json()["items"]
    secret = api.get(f"/api/roster/v1/students/{row['id']}", headers=school).json()["id_number"][-6:]
    token = api.post("/api/roster/v1/auth/student-token", json={
        "school_code": "10403", "student_no": DEMO_STUDENT_NO, "secret": secret}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_the_agency_plans_and_publishes_a_day(page: Page, server: str, artifacts: Path,
                                             console_errors: ConsoleErrors) -> None:
    with httpx.Client(base_url=server, timeout=20) as api:
        agency = _token(api, "agency")
        wait_until(lambda: sum(c["approved_students"] for c in api.get(
            "/api/scheduling/v1/classes", params={"school_code": "10403"}, headers=agency).json()["items"]) >= 58)
        created = api.post("/api/scheduling/v1/capture-days", headers=agency, json=day_body())
        assert created.status_code == 201, created.text

    sign_in(page, "agency")
    open_menu(page, "采集排期")
    page.locator(".ant-select").first.click()
    page.get_by_title("南昌大学（10403）").click()
    expect(page.get_by_role("cell", name="南昌大学前湖校区采集")).to_be_visible()
    page.get_by_role("row").filter(has_text="南昌大学前湖校区采集").click()  # other tests of the server add days
    expect(page.get_by_text("2026-05-21（星期四）")).to_be_visible()
    page.get_by_role("button", name="生成排期").click()
    expect(page.get_by_text("排期已生成")).to_be_visible()
    grid = page.get_by_label("排期表 2026-05-21")
    expect(grid).to_contain_text("计算机技术2023级硕士1班")
    expect(grid).to_contain_text("计算机技术2023级硕士2班")
    # Every approved student placed (other browser tests of the session may have approved more than the demo's 58).
    placed = page.locator(".ant-descriptions").get_by_text(re.compile(r"^\d+ / \d+ 人$"))
    expect(placed).to_be_visible()
    done, total = re.findall(r"\d+", placed.inner_text())
    assert done == total and int(total) >= 58
    screenshot(page, artifacts / "schedule-draft.png")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布，学生可查看本人采集时间")).to_be_visible()
    expect(page.locator(".ant-descriptions").get_by_text("已发布")).to_be_visible()
    screenshot(page, artifacts / "schedule-published.png")
    console_errors.check()

    with httpx.Client(base_url=server, timeout=20) as api:
        slot = api.get("/api/scheduling/v1/slots/me", headers=_student(api))
        assert slot.status_code == 200, slot.text
        assert slot.json()["weekday"] == "星期四" and slot.json()["class_name"] == "计算机技术2023级硕士1班"
