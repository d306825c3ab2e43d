"""The make-up certificate (补拍证明): an A4 PDF the school stamps and the student brings, with their ID card, to
the capture centre's make-up shoot. The centre checks it against the ID card and verifies the number (typed, or
the QR code of `verify_url`). The Chinese font is embedded as a subset, so it prints the same anywhere."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate

from services.kernel.errors import TucaiError
from services.kernel.fonts import find_cjk_font, register_cjk_font
from services.roster.documents._common import date_text_zh

TITLE = "高等教育学历证书图像信息采集补拍证明"


@dataclass
class SchoolContact:
    recipient: str  # 收件人: the teacher who receives the make-up photos
    address: str
    postcode: str
    phone: str


@dataclass
class MakeupCertificate:
    number: str
    verify_url: str
    issued_at: datetime  # UTC; printed as a date in Asia/Shanghai
    student_name: str
    sex: str
    id_number: str  # full: the centre checks the certificate against the ID card
    school_code: str
    school_name: str
    level: str
    campus: str | None  # 所在校别
    contact: SchoolContact
    makeup_windows: list[str]  # e.g. "2026-12-05 08:30–11:30"
    agency_name: str


class MissingGlyphs(TucaiError):
    """Some text has characters the font cannot draw (rare characters in names, CJK Extension A/B): printing it
    would leave blanks on a document that is checked against an ID card, so it is refused."""

    status = 422

    def __init__(self, chars: str, font: Path, document: str = "证明") -> None:
        super().__init__(
            "certificate_glyphs_missing",
            f"{document}中的字符“{chars}”无法用当前字体打印，"
            "请管理员配置包含这些字符的 TrueType 字体（TUCAI_CJK_FONT）",
            f"The font {font} has no glyph for {chars!r}; set TUCAI_CJK_FONT to a TrueType font that has them",
        )
        self.chars = chars


# ---------------------------------------------------------------------------------------------------- geometry

PAGE_W, PAGE_H = A4
MARGIN = 20 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
TITLE_BASELINE = PAGE_H - 30 * mm
HEADER_TOP = PAGE_H - 40 * mm  # the number (left) and the QR code (right) sit between here and BODY_TOP
QR_SIZE = 31 * mm  # the symbol with its 4-module quiet zone
QR_X = PAGE_W - MARGIN - QR_SIZE  # lower-left corner of the QR box (quiet zone included), in points
QR_Y = HEADER_TOP - QR_SIZE
BODY_TOP = QR_Y - 7 * mm
FOOTER_Y = 11 * mm
BODY_BOTTOM = 17 * mm
QR_ERROR = "m"  # 15 % of the symbol may be damaged (a fold, a stamp's edge) and it still reads
QR_BORDER = 4


def certificate_qr(verify_url: str) -> segno.QRCode:
    """The QR code printed on the certificate (the tests compare the printed modules with it)."""
    return segno.make_qr(verify_url, error=QR_ERROR)


class QrDrawing(Flowable):
    """A QR code as vector rectangles (sharp at any print resolution), quiet zone included in the size."""

    def __init__(self, qr: segno.QRCode, size: float) -> None:
        super().__init__()
        self.qr = qr
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        draw_qr(self.canv, self.qr, 0, 0, self.size)


def draw_qr(canvas: Canvas, qr: segno.QRCode, x: float, y: float, size: float) -> None:
    matrix = qr.matrix
    n = len(matrix)
    module = size / (n + 2 * QR_BORDER)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    # One path of rectangles (a run of dark modules each), filled once: written as PDF operators directly, as a
    # sheet of class passes draws hundreds of symbols and a canvas call per run would dominate its time.
    ops: list[str] = []
    for r, row in enumerate(matrix):
        top = y + size - (QR_BORDER + r) * module
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            ops.append(f"{x + (QR_BORDER + start) * module:.3f} {top - module:.3f} "
                       f"{(c - start) * module:.3f} {module:.3f} re")
    if ops:
        ops.append("f")
        canvas.addLiteral("\n".join(ops))
    canvas.restoreState()


class StampBox(Flowable):
    """学校（盖章） and the issue date, with a dashed circle where the seal goes (over the two lines, as seals are)."""

    def __init__(self, font: str, date_text: str, width: float, height: float) -> None:
        super().__init__()
        self.font = font
        self.date_text = date_text
        self.width = width
        self.height = height

    def draw(self) -> None:
        c = self.canv
        radius = min(19 * mm, self.height / 2 - 1)
        cx, cy = self.width - 33 * mm, self.height / 2
        c.saveState()
        c.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
        c.setLineWidth(0.6)
        c.setDash(3, 3)
        c.circle(cx, cy, radius, stroke=1, fill=0)
        c.restoreState()
        c.setFont(self.font, 13)
        c.drawCentredString(cx, cy + 2 * mm, "学校（盖章）")
        c.setFont(self.font, 11.5)
        c.drawCentredString(cx, cy - 6 * mm, f"开具日期：{self.date_text}")


# ------------------------------------------------------------------------------------------------------ document


@dataclass(frozen=True)
class _Density:
    """Vertical spacing: the certificate is one page when it can be, so a long address or many windows first
    tighten the spacing and only then flow onto a second page."""

    body_leading: float
    heading_before: float
    cell_padding: float
    stamp_height: float


_NORMAL = _Density(body_leading=19, heading_before=7, cell_padding=4, stamp_height=38 * mm)
_TIGHT = _Density(body_leading=17, heading_before=3, cell_padding=2, stamp_height=34 * mm)


def _texts(cert: MakeupCertificate) -> list[str]:
    return [cert.number, cert.verify_url, cert.student_name, cert.sex, cert.id_number, cert.school_code,
            cert.school_name, cert.level, cert.campus or "", cert.contact.recipient, cert.contact.address,
            cert.contact.postcode, cert.contact.phone, cert.agency_name, *cert.makeup_windows]


def makeup_certificate_pdf(cert: MakeupCertificate, *, font_path: Path | None = None) -> bytes:
    """The 补拍证明 as PDF bytes. Raises CjkFontMissing without a usable font and MissingGlyphs when some text
    cannot be drawn with it (never a certificate with blanks where a name's characters should be)."""
    path = Path(font_path) if font_path is not None else find_cjk_font()
    font, coverage = register_cjk_font(path)
    missing = "".join(dict.fromkeys(ch for text in _texts(cert) for ch in text
                                    if not ch.isspace() and ord(ch) not in coverage))
    if missing:
        raise MissingGlyphs(missing, path)
    pdf, pages = _render(cert, font, _NORMAL)
    if pages > 1:
        pdf, _ = _render(cert, font, _TIGHT)
    return pdf


def _render(cert: MakeupCertificate, font: str, density: _Density) -> tuple[bytes, int]:
    qr = certificate_qr(cert.verify_url)
    grey = colors.Color(0.93, 0.93, 0.93)

    def paragraph_style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK",
                              bulletFontName=font, **kw)

    body = paragraph_style("body", 11.5, density.body_leading, firstLineIndent=23)
    heading = paragraph_style("heading", 13, 18, spaceBefore=density.heading_before, spaceAfter=4)
    cell = paragraph_style("cell", 11.5, 16)
    label = paragraph_style("label", 11, 16, alignment=TA_CENTER)
    item = paragraph_style("item", 11.5, 18, leftIndent=23, bulletIndent=9, alignment=TA_LEFT)

    def p(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(text), style)

    def fields_table(rows: list[list[object]], spans: list[int]) -> Table:
        """Label/value pairs, two to a row; the rows in `spans` have one value across the full width."""
        widths = [27 * mm, CONTENT_W / 2 - 27 * mm, 27 * mm, CONTENT_W / 2 - 27 * mm]
        style = [
            ("FONT", (0, 0), (-1, -1), font, 11.5),
            ("GRID", (0, 0), (-1, -1), 0.7, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (0, -1), grey),
            ("TOPPADDING", (0, 0), (-1, -1), density.cell_padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), density.cell_padding),
        ]
        for r in range(len(rows)):
            style.append(("SPAN", (1, r), (3, r)) if r in spans else ("BACKGROUND", (2, r), (2, r), grey))
        return Table(rows, colWidths=widths, style=TableStyle(style))

    student = fields_table([
        [p("姓名", label), p(cert.student_name), p("性别", label), p(cert.sex)],
        [p("身份证号码", label), p(cert.id_number), "", ""],
        [p("院校代码", label), p(cert.school_code), p("学历层次", label), p(cert.level)],
        [p("院校名称", label), p(cert.school_name), "", ""],
        [p("所在校别", label), p(cert.campus or "—"), "", ""],
    ], spans=[1, 3, 4])
    contact = fields_table([
        [p("收件人", label), p(cert.contact.recipient), p("联系电话", label), p(cert.contact.phone)],
        [p("邮寄地址", label), p(cert.contact.address), "", ""],
        [p("邮编", label), p(cert.contact.postcode), "", ""],
    ], spans=[1, 2])

    agency = escape(cert.agency_name)
    story: list[Flowable] = [
        Paragraph(f"兹证明下列学生系我校学生，因故未能参加学校统一组织的高等教育学历证书图像信息采集，"
                  f"特此证明，请{agency}予以补拍。", body),
        p("一、学生信息", heading), student,
        p("二、学校联系人（补拍照片寄回）", heading), contact,
        p("三、补拍时间", heading),
    ]
    if cert.makeup_windows:
        story.append(Paragraph(f"请在下列时间之一到{agency}补拍：", body))
        windows = [Paragraph(escape(w), item, bulletText="•") for w in cert.makeup_windows]
        per_row = 2 if len(windows) <= 6 else 3
        grid = [windows[i:i + per_row] + [""] * (per_row - len(windows[i:i + per_row]))
                for i in range(0, len(windows), per_row)]
        story.append(Table(grid, colWidths=[CONTENT_W / per_row] * per_row, hAlign="LEFT", style=TableStyle([
            ("FONT", (0, 0), (-1, -1), font, 11.5), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])))
    else:
        story.append(Paragraph(f"补拍时间由{agency}另行通知。", body))
    notes = [
        "学生须本人携带本证明和本人居民身份证原件到场补拍，不得由他人代替。",
        "图像采集中心凭证明编号或右上角二维码核验本证明，并与身份证件核对。",
        "本证明加盖学校公章后有效。",
    ]
    story += [p("四、注意事项", heading),
              *[Paragraph(escape(n), item, bulletText=f"{i}.") for i, n in enumerate(notes, start=1)],
              StampBox(font, date_text_zh(cert.issued_at), CONTENT_W, density.stamp_height)]

    def first_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        text = canvas.beginText()
        text.setTextRenderMode(2)  # fill and stroke: a bolder title from a one-weight font
        canvas.setLineWidth(0.5)
        text.setFont(font, 19)
        text.setTextOrigin((PAGE_W - stringWidth(TITLE, font, 19)) / 2, TITLE_BASELINE)
        text.textOut(TITLE)
        canvas.drawText(text)
        canvas.restoreState()

        canvas.setFont(font, 11)
        canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
        canvas.drawString(MARGIN, HEADER_TOP - 8 * mm, "证明编号")
        canvas.setFillColor(colors.black)
        canvas.setFont(font, 22)
        canvas.drawString(MARGIN, HEADER_TOP - 19 * mm, cert.number)
        canvas.setFont(font, 10)
        canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
        canvas.drawString(MARGIN, HEADER_TOP - 27 * mm, "补拍时请出示本证明，工作人员扫描二维码或输入编号核验")
        canvas.setFillColor(colors.black)
        draw_qr(canvas, qr, QR_X, QR_Y, QR_SIZE)
        canvas.setFont(font, 9)
        canvas.drawCentredString(QR_X + QR_SIZE / 2, QR_Y - 3 * mm, "扫码核验")
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, BODY_TOP + 3 * mm, PAGE_W - MARGIN, BODY_TOP + 3 * mm)
        footer(canvas, doc)

    def later_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.setFont(font, 10)
        canvas.drawString(MARGIN, PAGE_H - 15 * mm, f"{TITLE}（续）")
        canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - 15 * mm, f"证明编号 {cert.number}")
        footer(canvas, doc)

    def footer(canvas: Canvas, doc: BaseDocTemplate) -> None:
        line = f"证明编号 {cert.number}　核验地址 {cert.verify_url}　第 {doc.page} 页"
        size = 8.0
        while size > 5 and stringWidth(line, font, size) > CONTENT_W:
            size -= 0.5
        canvas.setFont(font, size)
        canvas.setFillColor(colors.Color(0.35, 0.35, 0.35))
        canvas.drawCentredString(PAGE_W / 2, FOOTER_Y, line)
        canvas.setFillColor(colors.black)

    def frame(name: str, top: float) -> Frame:
        return Frame(MARGIN, BODY_BOTTOM, CONTENT_W, top - BODY_BOTTOM, id=name,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=BODY_BOTTOM,
        title=TITLE, subject=cert.number, author=cert.school_name, creator="Tucai 图采", lang="zh-CN",
        displayDocTitle=True, invariant=True, initialFontName=font,
    )
    doc.addPageTemplates([
        PageTemplate("first", frames=[frame("first", BODY_TOP)], onPage=first_page, autoNextPageTemplate="later"),
        PageTemplate("later", frames=[frame("later", PAGE_H - 22 * mm)], onPage=later_page),
    ])
    doc.build(story)
    return buffer.getvalue(), doc.page
