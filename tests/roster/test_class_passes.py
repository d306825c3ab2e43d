"""A class's capture passes printed in one go: one request, one PDF of A4 sheets with eight passes each, every
QR code decoding to a pass that verifies with roster's published key (as capture's check-in verifies it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import cv2
import jwt
import pytest

from services.roster.documents import CjkFontMissing, PassCard, PassSheet, class_passes_pdf, find_cjk_font
from services.roster.documents.passes import CARD_H, CARD_W, MARGIN_X, TOP, pass_qr
from tests.support.api import Api
from tests.support.infra import require

URL = "/api/roster/v1"


def _tools() -> None:
    require(all(shutil.which(t) for t in ("pdftotext", "pdftoppm", "pdfinfo")), "poppler-utils",
            "apt-get install -y poppler-utils")
    try:
        find_cjk_font()
    except CjkFontMissing:
        require(False, "the CJK TrueType font", "apt-get install -y fonts-wqy-microhei")


def _run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def _pages(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", pdf), re.M)[1])  # type: ignore[index]


def _decode_card(pdf: Path, tmp_path: Path, page: int, slot: int) -> str:
    """Render one card of a page at 300 dpi and read its QR code with OpenCV's decoder."""
    dpi = 300
    scale = dpi / 72
    col, row = slot % 2, slot // 2
    left, top = MARGIN_X + col * CARD_W, 842 - TOP + row * CARD_H  # A4 is 842 pt high; poppler's y goes down
    _run("pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-x", str(int(left * scale)),
         "-y", str(int(top * scale)), "-W", str(int(CARD_W * scale)), "-H", str(int(CARD_H * scale)), "-png",
         pdf, tmp_path / f"card{page}-{slot}")
    image = cv2.imread(str(next(tmp_path.glob(f"card{page}-{slot}*.png"))), cv2.IMREAD_GRAYSCALE)
    symbol = image[:, image.shape[1] // 2:]  # the right half holds the code: the text beside it confuses finders
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        text, _, _ = detector.detectAndDecode(symbol)
        if text:
            return str(text)
    raise AssertionError(f"no QR code read on page {page}, card {slot}")


def _class_of(embedded: Api, code: str) -> dict:  # type: ignore[type-arg]
    items = embedded.get(f"{URL}/classes", "school10403").json()["items"]
    return next(c for c in items if c["code"] == code)


def test_a_class_prints_as_one_pdf_eight_passes_a_sheet_each_qr_a_valid_pass(embedded: Api, tmp_path: Path) -> None:
    _tools()
    klass = _class_of(embedded, "XG2301")  # the demo's approved class of 30
    response = embedded.get(f"{URL}/classes/{klass['id']}/passes.pdf", "school10403")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"] and ".pdf" in response.headers["content-disposition"]
    pdf = tmp_path / "passes.pdf"
    pdf.write_bytes(response.content)
    students = embedded.get(f"{URL}/students", "school10403",
                            params={"class_id": klass["id"], "review_status": "approved", "limit": 500}).json()
    assert students["total"] == 30
    assert _pages(pdf) == 4  # 30 passes, 8 to a sheet

    text = re.sub(r"[ \t]+", " ", _run("pdftotext", "-layout", pdf, "-"))
    for student in students["items"]:
        assert student["student_no"] in text and student["name"] in text
    assert "毕业生图像采集凭证" in text and "南昌大学" in text and "第 1/4 页" in text and "共 30 张" in text
    for student in students["items"]:
        assert student["id_number_masked"][:6] + "*" not in text  # no ID numbers on a pass

    keys = embedded.client.get(f"{URL}/auth/jwks").json()["keys"]
    first_no = min(s["student_no"] for s in students["items"])
    first = next(s for s in students["items"] if s["student_no"] == first_no)
    one = embedded.get(f"{URL}/students/{first['id']}/pass", "school10403").json()
    subjects = set()
    for page, slot in ((1, 0), (1, 7), (4, 5)):  # the first card, the last of a full sheet, the very last
        token = _decode_card(pdf, tmp_path, page, slot)
        claims = jwt.decode(token, jwt.PyJWK(keys[0]).key, algorithms=["EdDSA"], audience="tucai-capture-pass")
        assert claims["typ"] == "capture_pass" and claims["sch"] == "10403"
        subjects.add(claims["sub"])
        if (page, slot) == (1, 0):  # 学号 order: the class list's 序号 1 is the first card
            assert claims["sub"] == one["subject_key"]
    assert len(subjects) == 3


def test_not_yet_approved_students_are_counted_not_printed(embedded: Api) -> None:
    classes = embedded.get(f"{URL}/classes", "school10403").json()["items"]
    pending = [c for c in classes if c["code"] not in {"XG2301", "XG2302"}]
    assert pending
    response = embedded.get(f"{URL}/classes/{pending[0]['id']}/passes.pdf", "school10403")
    assert response.status_code == 404 and response.json()["code"] == "no_approved_students"
    assert "审核通过" in response.json()["message_zh"]


@pytest.mark.parametrize("class_id", ["nope", "x" * 33, "../../students", "%00", "1 OR 1=1"])
def test_hostile_class_ids_are_not_found_or_invalid(embedded: Api, class_id: str) -> None:
    response = embedded.get(f"{URL}/classes/{class_id}/passes.pdf", "school10403")
    assert response.status_code in {404, 422}
    assert response.headers["content-type"] == "application/problem+json"


def test_only_the_classs_own_school_admin_prints_it(embedded: Api) -> None:
    klass = _class_of(embedded, "XG2301")
    for user in ("school10405", "province", "agency", "photographer"):
        response = embedded.get(f"{URL}/classes/{klass['id']}/passes.pdf", user)
        assert response.status_code in {403, 404}, user


def test_the_sheet_layout_pages_and_names_that_cannot_be_printed(tmp_path: Path) -> None:
    _tools()
    expires = datetime(2027, 6, 30, 16, 0, tzinfo=UTC)  # 2027-07-01 in Beijing
    cards = [PassCard(order=i, name=f"学生{i}", student_no=f"2023{i:06d}", token=f"token-{i}" * 40,
                      expires_at=expires) for i in range(1, 18)]
    sheet = PassSheet(school_name="南昌大学", college="化学学院", class_code="HX2301", class_name="化学2301班",
                      cards=cards, left_out=2)
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(class_passes_pdf(sheet))
    assert _pages(pdf) == 3  # 17 passes: 8 + 8 + 1
    text = _run("pdftotext", pdf, "-")
    assert "有效期至 2027-07-01" in text and "另有 2 人尚未审核通过" in text and "班内序号 17" in text
    assert pass_qr("abc").matrix == pass_qr("abc").matrix  # deterministic: the same token, the same symbol
    from services.roster.documents import MissingGlyphs

    with pytest.raises(MissingGlyphs) as refused:
        class_passes_pdf(PassSheet(school_name="南昌大学", college="", class_code="A", class_name="A",
                                   cards=[PassCard(1, "刘䶮", "1", "t", expires)], left_out=0))
    assert "采集凭证" in refused.value.zh
