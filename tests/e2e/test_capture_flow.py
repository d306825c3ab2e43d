"""The station screen against the real embedded server: the photographer checks in the demo student with the
pass roster issued them, uploads a photo and sees the checks' verdict."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.capture.support import demo_pass, jpeg
from tests.e2e.conftest import ConsoleErrors
from tests.e2e.helpers import screenshot
from tests.e2e.test_console import sign_in
from tests.support.api import Api

pytestmark = pytest.mark.e2e


def test_photographer_checks_in_the_demo_student_and_uploads_a_photo(
        page: Page, server: str, artifacts: Path, tmp_path: Path, console_errors: ConsoleErrors) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        token = demo_pass(Api(client))
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(jpeg(42))

    sign_in(page, "photographer")
    page.get_by_role("menuitem", name="现场采集").click()
    expect(page.get_by_role("heading", name="现场采集")).to_be_visible()
    page.get_by_label("扫码签到").fill(token)
    page.get_by_label("扫码签到").press("Enter")
    expect(page.get_by_text("拍摄序号", exact=True)).to_be_visible()
    expect(page.get_by_text("计算机技术2023级硕士1班").or_(page.get_by_text("XG2301")).first).to_be_visible()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="上传照片").click()
    chooser.value.set_files(str(photo))
    # The upload frames the camera shot and runs the real checks; a fresh server loads the face models first.
    expect(page.get_by_text("第 1 版：检测通过")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("JPEG 照片")).to_be_visible()
    screenshot(page, artifacts / "capture-station.png")
    console_errors.check()
