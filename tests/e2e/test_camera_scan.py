"""The station's camera reads a capture pass (issue 10, item 11): Chromium's fake camera plays a video of the
pass's QR code, as a student would hold it up, and the photographer's screen checks that student in."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
import segno
from PIL import Image
from playwright.sync_api import Page, expect

from tests.capture.support import free_station
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ConsoleErrors, _new_page
from tests.e2e.helpers import screenshot, sign_in
from tests.support.api import Api, wait_until

pytestmark = pytest.mark.e2e

CAPTURE, ROSTER = "/api/capture/v1", "/api/roster/v1"


def qr_video(text: str, path: Path, frames: int = 5) -> Path:
    """A Y4M video (what Chromium's fake camera plays) of `text` as a QR code on a grey desk, 640×480."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=4, border=4)
    code = Image.open(buffer).convert("RGB")
    frame = Image.new("RGB", (640, 480), (120, 120, 120))
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (320, 240)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    path.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n" + b"FRAME\n".join([b""] + [planes] * frames))
    return path


def _pass_of_another_student(api: Api) -> dict[str, Any]:
    """A printed pass (as the school hands it out) of an approved student who is not the demo student."""
    items = api.get(f"{ROSTER}/students?school_code=10403&review_status=approved&limit=50", "school10403")
    student = items.json()["items"][-1]
    issued = api.get(f"{ROSTER}/students/{student['id']}/pass", "school10403")
    assert issued.status_code == 200, issued.text
    key = issued.json()["subject_key"]
    wait_until(lambda: any(s["subject_key"] == key for s in
                           api.get(f"{CAPTURE}/subjects", "photographer").json()["items"]))
    return {"token": issued.json()["token"], "name": student["name"]}


def _free_second_station(api: Api) -> dict[str, Any]:
    station = api.get(f"{CAPTURE}/stations", "photographer").json()["items"][1]
    free_station(api, station["id"])  # another browser test may have left a student in front of this camera
    return dict(station)


def test_the_station_camera_reads_a_pass_and_checks_the_student_in(
        browser: Any, server: str, artifacts: Path, tmp_path: Path, console_errors: ConsoleErrors) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        api = Api(client)
        issued = _pass_of_another_student(api)
        station = _free_second_station(api)
    video = qr_video(issued["token"], tmp_path / "pass.y4m")
    camera = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"]
    # A browser of its own (the camera is a launch flag), from the session's Playwright.
    with_camera = browser.browser_type.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS + camera)
    context, page = _new_page(with_camera, server, console_errors, viewport={"width": 1440, "height": 900},
                              permissions=["camera"])
    try:
        _scan_with_the_camera(page, station, artifacts)
    finally:
        context.close()
        with_camera.close()
        with httpx.Client(base_url=server, timeout=30) as client:
            _free_second_station(Api(client))  # leave the station as found for the other browser tests
    console_errors.check()


def _scan_with_the_camera(page: Page, station: dict[str, Any], artifacts: Path) -> None:
    sign_in(page, "photographer")
    page.get_by_role("menuitem", name="现场采集").click()
    expect(page.get_by_role("heading", name="现场采集")).to_be_visible()
    page.get_by_label("机位").click()
    page.get_by_title(f"{station['day']} {station['room']} {station['name']}").click()
    page.get_by_role("button", name="摄像头扫码").click()
    expect(page.get_by_text("拍摄序号", exact=True)).to_be_visible()  # decoded, checked in, the dialog closed
    expect(page.get_by_label("摄像头画面")).to_have_count(0)
    screenshot(page, artifacts / "capture-camera-checked-in.png")
