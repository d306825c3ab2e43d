"""Issue 8 in a real browser, the rest of parts 6, 7 and 9: the agency's home lists its next capture days (school,
date and weekday, rooms, plan state); the big lists let each user pick their columns, remembered per user; a
class's capture passes print as one PDF; the SPA's scripts arrive Brotli-compressed. Screenshots in artifacts."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import brotli
import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import PASSWORD, RosterRow, open_menu, screenshot, sign_in, sign_out, write_roster
from tests.scheduling.helpers import day_body
from tests.support.api import wait_until

pytestmark = pytest.mark.e2e

BEIJING = timezone(timedelta(hours=8))
WEEKDAYS = "一二三四五六日"


def _token(api: httpx.Client, username: str) -> dict[str, str]:
    token = api.post("/api/roster/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def _day(api: httpx.Client, agency: dict[str, str], school: str, first: datetime, title: str) -> dict:  # type: ignore[type-arg]
    dates = [(first + timedelta(days=i)).date().isoformat() for i in range(2)]
    wait_until(lambda: api.get(f"/api/scheduling/v1/schools/{school}/summary", headers=agency).status_code == 200,
               timeout=30)
    response = api.post("/api/scheduling/v1/capture-days", headers=agency,
                        json=day_body(school_code=school, dates=dates, blackouts=[], title=title))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_the_agency_home_lists_its_next_capture_days(page: Page, server: str, artifacts: Path,
                                                    console_errors: ConsoleErrors) -> None:
    today = datetime.now(BEIJING)
    with httpx.Client(base_url=server, timeout=30) as api:
        agency = _token(api, "agency")
        soon = _day(api, agency, "10405", today + timedelta(days=3), "东华理工大学采集")
        _day(api, agency, "10403", today - timedelta(days=30), "南昌大学上月采集")  # over: listed after
    first = today + timedelta(days=3)
    label = f"{first:%Y-%m-%d} 星期{WEEKDAYS[first.weekday()]}"

    sign_in(page, "agency")
    card = page.locator(".ant-card").filter(has=page.get_by_text(re.compile(r"^近期采集日（\d+ 个待进行）$")))
    expect(card).to_be_visible()
    rows = card.locator("tbody tr.ant-table-row")
    coming = rows.filter(has_text=label).filter(has_text="东华理工大学")  # with its weekday
    expect(coming).to_contain_text("共 2 天")
    expect(coming).to_contain_text("图书馆E201、图书馆E202（2 个机位）")
    expect(coming).to_contain_text("未排期")
    past = card.locator("tr.row-past").filter(has_text="南昌大学")
    expect(past.first).to_contain_text("已结束")
    # Coming days first (other browser tests may have days of their own today), the ones that are over after them.
    keys = [row.get_attribute("data-row-key") for row in rows.all()]
    assert keys.index(soon["id"]) < keys.index(past.first.get_attribute("data-row-key"))
    screenshot(page, artifacts / "dashboard-agency-capture-days.png")
    card.get_by_role("link", name=label).click()
    expect(page).to_have_url(re.compile(rf"/schedule\?school=10405&day={soon['id']}"))
    expect(page.get_by_role("heading", name="采集排期")).to_be_visible()
    sign_out(page)
    console_errors.check()


def test_columns_are_chosen_and_remembered_per_user(page: Page, artifacts: Path, tmp_path: Path,
                                                   console_errors: ConsoleErrors) -> None:
    sign_in(page, "school10403")
    open_menu(page, "学生名单")
    expect(page.get_by_role("columnheader", name="身份证号")).to_be_visible()
    page.get_by_role("button", name="列设置").click()
    chooser = page.locator(".ant-popover").filter(has_text="显示的列")
    expect(chooser.get_by_role("checkbox", name="学号")).to_have_count(0)  # the row's identity always stays
    chooser.get_by_role("checkbox", name="身份证号").uncheck()
    chooser.get_by_role("checkbox", name="专业").uncheck()
    expect(page.get_by_role("columnheader", name="身份证号")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="专业")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="学号")).to_be_visible()
    screenshot(page, artifacts / "list-students-columns.png")

    page.reload()  # remembered in this browser
    expect(page.get_by_role("heading", name="学生名单")).to_be_visible()
    expect(page.get_by_role("columnheader", name="姓名")).to_be_visible()
    expect(page.get_by_role("columnheader", name="身份证号")).to_have_count(0)
    with page.expect_download() as download_info:  # the export holds the columns on screen
        page.get_by_role("button", name="导出").click()
    exported = tmp_path / "students.xlsx"
    download_info.value.save_as(exported)

    header = [c.value for c in next(load_workbook(exported).active.iter_rows(max_row=1))]
    assert "学号" in header and "身份证号" not in header and "专业" not in header, header
    sign_out(page)

    sign_in(page, "school10405")  # another user on the same browser: their own (default) columns
    open_menu(page, "学生名单")
    expect(page.get_by_role("columnheader", name="身份证号")).to_be_visible()
    sign_out(page)

    sign_in(page, "school10403")
    open_menu(page, "学生名单")
    page.get_by_role("button", name="列设置").click()
    page.locator(".ant-popover").get_by_role("button", name="恢复默认").click()
    expect(page.get_by_role("columnheader", name="身份证号")).to_be_visible()
    sign_out(page)
    console_errors.check()


def test_the_school_prints_a_classs_capture_passes_as_one_pdf(page: Page, artifacts: Path, tmp_path: Path,
                                                              console_errors: ConsoleErrors) -> None:
    sign_in(page, "school10403")
    open_menu(page, "班级与联络人")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/pass" in r.url else None)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="打印采集凭证 XG2301").click()
    download = download_info.value
    assert download.suggested_filename == "XG2301-采集凭证.pdf", download.suggested_filename
    pdf = tmp_path / "passes.pdf"
    download.save_as(pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+4$", info, re.M), info  # 30 approved students, 8 to a sheet
    assert len(requests) == 1, requests  # one request for the class, not one per student
    expect(page.get_by_text(re.compile("已生成 XG2301-采集凭证.pdf"))).to_be_visible()
    page.mouse.move(0, 0)  # the button's tooltip off the screenshot
    screenshot(page, artifacts / "classes-print-passes.png")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(artifacts / "class-passes-page1")], check=True)

    open_menu(page, "学生名单")  # the same from the list, once a class is chosen
    page.get_by_label("班级").click()
    page.locator(".ant-select-item-option[title^='XG2301']").click()
    with page.expect_download() as again:
        page.get_by_role("button", name=re.compile("打印本班采集凭证")).click()
    assert again.value.suggested_filename == "XG2301-采集凭证.pdf"
    sign_out(page)
    console_errors.check()


def test_the_done_screen_links_each_left_out_row_to_its_problems(page: Page, tmp_path: Path, artifacts: Path,
                                                                 console_errors: ConsoleErrors) -> None:
    # 东华理工大学's file: the roster flow test counts 南昌大学's students waiting for submission.
    rows = [
        RosterRow("2024770001", "钱文博", male=True, born=date(2000, 1, 12), school="10405"),  # Excel row 2
        RosterRow("2024770002", "冯雅琪", male=False, born=date(2000, 4, 3), bad_id=True, school="10405"),  # row 3
        RosterRow("2024770003", "陈一鸣", male=True, born=date(2000, 8, 30), school="10405"),  # row 4
    ]
    roster = write_roster(tmp_path / "补充名单.xlsx", rows)
    sign_in(page, "school10405")
    open_menu(page, "名单导入")
    page.locator("input[type=file]").set_input_files(roster)
    expect(page.get_by_text("发现 1 个错误")).to_be_visible()
    page.get_by_role("button", name="仅导入无误的 2 行").click()
    page.get_by_role("button", name="确定导入").click()
    left_out = page.get_by_role("alert").filter(has_text="1 行有错误，未导入")
    expect(left_out).to_contain_text("第 3 行：2024770002 冯雅琪 — 身份证号：")
    left_out.get_by_role("button", name="第 3 行的问题").click()
    problems = page.locator(".ant-popover").filter(has_text="第 3 行的问题（1 处）")
    expect(problems).to_contain_text("身份证号")
    expect(problems).to_contain_text("校验位")
    screenshot(page, artifacts / "import-done-left-out.png")
    sign_out(page)
    console_errors.check()


def test_the_spa_scripts_arrive_brotli_compressed(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        index = client.get("/", headers={"Accept-Encoding": "br"})
        assert index.headers["content-encoding"] == "br" and "accept-encoding" in index.headers["vary"].lower()
        scripts = re.findall(r'src="(/assets/[^"]+\.js)"', index.text)
        assert scripts, index.text
        with client.stream("GET", scripts[0], headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
            raw = b"".join(response.iter_raw())
            assert response.headers["content-encoding"] == "br"
        plain = client.get(scripts[0], headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert brotli.decompress(raw) == plain.content and len(raw) < len(plain.content) // 2
