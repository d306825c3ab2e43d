"""Timetables as PDF, with the same Chinese TrueType font (embedded as a subset) as roster's make-up certificate
(services/kernel/fonts.py, reportlab): one section per room, college or the whole school, or one notice per class
(date, room, time, arrival, what to bring, dress rules) for the school to hand out. Pure: plain data to bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from itertools import groupby
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from services.kernel.fonts import find_cjk_font, register_cjk_font
from services.scheduling.allocation.instance import weekday
from services.scheduling.models import PublishedSlot
from services.scheduling.slots.service import Timetable
from services.scheduling.slots.xlsx import GROUPINGS, HEADERS

WIDTHS = [22 * mm, 16 * mm, 24 * mm, 18 * mm, 30 * mm, 36 * mm, 12 * mm, 28 * mm]  # 186 mm: A4 less margins
NOTE = "时间均为北京时间（Asia/Shanghai）；请按到场时间提前到达。"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    return {"base": base,
            "title": ParagraphStyle("title", parent=base, fontSize=15, leading=21, spaceAfter=4),
            "note": ParagraphStyle("note", parent=base, textColor=colors.HexColor("#555555"), spaceAfter=6),
            "big": ParagraphStyle("big", parent=base, fontSize=12, leading=18)}


def timetable_pdf(table: Timetable, by: str, on: date | None = None) -> bytes:
    """`by`: room, college, school (a table per group) or class (a notice per class); `on`: only that date."""
    font, _ = register_cjk_font(find_cjk_font())
    styles = _styles(font)
    slots = [s for s in table.slots if on is None or s.date == on]
    story = _notices(table, slots, styles) if by == "class" else _tables(table, slots, GROUPINGS[by], styles, font)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=f"{table.school_name} 采集时间安排", author="图采",
                            initialFontName=font, invariant=True)  # no unembedded Helvetica; same bytes per input
    doc.build(story or [Paragraph("该日期没有采集安排", styles["base"])])
    return out.getvalue()


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _tables(table: Timetable, slots: list[PublishedSlot], key: Callable[[PublishedSlot], str],
            styles: dict[str, ParagraphStyle], font: str) -> list[Flowable]:
    story: list[Flowable] = []
    ordered = sorted(slots, key=lambda s: (key(s), s.date, s.start, s.room))
    for name, group in groupby(ordered, key=key):
        if story:
            story.append(PageBreak())
        story += [_p(f"{table.school_name} {table.day.term} 毕业生图像采集时间安排（{name}）", styles["title"]),
                  _p(NOTE, styles["note"])]
        rows = [[_p(h, styles["base"]) for h in HEADERS]]
        rows += [[_p(cell, styles["base"]) for cell in (
            s.date.isoformat(), weekday(s.date), f"{s.start}–{s.end}", s.arrive, s.college_name,
            s.class_name or s.class_code, str(s.students), f"{s.campus} {s.room}" if s.campus else s.room)]
            for s in group]
        grid = Table(rows, colWidths=WIDTHS, repeatRows=1)
        grid.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3fb")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(grid)
    return story


def _notices(table: Timetable, slots: list[PublishedSlot], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """One page per class: what the class monitor posts for the class."""
    story: list[Flowable] = []
    for s in sorted(slots, key=lambda s: (s.college_name, s.class_name or s.class_code)):
        if story:
            story.append(PageBreak())
        place = f"{s.campus} {s.room}" if s.campus else s.room
        story += [_p(f"{table.school_name} 毕业生图像采集通知", styles["title"]),
                  _p(f"{s.college_name} {s.class_name or s.class_code}（{s.students} 人）", styles["big"]),
                  Spacer(1, 4 * mm),
                  _p(f"采集日期：{s.date.isoformat()}（{weekday(s.date)}）", styles["big"]),
                  _p(f"采集地点：{place}", styles["big"]),
                  _p(f"采集时间：{s.start}–{s.end}", styles["big"]),
                  _p(f"到场时间：{s.arrive} 前到达，按学号顺序排队", styles["big"]),
                  Spacer(1, 4 * mm), _p("请携带：", styles["big"])]
        story += [_p(f"· {item}", styles["base"]) for item in table.day.bring]
        story += [Spacer(1, 2 * mm), _p("着装要求：", styles["big"])]
        story += [_p(f"· {item}", styles["base"]) for item in table.day.dress]
        story += [Spacer(1, 4 * mm), _p(NOTE, styles["note"])]
    return story
