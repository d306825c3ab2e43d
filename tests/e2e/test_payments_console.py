"""The agency's payments console: the report per school, a day's bill uploaded and reconciled by a job, and a
discrepancy it found (a payment in the bill that nobody here ordered) resolved with a reason — on screen; and the
daily takings: a student pays today, the 每日收款 tab (its chart loaded only then) shows today's net in yuan."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.helpers import open_menu, screenshot, sign_in
from tests.payments.bills.samples import wechat_bill, wx_payment
from tests.support.api import Api

PAYING_STUDENT = "2023090129"  # a student of 南昌大学's XG2301 no other browser test pays for


def test_agency_reconciles_a_bill_and_resolves_what_it_found(page: Page, artifacts: Path) -> None:
    sign_in(page, "agency")
    open_menu(page, "缴费与对账")
    expect(page.get_by_text("各校收缴情况")).to_be_visible()
    expect(page.get_by_role("cell", name="10403", exact=True)).to_be_visible()
    screenshot(page, artifacts / "payments-report.png")

    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date()
    bill = wechat_bill([wx_payment(f"{yesterday} 10:00:00", "4200000000E2E0000001", "STU00E2EUNKNOWN", "15.00")],
                       newline="\r\n", bom=True)
    page.get_by_role("tab", name="账单对账").click()
    page.locator("input[type=file]").set_input_files({"name": f"wechat-{yesterday}.csv", "mimeType": "text/csv",
                                                      "buffer": bill})
    runs = page.get_by_role("row").filter(has_text=str(yesterday))
    expect(runs.get_by_text("完成")).to_be_visible(timeout=20_000)
    screenshot(page, artifacts / "payments-bills.png")

    page.get_by_role("tab", name="对账差异").click()
    found = page.get_by_role("row").filter(has_text="STU00E2EUNKNOWN")
    expect(found.get_by_text("账单有、平台无")).to_be_visible()
    expect(found.get_by_text("¥15.00")).to_be_visible()
    screenshot(page, artifacts / "payments-discrepancies.png")
    found.get_by_role("button", name="处理").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("忽略")).to_be_visible()
    dialog.get_by_label("处理原因").fill("测试商户号的联调交易，与本平台无关")
    screenshot(page, artifacts / "payments-resolve.png")
    dialog.get_by_role("button", name="确认处理").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("row").filter(has_text="STU00E2EUNKNOWN")).to_have_count(0)  # the open queue
    page.get_by_label("状态", exact=True).click()  # the queue's state filter
    page.get_by_title("已处理").click()
    done = page.get_by_role("row").filter(has_text="STU00E2EUNKNOWN")
    expect(done.get_by_text(re.compile("忽略：测试商户号"))).to_be_visible()


def _student_pays_today(server: str) -> int:
    """A student of 南昌大学 pays 15 yuan in the sandbox cashier (over HTTP); today's net takings as the API
    tells the agency (other tests may have taken money today too)."""
    with httpx.Client(base_url=server, timeout=30) as client:
        api = Api(client)
        [row] = api.get("/api/roster/v1/students", "school10403", params={"q": PAYING_STUDENT}).json()["items"]
        secret = api.get(f"/api/roster/v1/students/{row['id']}", "school10403").json()["id_number"][-6:]
        token = client.post("/api/roster/v1/auth/student-token", json={
            "school_code": "10403", "student_no": PAYING_STUDENT, "secret": secret}).json()["access_token"]
        student = {"Authorization": f"Bearer {token}"}
        launched = client.post("/api/payments/v1/orders/me/pay", headers=student, json={"channel": "wechat_h5"})
        assert launched.status_code == 200, launched.text
        cashier = client.get(launched.json()["redirect_url"], follow_redirects=True)
        client.post(urlsplit(str(cashier.url)).path, data={})
        paid = client.post("/api/payments/v1/orders/me/check", headers=student).json()
        assert paid["order"]["state"] == "paid", paid
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
        body = api.get("/api/payments/v1/reports/takings", "agency", params={"from": today, "to": today}).json()
        net = int(body["days"][0]["net_fen"])
        assert net >= 1500, body
        return net


def test_the_daily_takings_show_todays_net_in_yuan(page: Page, server: str, artifacts: Path) -> None:
    net = _student_pays_today(server)
    yuan = f"¥{net // 100}.{net % 100:02d}"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url.rsplit("/", 1)[-1]) if r.resource_type == "script" else None)
    sign_in(page, "agency")
    open_menu(page, "缴费与对账")
    expect(page.get_by_text("各校收缴情况")).to_be_visible()
    assert not [s for s in scripts if s.startswith("TakingsChart")], scripts  # the chart waits for its tab

    page.get_by_role("tab", name="每日收款").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=today, exact=True))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell", name=yuan, exact=True).first).to_be_visible()
    chart = page.get_by_role("figure", name="每日收款图")
    expect(chart.locator("canvas").first).to_be_visible()
    assert [s for s in scripts if s.startswith("TakingsChart")], scripts
    expect(page.get_by_text("微信支付").first).to_be_visible()
    screenshot(page, artifacts / "payments-takings.png")
