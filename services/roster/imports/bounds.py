"""How big a sheet is, found without building it: the parsers are only handed workbooks that fit the roster.

calamine turns a sheet into a dense grid from A1 to its last cell the moment it is opened (one cell at XFD1048576
asks for 512 GB), so the extent of every sheet is measured first, from the bytes: the xlsx `<dimension>` and every
`<row>`/`<c>` of the sheet XML (scanned in chunks while the zip is checked, never parsed into a tree), the BIFF
DIMENSIONS and cell records of an .xls. A sheet past the limits is refused with `file_sheet_too_large`; an XML part
that declares a DTD (entity expansion, external entities) with `file_xml_entities`.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass

# The roster's limits: 200,000 data rows (with room for titles, notes and blank rows), no roster needs more than
# 256 columns (the .xls maximum), and the dense grid a sheet becomes stays under 8 million cells (256 MB in calamine).
MAX_SHEET_ROWS = 200_000 + 10_000
MAX_SHEET_COLS = 256
MAX_SHEET_CELLS = 8_000_000
MAX_SHARED_STRINGS = 3_000_000
MAX_TAG_BYTES = 64 * 1024  # a tag longer than this is not in any workbook Excel writes


class SheetBoundsError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


@dataclass(frozen=True)
class Extent:
    rows: int  # the last used row, 1-based (0: empty)
    cols: int  # the last used column, 1-based


def check_extent(extent: Extent, where: str) -> None:
    """Refuse a sheet whose grid (from A1 to its last cell) is past the roster's limits."""
    if extent.rows <= MAX_SHEET_ROWS and extent.cols <= MAX_SHEET_COLS and \
            extent.rows * extent.cols <= MAX_SHEET_CELLS:
        return
    raise SheetBoundsError(
        "file_sheet_too_large",
        f"工作表“{where}”的范围过大（{extent.rows:,} 行 × {extent.cols:,} 列；上限 {MAX_SHEET_ROWS:,} 行、"
        f"{MAX_SHEET_COLS} 列），可能有远处的单元格被误填。请删除多余的行列（或只复制名单到新工作簿）后重新上传",
        f"sheet {where!r} spans {extent.rows:,} rows x {extent.cols:,} columns, over the roster limits "
        f"({MAX_SHEET_ROWS:,} rows, {MAX_SHEET_COLS} columns, {MAX_SHEET_CELLS:,} cells); delete the stray cells "
        "far from the list and upload again")


def xml_entities_error(part: str) -> SheetBoundsError:
    return SheetBoundsError(
        "file_xml_entities", "文件内部含有 XML 实体声明（DTD），这不是 Excel 生成的工作簿，已拒绝读取",
        f"the workbook part {part!r} declares a DTD (XML entities); Excel never writes one, refused")


def _tag_too_long(part: str) -> SheetBoundsError:
    return SheetBoundsError("file_corrupt", "文件已损坏，无法读取。请用 Excel 打开确认无误后重新保存上传",
                            f"the file is corrupt: {part!r} has a tag longer than {MAX_TAG_BYTES:,} bytes")


def _letters_to_col(letters: bytes) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ch - 64
    return col


_CELL_REF = re.compile(rb"([A-Za-z]{1,8})(\d{1,12})")
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c|dimension|si)(?=[\s/>])([^>]*)>")
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_ATTR_REF = re.compile(rb"""(?:^|\s)ref\s*=\s*["']([^"']*)["']""")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class XmlPartScanner:
    """Fed an XML part in chunks: refuses a DTD; for a worksheet, the last row and column holding a value (and the
    declared `<dimension>`); for the shared strings, how many there are. Memory: one chunk plus one tag."""

    def __init__(self, part: str, *, worksheet: bool, shared_strings: bool) -> None:
        self.part = part
        self.worksheet = worksheet
        self.shared_strings = shared_strings
        self._tail = b""
        self._first = True
        self.row = 0
        self.col = 0
        self.last = Extent(0, 0)
        self.declared = Extent(0, 0)
        self.strings = 0

    def feed(self, chunk: bytes) -> None:
        if self._first and chunk:
            self._first = False
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:64]:
                # UTF-16 XML would hide every tag from this scanner: no workbook writer produces it
                raise SheetBoundsError(
                    "file_corrupt", "文件已损坏，无法读取。请用 Excel 打开确认无误后重新保存上传",
                    f"the file is corrupt: {self.part!r} is not UTF-8 XML")
        data = self._tail + chunk
        cut = data.rfind(b"<")
        if cut >= 0 and data.find(b">", cut) < 0:
            body, self._tail = data[:cut], data[cut:]
        else:
            body, self._tail = data, b""
        if len(self._tail) > MAX_TAG_BYTES:
            raise _tag_too_long(self.part)
        # An unfinished tag (a declaration split across chunks too) waits in the tail for the next chunk.
        if _DTD.search(body):
            raise xml_entities_error(self.part)
        if self.worksheet or self.shared_strings:
            self._tags(body)

    def close(self) -> None:
        if _DTD.search(self._tail):
            raise xml_entities_error(self.part)
        if self.shared_strings and self.strings > MAX_SHARED_STRINGS:
            raise SheetBoundsError(
                "file_sheet_too_large", f"工作簿中的文字条目超过 {MAX_SHARED_STRINGS:,} 个，超出名单的上限",
                f"the workbook holds over {MAX_SHARED_STRINGS:,} shared strings, over the roster limits")
        if self.worksheet:
            check_extent(self.declared, self.part)
            check_extent(self.last, self.part)

    def _tags(self, body: bytes) -> None:
        for match in _TAG.finditer(body):
            name, attrs = match[1], match[2]
            if name == b"c":
                self._cell(attrs)
            elif name == b"row":
                r = _ATTR_R.search(attrs)
                self.row = int(r[1]) if r and r[1].isdigit() else self.row + 1
                self.col = 0
                if self.row > MAX_SHEET_ROWS:  # stop early: no need to read on
                    check_extent(Extent(self.row, max(self.col, 1)), self.part)
            elif name == b"si":
                self.strings += 1
                if self.strings > MAX_SHARED_STRINGS:
                    self.close()
            elif name == b"dimension" and self.worksheet:
                ref = _ATTR_REF.search(attrs)
                if ref:
                    end = ref[1].split(b":")[-1].replace(b"$", b"")
                    cell = _CELL_REF.fullmatch(end)
                    if cell:
                        self.declared = Extent(int(cell[2]), _letters_to_col(cell[1]))
                        check_extent(self.declared, self.part)

    def _cell(self, attrs: bytes) -> None:
        r = _ATTR_R.search(attrs)
        cell = _CELL_REF.fullmatch(r[1].replace(b"$", b"")) if r else None
        if cell:
            row, self.col = int(cell[2]), _letters_to_col(cell[1])
        else:
            row, self.col = max(self.row, 1), self.col + 1
        if attrs.rstrip().endswith(b"/"):
            return  # <c r="…" s="3"/>: formatting only, no value (calamine keeps no cell for it)
        if row > self.last.rows or self.col > self.last.cols:
            self.last = Extent(max(row, self.last.rows), max(self.col, self.last.cols))
            check_extent(self.last, self.part)


# ---- BIFF (.xls) ---------------------------------------------------------------------------------------------

_BOF, _DIMENSIONS_2, _DIMENSIONS_8 = 0x0809, 0x0000, 0x0200
# Records that put a value in a cell: FORMULA, LABELSST, NUMBER, RK, LABEL, BOOLERR, RSTRING, MULRK.
_VALUE_RECORDS = frozenset({0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x00D6})
_MULRK = 0x00BD


def biff_extents(stream: bytes) -> Iterable[Extent]:
    """The declared and the used extent of every substream (sheet) of a BIFF workbook stream."""
    pos = 0
    used = Extent(0, 0)
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4: pos + 4 + min(size, 16)]
        pos += 4 + size
        if kind == _BOF:
            if used.rows:
                yield used
            used = Extent(0, 0)
        elif kind == _DIMENSIONS_8 and len(body) >= 12:
            _, last_row, _, last_col = struct.unpack_from("<IIHH", body)
            yield Extent(last_row, last_col)  # both one past the last used
        elif kind == _DIMENSIONS_2 and len(body) >= 8:
            _, last_row, _, last_col = struct.unpack_from("<HHHH", body)
            yield Extent(last_row, last_col)
        elif (kind in _VALUE_RECORDS or kind == _MULRK) and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body)
            if kind == _MULRK and size >= 6:
                (col,) = struct.unpack_from("<H", stream, pos - 2)  # the last column of the run
            if row + 1 > used.rows or col + 1 > used.cols:
                used = Extent(max(row + 1, used.rows), max(col + 1, used.cols))
    if used.rows:
        yield used


# ---- which parts of an xlsx are worksheets ----------------------------------------------------------------------

_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
_TYPE = re.compile(rb"""\sType\s*=\s*["']([^"']*)["']""")
_TARGET = re.compile(rb"""\sTarget\s*=\s*["']([^"']*)["']""")


def worksheet_parts(rels: bytes) -> set[str]:
    """Lower-cased zip names of the worksheets `xl/_rels/workbook.xml.rels` points at."""
    parts: set[str] = set()
    for match in _REL.finditer(rels):
        kind, target = _TYPE.search(match[1]), _TARGET.search(match[1])
        if kind and target and kind[1].endswith(b"/worksheet"):
            path = target[1].decode("utf-8", "replace").lower()
            path = path.lstrip("/") if path.startswith("/") else "xl/" + path
            while "/../" in path:
                head, _, rest = path.partition("/../")
                path = head.rpartition("/")[0] + "/" + rest
            parts.add(path.replace("./", ""))
    return parts
