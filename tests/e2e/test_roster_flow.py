"""The roster campaign in the browser against the real embedded server: a school imports a roster with a bad row,
commits the good rows, submits them for 2026-06; the province sees the batch with its rule flags and approves it;
the school sees the outcome. And a student on a phone proofreads their record and shows their capture pass."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import RosterRow, open_menu, screenshot, sign_in, sign_out, write_roster

pytestmark = pytest.mark.e2e

ROWS = [
    RosterRow("2024880001", "周明远", male=True, born=date(1999, 3, 15)),  # Excel row 2
    RosterRow("2024880002", "吴晓彤", male=False, born=date(1999, 7, 21), study_mode="非全日制"),  # row 3: flagged
    RosterRow("2024880003", "郑浩", male=True, born=date(1999, 11, 2), bad_id=True),  # row 4: wrong check digit
    RosterRow("2024880004", "孙雨桐", male=False, born=date(1998, 5, 9), graduation="2027-06-30"),  # row 5: flagged
]
BAD_ROW = 4
GOOD = len(ROWS) - 1


def test_import_submit_approve(page: Page, tmp_path: Path, artifacts: Path, console_errors: ConsoleErrors) -> None:
    roster = write_roster(tmp_path / "信息工程学院2026届毕业生.xlsx", ROWS)

    # ---- the school uploads; the report names the bad row by the row number Excel shows -----------------------
    sign_in(page, "school10403")
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    open_menu(page, "名单导入")
    upload = page.locator("input[type=file]")

    # A file that is not a roster: refused before upload by type, or by the server with its file-level problem.
    upload.set_input_files({"name": "照片.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"})
    expect(page.get_by_role("alert").filter(has_text="「照片.pdf」无法导入")).to_contain_text(
        "请上传 .xls、.xlsx、.csv 或 .dbf 格式的名单文件")
    upload.set_input_files({"name": "不是名单.csv", "mimeType": "text/csv", "buffer": "备注,说明\n1,2\n".encode()})
    refused = page.get_by_role("alert").filter(has_text="「不是名单.csv」无法导入")
    expect(refused).to_contain_text("没有找到名单的表头")
    expect(refused).to_contain_text("file_headers_unrecognised")

    upload.set_input_files(roster)

    expect(page.get_by_text("发现 1 个错误")).to_be_visible()
    stats = {title: page.locator(".ant-statistic").filter(has_text=title) for title in ("总行数", "可导入", "错误")}
    expect(stats["总行数"]).to_contain_text(str(len(ROWS)))
    expect(stats["可导入"]).to_contain_text(str(GOOD))
    expect(stats["错误"]).to_contain_text("1")
    issues = page.locator(".ant-card").filter(has=page.get_by_text("问题清单", exact=True))
    bad = issues.get_by_role("row").filter(has_text="校验位")
    expect(bad).to_have_count(1)
    expect(bad.get_by_role("cell").nth(0)).to_have_text(str(BAD_ROW))
    expect(bad.get_by_role("cell").nth(1)).to_have_text("身份证号")
    expect(bad.get_by_role("cell").nth(2)).to_have_text("2024880003")  # who the row is, beside row and column
    expect(bad.get_by_role("cell").nth(4)).to_have_text("错误")
    # Filtering by severity asks the server again; there are no warnings in this file.
    issues.get_by_text("警告 0").click()
    expect(issues.get_by_text("没有此类问题")).to_be_visible()
    issues.get_by_text("错误 1").click()
    expect(bad).to_have_count(1)
    screenshot(page, artifacts / "import-report.png")

    # The annotated workbook comes through the authenticated client as the registrar's own file, marked.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载问题标注表").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-问题标注.xlsx"), download.suggested_filename
    with open(download.path(), "rb") as file:
        annotated = load_workbook(file)
    sheet = annotated.active
    assert sheet is not None and sheet.max_row >= len(ROWS) + 1

    # A plain commit is refused while errors remain; the wizard offers the good rows only.
    page.get_by_role("button", name=f"仅导入无误的 {GOOD} 行").click()
    page.get_by_role("button", name="确定导入").click()
    expect(page.get_by_text(f"已导入 {GOOD} 名学生").first).to_be_visible()
    expect(page.get_by_role("button", name="查看学生名单")).to_be_visible()

    # ---- the new students are in the list, not yet submitted --------------------------------------------------
    page.get_by_role("button", name="查看学生名单").click()
    expect(page.get_by_role("heading", name="学生名单")).to_be_visible()
    page.get_by_label("搜索学号或姓名").fill("20248800")
    page.get_by_label("搜索学号或姓名").press("Enter")
    expect(page.get_by_text(f"共 {GOOD} 名学生")).to_be_visible()
    expect(page.get_by_role("cell", name="待提交")).to_have_count(GOOD)
    expect(page.get_by_role("cell", name="2024880003")).to_have_count(0)  # the bad row was not imported

    # ---- submit for 2026-06 -----------------------------------------------------------------------------------
    open_menu(page, "名单审核")
    submit_card = page.locator(".ant-card").filter(has=page.get_by_text("提交资格审查", exact=True))
    expect(submit_card.get_by_text("2026-06 届")).to_be_visible()
    expect(submit_card.locator(".ant-statistic").filter(has_text="本次将提交")).to_contain_text(str(GOOD))
    submit_card.get_by_role("button", name="提交审核").click()
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_text(f"已提交 {GOOD} 名学生（2026-06 届）")).to_be_visible()  # says what happened
    expect(submit_card.get_by_text("请先导入名单")).to_have_count(0)
    ours = page.get_by_role("row").filter(has=page.get_by_role("cell", name=str(GOOD), exact=True))
    expect(ours.first).to_contain_text("审核中")
    sign_out(page)

    # ---- the province: the queue by school, the batch with its flags ------------------------------------------
    sign_in(page, "province")
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    open_menu(page, "资格审查")
    queued = page.get_by_role("row").filter(has_text="南昌大学").filter(has_text="2 人有标记")
    expect(queued).to_have_count(1)
    expect(queued.get_by_role("cell", name=str(GOOD), exact=True).first).to_be_visible()
    screenshot(page, artifacts / "review-queue.png")
    queued.get_by_role("link", name="审核").click()

    expect(page.get_by_role("heading", name="南昌大学 · 2026-06 届")).to_be_visible()
    expect(page.get_by_text("本批次有 2 名学生带有规则标记")).to_be_visible()
    page.get_by_role("checkbox", name="只看有标记的（2）").check()
    students = page.locator(".ant-table-tbody")
    expect(students.get_by_role("row")).to_have_count(2)
    expect(students.get_by_text("学习形式「非全日制」本届不统一采集")).to_be_visible()
    expect(students.get_by_text(re.compile(r"预计毕业日期 2027-06-30 不在本届"))).to_be_visible()
    page.wait_for_timeout(400)  # let the checkbox animation settle for the screenshot
    screenshot(page, artifacts / "review-batch-flags.png")
    page.get_by_role("checkbox", name="只看有标记的（2）").uncheck()
    expect(students.get_by_role("row")).to_have_count(GOOD)

    # Rejecting needs a reason; the modal says so before any request.
    page.get_by_role("button", name="全部驳回").click()
    reject = page.get_by_role("dialog", name="驳回（审核不通过）")
    reject.get_by_role("button", name="确定驳回").click()
    expect(reject.get_by_text("不通过时必须填写原因")).to_be_visible()
    reject.get_by_role("button", name="取消").click()
    expect(reject).to_be_hidden()

    page.get_by_role("button", name="全部通过").click()
    approve = page.get_by_role("dialog", name="审核通过")
    approve.get_by_label("审核意见").fill("材料齐全，同意")
    approve.get_by_role("button", name="确定通过").click()
    expect(page.get_by_text(f"已通过 {GOOD} 名学生")).to_be_visible()
    expect(approve).to_be_hidden()
    expect(page.locator(".ant-descriptions").get_by_text("已通过")).to_be_visible()
    expect(students.get_by_text("材料齐全，同意")).to_have_count(GOOD)
    expect(page.get_by_role("button", name="全部通过")).to_have_count(0)
    sign_out(page)

    # ---- the school sees the outcome --------------------------------------------------------------------------
    sign_in(page, "school10403")
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    open_menu(page, "名单审核")
    ours = page.get_by_role("row").filter(has=page.get_by_role("cell", name=str(GOOD), exact=True)).first
    expect(ours).to_contain_text("已通过")
    ours.click()  # expands to the students with the decision and reason
    expect(page.get_by_role("cell", name="吴晓彤", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="材料齐全，同意", exact=True)).to_have_count(GOOD)
    screenshot(page, artifacts / "school-review-outcome.png")

    # The reviewed list and the class lists come as workbooks named by the server.
    with page.expect_download() as reviewed:
        page.get_by_role("button", name="下载审核结果").click()
    assert reviewed.value.suggested_filename == "10403-2026-06-资格审查结果.xlsx", reviewed.value.suggested_filename
    with page.expect_download() as class_lists:
        page.get_by_role("button", name="下载班级采集名单").click()
    with open(class_lists.value.path(), "rb") as file:
        sheets = load_workbook(file).sheetnames
    assert any("XG2403" in name for name in sheets), sheets
    console_errors.check()


def _demo_student(base_url: str) -> dict[str, str]:
    options = httpx.get(f"{base_url}/api/roster/v1/auth/options", timeout=10).json()
    assert options["demo"] is True
    return options["demo_student"]


def _own_record(base_url: str, student: dict[str, str]) -> dict[str, object]:
    with httpx.Client(base_url=base_url, timeout=10) as api:
        token = api.post("/api/roster/v1/auth/student-token", json=student).json()["access_token"]
        return api.get("/api/roster/v1/students/me", headers={"Authorization": f"Bearer {token}"}).json()


def test_student_proofreads_and_shows_the_pass(phone_page: Page, server: str, artifacts: Path,
                                               console_errors: ConsoleErrors) -> None:
    page = phone_page
    student = _demo_student(server)
    record = _own_record(server, student)

    page.goto("/m")  # the notice's QR code: the phone entry signs the student in
    hint = page.get_by_role("note", name="演示学生")
    expect(hint).to_contain_text(f"学号 {student['student_no']}")
    hint.get_by_role("button", name="一键填入演示学生").click()
    expect(page.get_by_label("院校代码")).to_have_value(student["school_code"])
    expect(page.get_by_label("学号")).to_have_value(student["student_no"])
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/m$"))

    # The record to proofread; the ID number masked (first and last four), never whole on the screen.
    page.get_by_role("link", name=re.compile("^照片与信息校对")).click()
    expect(page.get_by_role("heading", name="我的信息")).to_be_visible()
    id_number = str(record["id_number"])
    for value in (record["name"], id_number[:4] + "*" * 10 + id_number[-4:], record["birth_date"],
                  record["major_name"], record["level"]):
        expect(page.get_by_text(str(value), exact=True).first).to_be_visible()
    expect(page.get_by_text(id_number, exact=True)).to_have_count(0)

    # 有误 on one field files an erratum the school will decide.
    page.get_by_role("button", name="民族有误").click()
    sheet = page.get_by_role("dialog", name="更正「民族」")
    sheet.get_by_label("正确的民族").fill("回族")
    sheet.get_by_role("button", name="提交更正").click()
    expect(page.get_by_text("已提交「民族」的更正，学校审核后更新")).to_be_visible()
    expect(page.get_by_text("更正审核中")).to_be_visible()
    expect(page.get_by_text("民族：汉族 → 回族")).to_be_visible()
    page.get_by_role("button", name="返回").click()

    # The capture pass: an approved student gets a QR code.
    page.get_by_role("link", name=re.compile("^我的采集安排与凭证")).click()
    qr = page.get_by_role("img", name=re.compile("采集凭证二维码"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, artifacts / "student-pass.png")
    page.get_by_role("button", name="返回").click()

    # The CHSI capture code, checked before it is sent.
    page.get_by_role("textbox", name="图像采集码").fill("码")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("采集码由字母、数字或 - 组成，4–64 位")).to_be_visible()
    page.get_by_role("textbox", name="图像采集码").fill("a1b2-c3d4")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("学信网图像采集码已登记")).to_be_visible()
    expect(page.get_by_text("A1B2-C3D4")).to_be_visible()
    console_errors.check()


def test_school_decides_an_erratum(page: Page, server: str, console_errors: ConsoleErrors) -> None:
    """The school's errata queue: a correction filed from the school's student drawer, rejected with a reason."""
    sign_in(page, "school10403")
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    open_menu(page, "学生名单")
    page.get_by_label("搜索学号或姓名").fill("2023090102")
    page.get_by_label("搜索学号或姓名").press("Enter")
    expect(page.get_by_text("共 1 名学生")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^查看 .+ 的详情$")).click()
    drawer = page.get_by_role("dialog").filter(has_text="基本信息")
    expect(drawer.get_by_text("2023090102").first).to_be_visible()
    drawer.get_by_role("button", name="提交勘误").click()
    erratum = page.get_by_role("dialog", name="提交勘误")
    erratum.get_by_label("需更正的信息").click()
    page.locator(".ant-select-item-option[title='专业']").click()
    erratum.get_by_label("正确的信息").fill("计算机科学与技术")
    erratum.get_by_role("button", name="提交").click()
    expect(page.get_by_text("勘误申请已提交")).to_be_visible()
    drawer.get_by_role("tab", name="勘误申请").click()
    expect(drawer.get_by_role("cell", name="计算机科学与技术")).to_be_visible()
    page.keyboard.press("Escape")

    open_menu(page, "勘误处理")
    row = page.get_by_role("row").filter(has_text="计算机科学与技术")
    row.get_by_role("button", name="驳回").click()
    dialog = page.get_by_role("dialog", name="驳回勘误申请")
    dialog.get_by_role("button", name="驳回").click()
    expect(dialog.get_by_text("驳回时必须填写原因")).to_be_visible()
    dialog.get_by_label("驳回原因").fill("专业以录取信息为准")
    dialog.get_by_role("button", name="驳回").click()
    expect(page.get_by_text(re.compile(r"已驳回 .+ 的勘误申请"))).to_be_visible()
    page.get_by_role("tab", name="已处理").click()
    done = page.get_by_role("row").filter(has_text="计算机科学与技术")
    expect(done).to_contain_text("已驳回")
    expect(done).to_contain_text("专业以录取信息为准")
    console_errors.check()
