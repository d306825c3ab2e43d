"""Shared steps for the browser tests: signing in and out, and a small registrar-shaped roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Page, expect

PASSWORD = "tucai-demo"


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()


def open_menu(page: Page, title: str) -> None:
    page.get_by_role("navigation", name="主菜单").get_by_role("menuitem", name=title).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()


# ---- a roster as a registrar writes it ------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    """GB 11643: weighted sum of the first 17 digits mod 11, mapped to 1 0 X 9 8 7 6 5 4 3 2."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number(born: date, male: bool, area: str = "360111", seq: int = 10) -> str:
    """A valid (never real) 18-digit number: digit 17 odd for men, even for women."""
    first17 = f"{area}{born:%Y%m%d}{seq % 100:02d}{(1 if male else 2) + 2 * (seq % 4)}"
    return first17 + check_digit(first17)


def damaged(number: str) -> str:
    """The same number with a wrong check character (a typo the import must report)."""
    wrong = next(c for c in ID_CHECK if c != number[-1])
    return number[:-1] + wrong


HEADERS = ["学号", "姓名", "性别", "出生日期", "身份证号", "民族", "层次", "学制", "学习形式", "专业名称",
           "入学日期", "预计毕业日期", "学院", "班号", "院校代码"]


@dataclass(frozen=True)
class RosterRow:
    student_no: str
    name: str
    male: bool
    born: date
    study_mode: str = "全日制"
    graduation: str = "2026-06-30"
    bad_id: bool = False
    school: str = "10403"

    def cells(self, seq: int) -> list[object]:
        number = id_number(self.born, self.male, seq=seq)
        return [self.student_no, self.name, "男" if self.male else "女", self.born.isoformat(),
                damaged(number) if self.bad_id else number, "汉族", "硕士研究生", "3", self.study_mode, "软件工程",
                "2023-09-01", self.graduation, "信息工程学院", "XG2403", self.school]


def write_roster(path: Path, rows: list[RosterRow]) -> Path:
    """The roster as an .xlsx with Chinese headers; data starts on Excel row 2."""
    book = Workbook()
    sheet = book.active
    sheet.title = "毕业生名单"
    sheet.append(HEADERS)
    for seq, row in enumerate(rows, start=11):
        sheet.append(row.cells(seq))
    book.save(path)
    return path


def screenshot(page: Page, path: Path) -> None:
    """A full-page screenshot once the page is still: no spinner, no running transition (a row caught mid
    fade-in would look disabled in the artifact)."""
    expect(page.locator(".ant-spin-spinning")).to_have_count(0)
    # Only what can be seen counts: a hidden or zero-size element's animation (a button's loading icon stuck
    # in its leave transition at 0×0) changes no pixel.
    moving = """() => document.getAnimations().filter(a => {
        const t = a.effect?.target;
        if (a.playState !== 'running' || !t) return false;
        const r = t.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && (!t.checkVisibility || t.checkVisibility({visibilityProperty: true}));
    })"""
    try:
        page.wait_for_function(f"() => ({moving})().length === 0")
    except Exception as exc:  # say which element never stops moving
        running = page.evaluate(f"""() => ({moving})().map(a => {{
            const t = a.effect?.target; const r = t?.getBoundingClientRect?.();
            const path = []; for (let e = t; e && path.length < 6; e = e.parentElement) path.push(String(e.className));
            return `${{path.join(' < ')}} @ ${{r ? [r.x, r.y, r.width, r.height].map(Math.round) : '?'}}`; }})""")
        raise AssertionError(f"still animating after 15 s: {running}") from exc
    page.screenshot(path=str(path), full_page=True)
