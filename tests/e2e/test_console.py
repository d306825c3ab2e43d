"""The SPA against the real embedded server: sign-in, role-aware menus, and college management."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import screenshot

pytestmark = pytest.mark.e2e

PASSWORD = "tucai-demo"
DEMO_STUDENT_NO = "2023090101"  # the first student of 南昌大学's class XG2301 in the demo data


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_school_admin_adds_a_college(page: Page, artifacts: Path, console_errors: ConsoleErrors) -> None:
    sign_in(page, "school10403")
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("南昌大学教务处学籍科")
    expect(page.get_by_role("banner")).to_contain_text("学校管理员")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()

    page.get_by_role("menuitem", name="院系管理").click()
    expect(page).to_have_url(re.compile(r"/colleges$"))
    expect(page.get_by_role("heading", name="院系管理")).to_be_visible()
    expect(page.get_by_role("cell", name="信息工程学院", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="外国语学院", exact=True)).to_be_visible()

    page.get_by_role("button", name="新增院系").click()
    dialog = page.get_by_role("dialog", name="新增院系")
    expect(dialog).to_be_visible()

    # Client-side validation speaks Chinese.
    dialog.get_by_role("button", name="保存").click()
    expect(dialog.get_by_text("请输入院系代码")).to_be_visible()
    expect(dialog.get_by_text("请输入院系名称")).to_be_visible()

    # The server's conflict message lands on the code field.
    dialog.get_by_label("院系代码").fill("001")
    dialog.get_by_label("院系名称").fill("人工智能学院")
    dialog.get_by_role("button", name="保存").click()
    expect(dialog.get_by_text("院系代码 001 已存在")).to_be_visible()

    dialog.get_by_label("院系代码").fill("021")
    dialog.get_by_role("button", name="保存").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("已新增院系：人工智能学院")).to_be_visible()

    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="人工智能学院", exact=True))
    expect(row).to_be_visible()
    expect(row.get_by_role("cell", name="021", exact=True)).to_be_visible()
    expect(row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"))
    # roster -> event -> scheduling's read model, shown live in the table.
    expect(row.get_by_text("已同步")).to_be_visible()
    expect(page.get_by_text("共 21 个院系")).to_be_visible()

    screenshot(page, artifacts / "school10403-colleges.png")
    console_errors.check()


def test_wrong_password_shows_the_servers_chinese_message(page: Page, console_errors: ConsoleErrors) -> None:
    sign_in(page, "school10403", "not-the-password")
    expect(page.get_by_role("alert").filter(has_text="用户名或密码错误")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login$"))

    # Empty fields are caught before any request, in Chinese.
    page.get_by_label("用户名").fill("")
    page.get_by_label("密码").fill("")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("请输入用户名")).to_be_visible()
    expect(page.get_by_text("请输入密码")).to_be_visible()
    console_errors.check()


def test_province_sees_schools_but_not_college_management(page: Page, console_errors: ConsoleErrors) -> None:
    sign_in(page, "province")
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.get_by_role("menuitem", name="学校", exact=True)).to_be_visible()
    expect(menu.get_by_role("menuitem", name="资格审查")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="院系管理")).to_have_count(0)

    menu.get_by_role("menuitem", name="学校", exact=True).click()
    expect(page.get_by_role("heading", name="学校", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="南昌大学", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="东华理工大学", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="云南大学", exact=True)).to_have_count(0)  # another province

    # Typing the address does not get round the menu.
    page.goto("/colleges")
    expect(page.get_by_text("无权访问该页面")).to_be_visible()

    # The review queue is built; so is delivery, which the province follows but never makes.
    menu.get_by_role("menuitem", name="资格审查").click()
    expect(page.get_by_role("heading", name="资格审查")).to_be_visible()
    expect(page.get_by_role("tab", name=re.compile(r"待审核"))).to_be_visible()
    menu.get_by_role("menuitem", name="照片交付").click()
    expect(page.get_by_role("heading", name="照片交付")).to_be_visible()
    expect(page.get_by_role("button", name="生成交付包")).to_have_count(0)  # the province follows, never makes

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
    console_errors.check()


def test_signed_out_visitor_is_sent_to_login_and_back(page: Page, console_errors: ConsoleErrors) -> None:
    page.goto("/colleges")
    expect(page).to_have_url(re.compile(r"/login\?redirect=%2Fcolleges$"))
    page.get_by_label("用户名").fill("school10403")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="院系管理")).to_be_visible()
    console_errors.check()


def test_a_rejected_token_signs_the_user_out(page: Page, console_errors: ConsoleErrors) -> None:
    sign_in(page, "school10403")
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    # The server stops accepting the token (expired, key rotated): the next call answers 401.
    page.evaluate("""() => {
        const s = JSON.parse(localStorage.getItem("tucai.session"));
        localStorage.setItem("tucai.session", JSON.stringify({ ...s, token: s.token + "x" }));
    }""")
    page.goto("/colleges")
    expect(page).to_have_url(re.compile(r"/login\?redirect=%2Fcolleges$"))
    expect(page.get_by_text("登录已过期或已在别处失效，请重新登录")).to_be_visible()
    console_errors.check()


def _demo_student_secret(base_url: str) -> str:
    """The demo student's second factor (last six of the ID number), looked up the way the school would."""
    with httpx.Client(base_url=base_url, timeout=10) as api:
        token = api.post("/api/roster/v1/auth/token",
                         data={"username": "school10403", "password": PASSWORD}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        [row] = api.get("/api/roster/v1/students", params={"q": DEMO_STUDENT_NO}, headers=headers).json()["items"]
        record = api.get(f"/api/roster/v1/students/{row['id']}", headers=headers).json()
    return str(record["id_number"])[-6:]


def test_student_signs_in_on_a_phone(phone_page: Page, server: str, artifacts: Path,
                                      console_errors: ConsoleErrors) -> None:
    page = phone_page
    page.goto("/login")
    page.get_by_role("tab", name="学生登录").click()
    page.get_by_label("院校代码").fill("10403")
    page.get_by_label("学号").fill(DEMO_STUDENT_NO)
    page.get_by_label("验证信息").fill("000000")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="学号或验证信息错误")).to_be_visible()

    page.get_by_label("验证信息").fill(_demo_student_secret(server))
    page.get_by_role("button", name="登录", exact=True).click()
    # a student signed in on the console lands on the phone entry (/m, its own page and bundle)
    expect(page).to_have_url(re.compile(r"/m$"))
    expect(page.get_by_role("heading", name="我的图像采集")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^南昌大学 · 学号")).first).to_be_visible()
    expect(page.get_by_text("下一步", exact=True)).to_be_visible()
    screenshot(page, artifacts / "student-home.png")
    console_errors.check()
