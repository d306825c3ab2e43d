"""The agency sets up a capture day in the browser with a 停用时段 (blackout) for one room: the form offers the
day's own dates and rooms, refuses an end before the start, and the saved day lists the blackout."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import open_menu, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_the_agency_adds_a_blackout_to_a_new_day(page: Page, server: str, artifacts: Path,
                                                  console_errors: ConsoleErrors) -> None:
    sign_in(page, "agency")
    open_menu(page, "采集排期")
    page.locator(".ant-select").first.click()
    page.get_by_title("东华理工大学（10405）").click()
    page.get_by_role("button", name="新建采集日").click()
    dialog = page.get_by_role("dialog", name="新建采集日")
    dialog.get_by_label("名称").fill("停用时段测试")
    dialog.locator(".ant-picker").first.click()
    page.locator(".ant-picker-dropdown .ant-picker-cell-in-view").nth(14).click()
    chosen = page.locator(".ant-picker-dropdown .ant-picker-cell-selected").first.get_attribute("title")
    assert chosen
    dialog.get_by_label("名称").click()  # closes the date panel
    dialog.get_by_label("场地").first.fill("实验楼101")
    dialog.get_by_role("button", name="添加停用时段").click()
    dialog.get_by_label("停用日期 1").click()
    page.locator(".ant-select-dropdown:visible").get_by_title(chosen).click()
    dialog.get_by_label("停用开始 1").fill("10:00")
    dialog.get_by_label("停用结束 1").fill("09:30")
    dialog.get_by_label("停用场地 1").click()
    page.locator(".ant-select-dropdown:visible").get_by_title("实验楼101").click()
    page.get_by_role("button", name="保存").click()
    expect(dialog.get_by_text("结束时间须晚于开始时间")).to_be_visible()
    dialog.get_by_label("停用结束 1").fill("10:30")
    screenshot(page, artifacts / "day-blackout-form.png")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("采集日已创建")).to_be_visible()
    expect(page.get_by_role("cell", name=f"{chosen} 10:00–10:30 实验楼101")).to_be_visible()
    console_errors.check()
