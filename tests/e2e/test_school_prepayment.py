"""The school's admin pays the students' capture fee in advance (学校统缴) on a PC: the page names the school and
what is due (approved students × the school's fee), 支付宝支付 opens the sandbox's computer-site cashier, and back
on the page "已支付" comes from the server, which asked the provider (never from the redirect itself). The agency
picks a school and sees the same figures, without the means to pay."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import open_menu, screenshot, sign_in
from tests.support.api import Api

FEE = 2000
PROFILES = "/api/payments/v1/fee-profiles"


@pytest.fixture
def prepaying(server: str) -> Iterator[dict[str, Any]]:
    """南昌大学 pays in advance this term (the agency's setting), put back as it was afterwards: the other browser
    tests pay as students of 南昌大学."""
    with httpx.Client(base_url=server, timeout=30) as client:
        api = Api(client)
        [before] = api.get(PROFILES, "agency", params={"school_code": "10403", "term": "2026-06"}).json()["items"]
        breakdown = [{"label": "采集服务费", "amount_fen": 1500}, {"label": "照片制作费", "amount_fen": 500}]
        r = client.put(PROFILES, headers=api.as_user("agency"), json={
            "school_code": "10403", "term": "2026-06", "amount_fen": FEE, "payer_mode": "school",
            "breakdown": breakdown})
        assert r.status_code == 200, r.text
        due = api.get("/api/payments/v1/schools/10403/prepayment", "school10403").json()
        assert due["students"] > 0 and due["order"] is None, due
        try:
            yield due
        finally:
            client.put(PROFILES, headers=api.as_user("agency"), json={
                key: before[key] for key in ("school_code", "term", "amount_fen", "payer_mode", "breakdown")})


def test_the_agency_sees_a_schools_prepayment_and_only_the_school_pays(
        page: Page, prepaying: dict[str, Any], artifacts: Path, console_errors: ConsoleErrors) -> None:
    # Runs before the school pays (the next test): the order is not started yet.
    students, total = prepaying["students"], f"¥{prepaying['students'] * FEE // 100}.00"
    sign_in(page, "agency")
    open_menu(page, "学校统缴")
    main = page.locator("main")
    expect(main.get_by_text("请选择学校")).to_be_visible()
    page.get_by_role("combobox", name="选择学校").click()
    page.get_by_title("南昌大学（10403）").click()
    expect(main.get_by_text("南昌大学 · 2026-06 届")).to_be_visible()
    expect(main.get_by_text(f"{students} 人 × ¥20.00 = {total}")).to_be_visible()
    expect(main.get_by_text("未发起")).to_be_visible()
    expect(main.get_by_role("alert").filter(has_text="由南昌大学的学校管理员")).to_contain_text(total)
    expect(page.get_by_role("button", name=re.compile("支付宝支付|微信扫码支付"))).to_have_count(0)
    screenshot(page, artifacts / "school-prepayment-agency.png")
    page.reload()  # the school picked is in the address
    expect(main.get_by_text("南昌大学 · 2026-06 届")).to_be_visible()
    console_errors.check()


def test_school_admin_pays_in_the_sandbox_and_sees_paid(page: Page, prepaying: dict[str, Any], artifacts: Path,
                                                        console_errors: ConsoleErrors) -> None:
    students, total = prepaying["students"], f"¥{prepaying['students'] * FEE // 100}.00"
    sign_in(page, "school10403")
    open_menu(page, "学校统缴")
    main = page.locator("main")
    expect(main.get_by_text("南昌大学 · 2026-06 届")).to_be_visible()
    expect(main.get_by_text("10403")).to_have_count(0)  # the school by its name, never its code
    expect(main.get_by_text(f"{students} 人 × ¥20.00 = {total}")).to_be_visible()
    expect(main.get_by_text("采集服务费 ¥15.00 + 照片制作费 ¥5.00")).to_be_visible()
    expect(main.get_by_text("未发起")).to_be_visible()
    screenshot(page, artifacts / "school-prepayment.png")

    page.get_by_role("button", name=f"微信扫码支付 {total}").click()  # a QR code to scan with WeChat
    dialog = page.get_by_role("dialog", name="微信扫码支付")
    expect(dialog.locator("canvas")).to_be_visible()
    expect(dialog.get_by_role("link", name="沙箱环境：在本机打开收银台")).to_have_attribute(
        "href", re.compile(r"/api/payments/sandbox/cashier/wechat/SCH"))
    screenshot(page, artifacts / "school-prepayment-qr.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(main.get_by_text("待支付")).to_be_visible()
    number = main.get_by_text(re.compile(r"^SCH")).inner_text()

    page.get_by_role("button", name=f"支付宝支付 {total}").click()  # the same order, the same number
    expect(page).to_have_url(re.compile(r"/api/payments/sandbox/cashier/alipay/SCH"))
    expect(page.get_by_text(total)).to_be_visible()
    screenshot(page, artifacts / "school-prepayment-cashier.png")
    expect(page.get_by_text(number)).to_be_visible()
    page.get_by_role("button", name="确认支付").click()

    expect(page).to_have_url(re.compile(r"/prepayment$"))  # back, the order asked about and the address cleaned
    expect(main.get_by_text("已支付", exact=True).first).to_be_visible()
    expect(main.get_by_role("alert").filter(has_text="已支付")).to_contain_text(f"{total}，{students} 人")
    expect(main.get_by_text(number, exact=True)).to_be_visible()
    screenshot(page, artifacts / "school-prepayment-paid.png")

    page.reload()  # what the server says, not what the redirect said
    expect(main.get_by_role("alert").filter(has_text="已支付")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("支付宝支付|微信扫码支付"))).to_have_count(0)
    console_errors.check()
