"""The registrar's own file, annotated: every bad cell marked, with the reason beside it.

`annotated_workbook(sheet, issues)` writes an .xlsx: the first sheet holds the registrar's data (headers as written,
cells as text, row N of their file is row N here, title rows included), a first column "问题说明" summarising each
row's problems, errors filled red and warnings yellow with a comment on each flagged cell; the second sheet
"问题清单" lists every issue. Columns move one to the right to make room for "问题说明"; rows never move.

The SpreadsheetML is written directly (inline strings, one styles part, comments with their VML drawing): a
100,000-row roster takes seconds, where a general-purpose writer takes most of a minute.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence

from services.kernel.inert import inert_text
from services.roster.imports.rosterfile import RosterSheet, column_letter
from services.roster.imports.validation import ERROR, Issue

SUMMARY_HEADER = "问题说明"
ISSUES_SHEET = "问题清单"
ISSUES_HEADERS = ("行号", "列", "严重程度", "问题代码", "说明")
SEVERITY_ZH = {"error": "错误", "warning": "提醒"}
ERROR_RGB, WARNING_RGB = "FFFFC7CE", "FFFFEB9C"
AUTHOR = "图采 Tucai"
MAX_CELL = 32_767  # Excel's limit on the characters in one cell

# cellXfs indexes in STYLES below
PLAIN, BOLD, RED, YELLOW, RED_WRAP, YELLOW_WRAP, RED_BOLD, YELLOW_BOLD = range(8)

# One pass per cell: XML-escape, and drop the characters XML 1.0 cannot carry.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                          **{chr(c): None for c in (*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF)}})
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _xml(text: str) -> str:
    return text[:MAX_CELL].translate(_ESCAPES)


def _is_error(issues: Iterable[Issue]) -> bool:
    return any(i.severity == ERROR for i in issues)


def _note(issues: list[Issue]) -> str:
    return "\n".join(f"【{SEVERITY_ZH.get(i.severity, i.severity)}】{i.message}" for i in issues)


def _summary(problems: list[Issue]) -> str:
    errors = [i for i in problems if i.severity == ERROR]
    warnings = [i for i in problems if i.severity != ERROR]
    parts = []
    if errors:
        parts.append(f"错误 {len(errors)} 项：" + "；".join(i.message for i in errors))
    if warnings:
        parts.append(f"提醒 {len(warnings)} 项：" + "；".join(i.message for i in warnings))
    return "\n".join(parts)


def _text_cell(ref: str, text: str, style: int = PLAIN) -> str:
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_xml(inert_text(text))}</t></is></c>'


def annotated_workbook(sheet: RosterSheet, issues: list[Issue]) -> bytes:
    by_cell: dict[tuple[int, str], list[Issue]] = defaultdict(list)
    by_row: dict[int, list[Issue]] = defaultdict(list)
    file_level: list[Issue] = []
    for issue in issues:
        if issue.row is None:
            file_level.append(issue)
            continue
        by_row[issue.row].append(issue)
        if issue.column is not None:
            by_cell[(issue.row, issue.column)].append(issue)

    shift = 1  # the "问题说明" column
    letters = {label: column_letter(sheet.first_col + k + shift) for k, label in enumerate(sheet.headers)}
    rows = {raw.row: raw for raw in sheet.rows}
    last = max([sheet.header_row, *rows, *sheet.other_rows, *by_row])
    comments: list[tuple[int, int, str]] = []  # (0-based row, 0-based column, text)

    def flagged(ref_letter: str, r: int, text: str, problems: list[Issue], bold: bool = False) -> str:
        error = _is_error(problems)
        style = (RED_BOLD if error else YELLOW_BOLD) if bold else (RED if error else YELLOW)
        comments.append((r - 1, _column_index(ref_letter), _note(problems)))
        return _text_cell(f"{ref_letter}{r}", text, style)

    out: list[str] = []
    for r in range(1, last + 1):
        cells: list[str] = []
        if r == sheet.header_row:
            if file_level:
                cells.append(_text_cell(f"A{r}", SUMMARY_HEADER, RED_BOLD if _is_error(file_level) else YELLOW_BOLD))
                comments.append((r - 1, 0, "整个文件的问题：\n" + _note(file_level)))
            else:
                cells.append(_text_cell(f"A{r}", SUMMARY_HEADER, BOLD))
            for label in sheet.headers:
                problems = by_cell.get((r, label))
                if problems:
                    cells.append(flagged(letters[label], r, label, problems, bold=True))
                else:
                    cells.append(_text_cell(f"{letters[label]}{r}", label, BOLD))
        elif r in rows:
            problems = by_row.get(r)
            if problems:
                cells.append(_text_cell(f"A{r}", _summary(problems), RED_WRAP if _is_error(problems) else YELLOW_WRAP))
            for label, text in rows[r].original.items():
                if not text:
                    continue
                mine = by_cell.get((r, label)) if problems else None
                if mine:
                    cells.append(flagged(letters[label], r, text, mine))
                else:  # _text_cell, inlined: this runs for every cell of the file
                    if not text.isalnum():  # letters and digits (CJK included) need no escaping or prefix
                        text = inert_text(text[:MAX_CELL]).translate(_ESCAPES)
                    cells.append(f'<c r="{letters[label]}{r}" t="inlineStr"><is><t xml:space="preserve">'
                                 f"{text}</t></is></c>")
        elif r in sheet.other_rows:
            problems = by_row.get(r)
            if problems:
                cells.append(flagged("A", r, _summary(problems), problems))
            for j, text in enumerate(sheet.other_rows[r]):
                if text:
                    cells.append(_text_cell(f"{column_letter(j + shift)}{r}", text))
        if cells:
            out.append(f'<row r="{r}">{"".join(cells)}</row>')

    widths = [(1, 48)] + [(_column_index(letter) + 1, max(10, min(30, 2 * len(label) + 4)))
                          for label, letter in letters.items()]
    split_col = shift + sheet.first_col
    data_head, data_tail = _worksheet(widths, pane=(split_col, sheet.header_row), legacy=bool(comments))

    head = "".join(_text_cell(f"{column_letter(k)}1", h, BOLD) for k, h in enumerate(ISSUES_HEADERS))
    listing = [f'<row r="1">{head}</row>']
    for n, issue in enumerate(issues, start=2):
        cells = [f'<c r="A{n}"><v>{issue.row}</v></c>' if issue.row is not None else ""]
        if issue.column:
            cells.append(_text_cell(f"B{n}", issue.column))
        cells.append(_text_cell(f"C{n}", SEVERITY_ZH.get(issue.severity, issue.severity)))
        cells.append(_text_cell(f"D{n}", issue.code))
        cells.append(_text_cell(f"E{n}", issue.message))
        listing.append(f'<row r="{n}">{"".join(cells)}</row>')
    listing_head, listing_tail = _worksheet([(1, 8), (2, 16), (3, 10), (4, 28), (5, 90)], pane=(0, 1),
                                            legacy=False)

    name = _SHEET_NAME_BAD.sub("_", sheet.sheet_name or "名单")[:31] or "名单"
    if name == ISSUES_SHEET:
        name = "名单"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _content_types(bool(comments)))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(data=_xml(name), issues=ISSUES_SHEET))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        _write_parts(z, "xl/worksheets/sheet1.xml", data_head, out, data_tail)
        _write_parts(z, "xl/worksheets/sheet2.xml", listing_head, listing, listing_tail)
        if comments:
            z.writestr("xl/worksheets/_rels/sheet1.xml.rels", _SHEET_RELS)
            z.writestr("xl/comments1.xml", _comments_xml(comments))
            z.writestr("xl/drawings/vmlDrawing1.vml", _vml(comments))
    return buffer.getvalue()


def _write_parts(z: zipfile.ZipFile, name: str, head: str, rows: list[str], tail: str, batch: int = 5000) -> None:
    with z.open(name, "w") as part:
        part.write(head.encode())
        for k in range(0, len(rows), batch):
            part.write("".join(rows[k:k + batch]).encode())
        part.write(tail.encode())


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


# ---- parts ----------------------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _worksheet(widths: Sequence[tuple[int, float]], *, pane: tuple[int, int], legacy: bool) -> tuple[str, str]:
    """The worksheet XML before and after its rows."""
    x, y = pane
    top_left = f"{column_letter(x)}{y + 1}"
    active = "bottomRight" if x and y else ("bottomLeft" if y else "topRight")
    attrs = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
    view = (f'<sheetViews><sheetView workbookViewId="0"><pane{attrs} topLeftCell="{top_left}" '
            f'activePane="{active}" state="frozen"/><selection pane="{active}" activeCell="{top_left}" '
            f'sqref="{top_left}"/></sheetView></sheetViews>') if x or y else ""
    cols = "".join(f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>' for c, w in sorted(set(widths)))
    return (f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">{view}<sheetFormatPr defaultRowHeight="15"/>'
            f"<cols>{cols}</cols><sheetData>",
            "</sheetData>" + ('<legacyDrawing r:id="rId1"/>' if legacy else "") + "</worksheet>")


def _content_types(comments: bool) -> str:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    extra = ('<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
             '<Override PartName="/xl/comments1.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
             ) if comments else ""
    return (f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>' + extra +
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet}"/>'
            f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{sheet}"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')


_ROOT_RELS = (f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
              f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (_HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>'
             '<sheet name="{data}" sheetId="1" r:id="rId1"/><sheet name="{issues}" sheetId="2" r:id="rId2"/>'
             "</sheets></workbook>")
_WORKBOOK_RELS = (f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
                  f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                  f'<Relationship Id="rId2" Type="{_REL}/worksheet" Target="worksheets/sheet2.xml"/>'
                  f'<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
_SHEET_RELS = (f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
               f'<Relationship Id="rId1" Type="{_REL}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>'
               f'<Relationship Id="rId2" Type="{_REL}/comments" Target="../comments1.xml"/></Relationships>')


def _fill(rgb: str) -> str:
    return f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/><bgColor indexed="64"/></patternFill></fill>'


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    f"{_fill(ERROR_RGB)}{_fill(WARNING_RGB)}</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # PLAIN
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # BOLD
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>'  # RED
    '<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>'  # YELLOW
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # RED_WRAP
    '<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # YELLOW_WRAP
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'  # RED_BOLD
    '<xf numFmtId="0" fontId="1" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'  # YELLOW_BOLD
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")


def _comments_xml(comments: list[tuple[int, int, str]]) -> str:
    body = "".join(
        f'<comment ref="{column_letter(col)}{row + 1}" authorId="0"><text><r><rPr><sz val="9"/></rPr>'
        f'<t xml:space="preserve">{_xml(text)}</t></r></text></comment>'
        for row, col, text in comments)
    return (f'{_HEAD}<comments xmlns="{_MAIN}"><authors><author>{_xml(AUTHOR)}</author></authors>'
            f"<commentList>{body}</commentList></comments>")


def _vml(comments: list[tuple[int, int, str]]) -> str:
    """The legacy drawing Excel needs to show the comments: one hidden note shape per comment."""
    blocks = ",".join(str(b) for b in range(1, (len(comments) + 1024) // 1024 + 1))
    shapes = []
    for k, (row, col, text) in enumerate(comments):
        lines = text.count("\n") + 1 + len(text) // 24
        height = max(4, min(16, lines + 1))
        shapes.append(
            f'<v:shape id="_x0000_s{1025 + k}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;'
            f'margin-top:2pt;width:240pt;height:{height * 15}pt;z-index:{k + 1};visibility:hidden" '
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            f'<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{col + 1}, 15, {row}, 2, {col + 5}, 15, {row + height}, 4</x:Anchor>"
            f"<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData>"
            "</v:shape>")
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{blocks}"/></o:shapelayout>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
            '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            + "".join(shapes) + "</xml>")
