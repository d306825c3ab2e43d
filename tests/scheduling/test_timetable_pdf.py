"""Timetables as PDF with the Chinese font embedded (the one roster's make-up certificate uses): per room, per
college, the whole school, one date, and a notice per class; read back with poppler as a reader would."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.scheduling.helpers import URL, publish_day
from tests.support.api import DEMO_STUDENT, Api
from tests.support.infra import require


@pytest.fixture(scope="module")
def day(embedded: Api) -> dict[str, Any]:
    require(all(shutil.which(t) for t in ("pdffonts", "pdftotext", "pdfinfo")), "poppler-utils",
            "apt-get install -y poppler-utils")
    return publish_day(embedded)[0]


def _pdf(api: Api, day_id: str, tmp_path: Path, user: str = "school10403", **params: str) -> Path:
    response = api.get(f"{URL}/capture-days/{day_id}/timetable.pdf", user, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf" and response.content[:5] == b"%PDF-"
    path = tmp_path / f"{params.get('by', 'room')}-{params.get('on', 'all')}.pdf"
    path.write_bytes(response.content)
    return path


def _run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def _pages(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", path)).group(1))  # type: ignore[union-attr]


def test_rooms_timetable_embeds_the_chinese_font_and_reads_back(embedded: Api, day: dict[str, Any],
                                                                  tmp_path: Path) -> None:
    path = _pdf(embedded, day["id"], tmp_path)
    fonts = _run("pdffonts", path).splitlines()[2:]
    assert fonts
    for line in fonts:  # name type encoding emb sub uni object-id: only the CJK font, embedded as a subset
        fields = line.split()
        assert (fields[-5], fields[-4]) == ("yes", "yes") and re.match(r"[A-Z]{6}\+", fields[0]), line
    text = re.sub(r"\s+", "", _run("pdftotext", path, "-"))
    for expected in ("南昌大学", "毕业生图像采集时间安排", "图书馆E201", "计算机技术2023级硕士1班", "星期四",
                     "北京时间"):
        assert expected in text, expected
    assert _pages(path) == 2  # one section (page) per room


def test_a_notice_per_class_and_one_date(embedded: Api, day: dict[str, Any], tmp_path: Path) -> None:
    notices = _pdf(embedded, day["id"], tmp_path, by="class")
    assert _pages(notices) == 2  # the two approved classes of the demo
    text = re.sub(r"\s+", "", _run("pdftotext", notices, "-"))
    assert "采集通知" in text and "到场时间" in text and "着装要求" in text and "学生证" in text
    school = _pdf(embedded, day["id"], tmp_path, by="school", on="2026-05-21")
    assert "全校" in _run("pdftotext", school, "-")
    empty = _pdf(embedded, day["id"], tmp_path, by="college", on="2026-05-22")
    assert "该日期没有采集安排" in re.sub(r"\s+", "", _run("pdftotext", empty, "-"))


def test_only_the_school_and_its_province_get_the_pdf(embedded: Api, day: dict[str, Any]) -> None:
    url = f"{URL}/capture-days/{day['id']}/timetable.pdf"
    assert embedded.get(url, "agency").status_code == 200
    assert embedded.get(url, "school10405").status_code == 404
    assert embedded.get(url, DEMO_STUDENT).status_code == 404
    assert embedded.get(url, "school10403", params={"by": "../etc"}).status_code == 422
    assert embedded.get(url, "school10403", params={"on": "2026-13-40"}).status_code == 422
    assert embedded.get(url).status_code == 401
