"""The agency's payments console: the report per school, a day's bill uploaded and reconciled by a job, and a
discrepancy it found (a payment in the bill that nobody here ordered) resolved with a reason — on screen."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.helpers import open_menu, screenshot, sign_in
from tests.payments.bills.samples import wechat_bill, wx_payment


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
    page.get_by_role("combobox").last.click()
    page.get_by_title("已处理").click()
    done = page.get_by_role("row").filter(has_text="STU00E2EUNKNOWN")
    expect(done.get_by_text(re.compile("忽略：测试商户号"))).to_be_visible()
