"""A student pays the capture fee on a phone (375×667): signs in, opens 缴费, pays in the sandbox cashier and sees
"已支付" on the result page, which asked the server (never trusting the redirect)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors, _new_page
from tests.e2e.helpers import screenshot


def test_student_pays_in_the_sandbox_and_sees_paid(browser, server: str, artifacts: Path,  # type: ignore[no-untyped-def]
                                                   console_errors: ConsoleErrors) -> None:
    context, page = _new_page(browser, server, console_errors, viewport={"width": 375, "height": 667},
                              device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        _pay(page, artifacts)
    finally:
        context.close()
    console_errors.check()


def _pay(page: Page, artifacts: Path) -> None:
    page.goto("/login")
    page.get_by_role("tab", name="学生登录").click()
    page.get_by_role("alert").filter(has_text="演示学生").get_by_text("一键填入").click()
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/m$"))

    page.get_by_role("link", name=re.compile("^缴费")).click()  # the phone home's list, whatever the next step is
    expect(page).to_have_url(re.compile(r"/m/pay$"))
    expect(page.get_by_text("¥15.00").first).to_be_visible()
    expect(page.get_by_text("采集服务费")).to_be_visible()
    screenshot(page, artifacts / "student-pay.png")

    page.get_by_role("button", name="微信支付").click()
    expect(page).to_have_url(re.compile(r"/api/payments/sandbox/cashier/wechat/STU"))
    expect(page.get_by_text("¥15.00")).to_be_visible()
    screenshot(page, artifacts / "sandbox-cashier.png")
    page.get_by_role("button", name="确认支付").click()

    expect(page).to_have_url(re.compile(r"/m/pay/result\?order="))
    expect(page.get_by_text("已支付").first).to_be_visible()
    screenshot(page, artifacts / "pay-result.png")

    page.goto("/m/pay")  # paying again is not offered
    expect(page.get_by_text("已支付").first).to_be_visible()
    expect(page.get_by_role("button", name="微信支付")).to_have_count(0)
