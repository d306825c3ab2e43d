"""The class's capture passes (采集凭证) on A4: eight cards to a sheet (2 × 4, about 95 × 68 mm, cut along the
dashed lines), each with the student's name, 学号, class, queue number and the signed QR code the check-in desk
scans. The school prints a class in one go instead of one pass at a time; the QR codes are vector (sharp at any
printer resolution) and the Chinese font is embedded as a subset, as on the make-up certificate."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from services.kernel.fonts import find_cjk_font, register_cjk_font
from services.roster.documents._common import in_shanghai
from services.roster.documents.certificate import MissingGlyphs, draw_qr

TITLE = "毕业生图像采集凭证"
QR_ERROR = "m"  # as the on-screen pass: 15 % may be damaged (a fold, a thumb) and it still reads

PAGE_W, PAGE_H = A4
MARGIN_X = 10 * mm
TOP = PAGE_H - 16 * mm  # the page header sits above
BOTTOM = 12 * mm
COLUMNS, ROWS = 2, 4
PER_PAGE = COLUMNS * ROWS
CARD_W = (PAGE_W - 2 * MARGIN_X) / COLUMNS
CARD_H = (TOP - BOTTOM) / ROWS
PAD = 4 * mm
QR_SIZE = 44 * mm  # quiet zone included: a 300-character token is a version ~14 symbol, ~0.5 mm modules


@dataclass(frozen=True)
class PassCard:
    order: int  # the class's queue order (学号 order, approved students, no gaps): the class list's 序号
    name: str
    student_no: str
    token: str
    expires_at: datetime  # UTC; printed as a date in Asia/Shanghai


@dataclass(frozen=True)
class PassSheet:
    school_name: str
    college: str
    class_code: str
    class_name: str
    cards: list[PassCard]
    left_out: int  # students of the class without a pass (not approved yet): said on every page


# A fixed data mask: choosing the best of the eight (the penalty score) takes three quarters of segno's time, and
# on a signed token's random-looking bits every mask reads alike; any mask is a valid symbol (ISO/IEC 18004).
QR_MASK = 1


def pass_qr(token: str) -> segno.QRCode:
    """The QR code printed on a card (the tests decode it)."""
    return segno.make_qr(token, error=QR_ERROR, mask=QR_MASK)


def class_passes_pdf(sheet: PassSheet, *, font_path: Path | None = None) -> bytes:
    """The passes as PDF bytes, `ceil(len(cards) / 8)` A4 pages. Raises CjkFontMissing without a usable font and
    MissingGlyphs when a name cannot be drawn with it (never a pass with blanks where a name should be)."""
    path = Path(font_path) if font_path is not None else find_cjk_font()
    font, coverage = register_cjk_font(path)
    texts = [sheet.school_name, sheet.college, sheet.class_code, sheet.class_name,
             *(t for c in sheet.cards for t in (c.name, c.student_no))]
    missing = "".join(dict.fromkeys(ch for text in texts for ch in text
                                    if not ch.isspace() and ord(ch) not in coverage))
    if missing:
        raise MissingGlyphs(missing, path, document="采集凭证")

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(f"{sheet.class_name} {TITLE}")
    canvas.setAuthor(sheet.school_name)
    canvas.setCreator("Tucai 图采")
    pages = max(1, -(-len(sheet.cards) // PER_PAGE))
    for page in range(pages):
        _page_header(canvas, font, sheet, page + 1, pages)
        for slot, card in enumerate(sheet.cards[page * PER_PAGE:(page + 1) * PER_PAGE]):
            col, row = slot % COLUMNS, slot // COLUMNS
            _card(canvas, font, sheet, card, MARGIN_X + col * CARD_W, TOP - (row + 1) * CARD_H)
        _cut_lines(canvas)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _fit(text: str, font: str, size: float, width: float, smallest: float = 6) -> float:
    """The largest size up to `size` at which `text` fits `width` (long names and class names shrink)."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _page_header(canvas: Canvas, font: str, sheet: PassSheet, page: int, pages: int) -> None:
    canvas.setFont(font, 10)
    canvas.setFillColor(colors.black)
    head = f"{sheet.school_name} · {sheet.college} · {sheet.class_name}（{sheet.class_code}）采集凭证"
    canvas.setFont(font, _fit(head, font, 10, PAGE_W - 2 * MARGIN_X - 30 * mm))
    canvas.drawString(MARGIN_X, PAGE_H - 11 * mm, head)
    canvas.setFont(font, 9)
    canvas.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 11 * mm, f"第 {page}/{pages} 页")
    note = f"共 {len(sheet.cards)} 张，沿虚线裁开发给学生"
    if sheet.left_out:
        note += f"；另有 {sheet.left_out} 人尚未审核通过，通过后再打印"
    canvas.setFillColor(colors.Color(0.35, 0.35, 0.35))
    canvas.setFont(font, 8)
    canvas.drawString(MARGIN_X, BOTTOM - 6 * mm, note)
    canvas.setFillColor(colors.black)


def _cut_lines(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 2)
    for c in range(COLUMNS + 1):
        x = MARGIN_X + c * CARD_W
        canvas.line(x, BOTTOM, x, TOP)
    for r in range(ROWS + 1):
        y = BOTTOM + r * CARD_H
        canvas.line(MARGIN_X, y, PAGE_W - MARGIN_X, y)
    canvas.restoreState()


def _card(canvas: Canvas, font: str, sheet: PassSheet, card: PassCard, x: float, y: float) -> None:
    """One pass with its lower-left corner at (x, y): the text on the left, the QR code on the right."""
    qr_x = x + CARD_W - PAD - QR_SIZE
    qr_y = y + (CARD_H - QR_SIZE) / 2 - 2 * mm
    draw_qr(canvas, pass_qr(card.token), qr_x, qr_y, QR_SIZE)
    canvas.setFont(font, 7)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 1 * mm, "签到时出示此码")

    text_w = qr_x - x - PAD - 1 * mm
    left = x + PAD
    line = y + CARD_H - PAD - 4 * mm
    canvas.setFont(font, _fit(TITLE, font, 11, text_w))
    canvas.drawString(left, line, TITLE)
    canvas.setFont(font, _fit(sheet.school_name, font, 8, text_w))
    canvas.drawString(left, line - 5 * mm, sheet.school_name)
    canvas.setFont(font, _fit(card.name, font, 17, text_w))
    canvas.drawString(left, line - 14 * mm, card.name)
    rows = [f"学号 {card.student_no}", f"班级 {sheet.class_name}", f"班内序号 {card.order}",
            f"有效期至 {in_shanghai(card.expires_at):%Y-%m-%d}"]
    for i, text in enumerate(rows):
        canvas.setFont(font, _fit(text, font, 8.5, text_w))
        canvas.drawString(left, line - (21 + 5 * i) * mm, text)
    canvas.setFillColor(colors.Color(0.35, 0.35, 0.35))
    canvas.setFont(font, 6.5)
    for i, text in enumerate(("采集当天请携带本凭证和身份证，", "现场扫码签到并绑定拍摄序号。")):
        canvas.drawString(left, y + PAD + (3.5 - 3.5 * i) * mm, text)
    canvas.setFillColor(colors.black)
