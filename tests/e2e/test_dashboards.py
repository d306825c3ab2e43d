"""Issue 8 parts 6, 7 and 9 in a real browser: each role's home shows its campaign at a glance with counts that
open the filtered lists; the review list shows 院系, 专业, 入学日期 and offers 下一批; the student entry opens on
学生登录 without downloading the console. Screenshots of every role's dashboard and lists go to the artifacts."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import open_menu, screenshot, sign_in, sign_out


def test_every_roles_home_shows_its_campaign(page: Page, artifacts: Path, console_errors: ConsoleErrors) -> None:
    # ---- the school: students by state, each count a link to the filtered list -------------------------------
    sign_in(page, "school10403")
    overview = page.locator(".ant-card").filter(has=page.get_by_text("本校采集进度", exact=True))
    expect(overview.get_by_role("link", name=re.compile(r"^已通过 \d+ 人$"))).to_be_visible()
    expect(overview.get_by_role("link", name=re.compile(r"^勘误待处理 \d+ 条$"))).to_be_visible()
    screenshot(page, artifacts / "dashboard-school.png")
    overview.get_by_role("link", name=re.compile(r"^审核中 \d+ 人$")).click()
    expect(page).to_have_url(re.compile(r"/students\?status=submitted"))
    expect(page.get_by_role("heading", name="学生名单")).to_be_visible()
    expect(page.get_by_role("cell", name="审核中").first).to_be_visible()
    screenshot(page, artifacts / "list-students-in-review.png")
    open_menu(page, "名单审核")
    submit_card = page.locator(".ant-card").filter(has=page.get_by_text("提交资格审查", exact=True))
    expect(submit_card.get_by_label("提交的班级")).to_be_visible()
    screenshot(page, artifacts / "list-review-batches-school.png")
    open_menu(page, "名单导入")
    history = page.get_by_role("row").filter(has_text="10403-演示名单.xlsx")
    expect(history).to_have_count(1)  # the demo's import is in the history
    screenshot(page, artifacts / "list-imports.png")
    open_menu(page, "勘误处理")
    screenshot(page, artifacts / "list-errata.png")
    sign_out(page)

    # ---- the province: schools' progress and its queue; the batch list with 院系/专业/入学日期 and 下一批 -----
    sign_in(page, "province")
    queue = page.locator(".ant-card").filter(has=page.get_by_text("待审核批次", exact=True))
    expect(queue.get_by_text(re.compile(r"\d+ 个批次、\d+ 名学生等待审核"))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="南昌大学")).to_have_count(1)
    screenshot(page, artifacts / "dashboard-province.png")
    queue.get_by_role("link", name=re.compile("南昌大学")).first.click()
    expect(page.get_by_role("columnheader", name="院系")).to_be_visible()
    expect(page.get_by_role("columnheader", name="专业")).to_be_visible()
    expect(page.get_by_role("columnheader", name="入学日期")).to_be_visible()
    expect(page.get_by_role("cell", name="法学院").first).to_be_visible()
    expect(page.get_by_role("button", name="下一批")).to_be_visible()
    screenshot(page, artifacts / "list-review-items.png")
    sign_out(page)

    # ---- the agency: schools × state ----------------------------------------------------------------------------
    sign_in(page, "agency")
    table = page.locator(".ant-card").filter(has=page.get_by_text("各校 × 状态", exact=True))
    expect(table.get_by_role("row").filter(has_text="南昌大学")).to_have_count(1)
    screenshot(page, artifacts / "dashboard-agency.png")
    table.get_by_role("link", name="南昌大学").click()
    expect(page.get_by_role("heading", name="待拍名单")).to_be_visible()
    screenshot(page, artifacts / "list-subjects-agency.png")
    sign_out(page)
    console_errors.check()


def test_the_student_entry_opens_on_student_sign_in_without_the_console(page: Page, server: str) -> None:
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(f"{server}/m")  # the phone entry signs students in itself
    expect(page).to_have_url(re.compile(r"/m/login\?redirect=%2Fm"))
    expect(page.get_by_role("heading", name="学生登录")).to_be_visible()
    page.wait_for_load_state("networkidle")
    loaded = [u.rsplit("/", 1)[-1] for u in scripts]
    for chunk in ("main-", "ConsoleLayout", "DashboardPage", "StudentsPage"):
        assert not any(name.startswith(chunk) for name in loaded), (chunk, loaded)
    page.goto(f"{server}/")
    expect(page.get_by_role("tab", name="工作人员登录", selected=True)).to_be_visible()
