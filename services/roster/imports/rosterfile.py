"""Reading a roster file as registrars really produce it: .xls (BIFF, the official template), .xlsx, .csv (UTF-8 or
GBK, as Excel in China saves it) and .dbf (GBK) exports.

`read_roster(data, filename)` detects the format from the content (not the extension), refuses bad files with a
`RosterFileError` (stable code, Chinese and English message) before parsing anything dangerous, finds the header row
(a title row above it is common), maps the headers to the canonical CHSI fields, and returns every non-blank row with
the row number Excel shows and the original text of each cell. Nothing here validates values: see validation.py.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from services.roster.imports import bounds
from services.roster.rules.normalise import display_text

# ---- canonical fields and the headers registrars write ------------------------------------------------------

FIELD_LABELS: dict[str, str] = {
    "ksh": "考生号", "xh": "学号", "xm": "姓名", "xb": "性别", "csrq": "出生日期", "sfzh": "身份证号",
    "zjlx": "证件类型",
    "mz": "民族", "zzmm": "政治面貌", "zydm": "专业代码", "zymc": "专业名称", "cc": "层次", "xz": "学制",
    "xxxs": "学习形式", "rxrq": "入学日期", "yjbyrq": "预计毕业日期", "fy": "学院", "bh": "班号", "yxdm": "院校代码",
    "yxmc": "院校名称", "sjh": "手机号", "bjmc": "班级名称",
}
FIELD_LABELS_EN: dict[str, str] = {
    "ksh": "exam number", "xh": "student number", "xm": "name", "xb": "sex", "csrq": "birth date",
    "sfzh": "ID number", "zjlx": "document type", "mz": "ethnicity", "zzmm": "political status",
    "zydm": "major code", "zymc": "major", "cc": "level", "xz": "length of study", "xxxs": "mode of study",
    "rxrq": "entry date", "yjbyrq": "expected graduation date", "fy": "college", "bh": "class number",
    "yxdm": "school code", "yxmc": "school name", "sjh": "mobile phone", "bjmc": "class name",
}
REQUIRED_FIELDS = ("xh", "xm", "xb", "sfzh", "cc")
# A row with none of these is not a student (template numbering, fill-down leftovers, a signature line).
PERSON_FIELDS = ("ksh", "xh", "xm", "sfzh", "csrq", "sjh")

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "ksh": ("考生号", "考生编号", "考生号码", "高考考生号", "高考报名号"),
    "xh": ("学号", "学生学号", "学生编号"),
    "xm": ("姓名", "学生姓名", "考生姓名", "名字"),
    "xb": ("性别", "性别代码", "性别码", "xbdm", "xbm"),
    "csrq": ("出生日期", "出生年月日", "出生年月", "出生时间", "生日"),
    "sfzh": ("身份证号", "身份证号码", "证件号码", "证件号", "公民身份号码", "身份证", "身份证件号", "身份证件号码",
             "证件编号", "身份证件编号", "sfzjh", "zjhm"),
    "zjlx": ("证件类型", "身份证件类型", "证件种类", "sfzjlx", "zjlxm", "证件类型代码"),
    "mz": ("民族", "民族代码", "民族名称", "mzdm", "mzm"),
    "zzmm": ("政治面貌", "政治面貌代码", "政治面目", "zzmmdm", "zzmmm"),
    "zydm": ("专业代码", "专业编号", "专业号", "专业代号"),
    "zymc": ("专业名称", "专业", "所学专业", "专业名"),
    "cc": ("层次", "培养层次", "学历层次", "层次名称", "学历类别", "学生层次", "学历", "cc", "ccdm", "pycc", "pyccdm"),
    "xz": ("学制", "学习年限", "学制年限"),
    "xxxs": ("学习形式", "办学形式", "学习方式", "xxxsdm"),
    "rxrq": ("入学日期", "入学时间", "入学年月"),
    "yjbyrq": ("预计毕业日期", "预计毕业时间", "毕业日期", "毕业时间", "预计毕业年月"),
    "fy": ("分院", "学院", "院系", "院(系)", "学院名称", "院系名称", "所在学院", "所在院系", "系别", "二级学院",
           "院系所", "院(系)名称"),
    "bh": ("班号", "班级", "班级号", "班级编号", "班级代码", "行政班", "行政班级"),
    "yxdm": ("院校代码", "学校代码", "院校编号", "学校编码", "学校编号"),
    "yxmc": ("院校名称", "学校名称", "院校", "学校"),
    "sjh": ("手机号", "手机号码", "手机", "联系电话", "联系方式", "电话", "电话号码", "移动电话", "sj", "lxdh"),
    "bjmc": ("班级名称", "班名", "班级名"),
}
# Columns registrars' files often carry that the import deliberately does not read (no warning for them).
IGNORED_HEADERS = (
    "序号", "编号", "备注", "说明", "xsh", "系所函", "dqszj", "当前所在级", "年级", "zczt", "注册状态",
    "学籍状态", "sx", "定向委培", "籍贯", "生源地", "家庭住址", "照片", "相片", "拍摄序号", "psxh", "采集码",
    "图像采集码", "学信网图像采集码", "校验否", "办学类型", "学院代码", "xjydlx", "xjydnj", "xjydbyrq", "bz",
    "syssdm", "生源省市", "学籍号", "email", "邮箱",
    "问题说明",  # the first column of our own annotated workbook, when a registrar corrects it and uploads it again
)


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split()).replace("\u200b", "").replace("\ufeff", "").casefold()
    return text.strip("*※★☆:：.、")


_HEADER_INDEX: dict[str, str] = {}
for _field, _aliases in HEADER_ALIASES.items():
    for _alias in (_field, *_aliases):
        _HEADER_INDEX.setdefault(_header_key(_alias), _field)
_IGNORED_INDEX = frozenset(_header_key(h) for h in IGNORED_HEADERS)
_CLASS_NAMES = frozenset({"班级", "行政班", "行政班级"})
_BRACKETED = re.compile(r"[(\[【<《{][^)\]】>》}]*[)\]】>》}]")
_CODE_PREFIX = re.compile(r"([a-z]+)[-_/]?(.+)")
_CODE_SUFFIX = re.compile(r"(.+?)[-_/]?([a-z]+)")


def header_field(text: str) -> str | None:
    """The canonical field a header names: "身份证号码", " SFZH ", "出生日期(yyyymmdd)", "*姓名", "XH学号" …"""
    key = _header_key(text)
    if not key:
        return None
    for candidate in _header_candidates(key):
        hit = _HEADER_INDEX.get(candidate)
        if hit:
            return hit
    return None


def _header_ignored(text: str) -> bool:
    key = _header_key(text)
    return any(c in _IGNORED_INDEX for c in _header_candidates(key))


def _header_candidates(key: str) -> Iterable[str]:
    yield key
    stripped = _BRACKETED.sub("", key).strip("*※★☆:：.、")
    if stripped != key:
        yield stripped
        for inner in _BRACKETED.findall(key):
            yield inner[1:-1]
    for pattern in (_CODE_PREFIX, _CODE_SUFFIX):
        match = pattern.fullmatch(stripped)
        if match:
            yield match[1]
            yield match[2]


# ---- results ---------------------------------------------------------------------------------------------------

class RosterFileError(Exception):
    """The file as a whole cannot be read. `code` is stable; `zh` is for the registrar, `en` for logs and the API."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en

    def __repr__(self) -> str:
        return f"RosterFileError({self.code!r}, {self.en!r})"


@dataclass(slots=True)
class RawRow:
    row: int  # the row number Excel shows
    cells: dict[str, object]  # canonical field -> raw value as read (None for an empty cell)
    original: dict[str, str]  # header as written -> the cell's text as the registrar sees it


@dataclass
class RosterSheet:
    format: str  # "xls" | "xlsx" | "csv" | "dbf"
    encoding: str | None  # csv/dbf: the encoding the text was decoded with
    sheet_name: str | None
    headers: list[str]  # as written (trimmed); a blank header is "F列", a repeated one "备注（G列）"
    columns: dict[str, str]  # canonical field -> header as written
    unknown_headers: list[str]  # headers not imported (including the known, deliberately ignored ones)
    rows: list[RawRow]
    header_row: int = 1  # the Excel row number of the header row
    first_col: int = 0  # 0-based column index of the first header (0 = column A)
    letters: dict[str, str] = field(default_factory=dict)  # header as written -> Excel column letter(s)
    ignored_headers: list[str] = field(default_factory=list)  # unknown headers the import knows it does not need
    duplicate_headers: dict[str, list[str]] = field(default_factory=dict)  # field -> later headers for it, unused
    # Rows that are not data, by Excel row number, as text from column A: title rows above the header, a second
    # header row, and rows without any personal data (skipped_rows). The annotated workbook reproduces them.
    other_rows: dict[int, list[str]] = field(default_factory=dict)
    skipped_rows: list[int] = field(default_factory=list)  # non-blank rows with no 学号/姓名/身份证号/… (not imported)


# ---- errors ----------------------------------------------------------------------------------------------------

def _err(code: str, zh: str, en: str) -> RosterFileError:
    return RosterFileError(code, zh, en)


SAVE_AS_XLSX = "请用 Excel 打开后“另存为” Excel 工作簿（.xlsx）再上传"
SAVE_AS_XLSX_EN = "open it in Excel and save it as an Excel workbook (.xlsx)"


def _not_spreadsheet(what_zh: str, what_en: str) -> RosterFileError:
    return _err("file_not_spreadsheet", f"文件不是电子表格（{what_zh}）。请上传 .xls、.xlsx、.csv 或 .dbf 格式的名单",
                f"the file is not a spreadsheet ({what_en}); upload an .xls, .xlsx, .csv or .dbf roster")


def _encrypted() -> RosterFileError:
    return _err("file_encrypted", "文件设置了打开密码，无法读取。请在 Excel 中取消密码"
                "（文件→信息→保护工作簿→用密码进行加密，清空密码）后重新上传",
                "the file is password-protected; remove the password in Excel and upload again")


def _truncated() -> RosterFileError:
    return _err("file_truncated", "文件不完整（可能上传或下载时被截断），无法读取。请重新保存或重新导出后上传",
                "the file is truncated or incomplete; save or export it again and upload")


def _corrupt(detail: str = "") -> RosterFileError:
    return _err("file_corrupt", "文件已损坏，无法读取。请用 Excel 打开确认无误后重新保存上传",
                f"the file is corrupt and cannot be read{': ' + detail if detail else ''}; open it in Excel, "
                "save it again and upload")


def _zip_bomb(detail: str) -> RosterFileError:
    return _err("file_zip_bomb", "文件解压后体积异常巨大，疑似恶意构造的压缩文件，已拒绝读取",
                f"the file expands to an abnormal size when unzipped ({detail}); refused as a zip bomb")


def _too_many_rows(limit: int) -> RosterFileError:
    return _err("file_too_many_rows", f"文件超过 {limit:,} 行学生数据的上限，请按学院拆分成多个文件分别导入",
                f"the file has more than {limit:,} data rows; split it (e.g. by college) and import each part")


# ---- format detection -------------------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
DBF_VERSIONS = frozenset({0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5, 0xFB})
_OTHER_MAGICS = (
    (b"%PDF", "PDF 文件", "a PDF document"),
    (b"\x89PNG", "图片", "an image"), (b"\xff\xd8\xff", "图片", "an image"), (b"GIF8", "图片", "an image"),
    (b"BM", None, None),  # too short to be sure: only with a .bmp name
    (b"Rar!", "RAR 压缩包，请解压后上传其中的表格", "a RAR archive"),
    (b"7z\xbc\xaf", "7z 压缩包，请解压后上传其中的表格", "a 7z archive"),
    (b"\x1f\x8b", "gzip 压缩包，请解压后上传其中的表格", "a gzip archive"),
    (b"{\\rtf", "RTF 文档", "an RTF document"),
)
ZIP_LIMIT_RATIO = 200  # deflate tops out near 1,030:1; real sheets compress 5-30:1
ZIP_RATIO_FLOOR = 16 * 2**20  # the ratio rule applies to members larger than this
ZIP_MAX_MEMBERS = 10_000
_BLANK_FILE = re.compile(rb"[ \t\r\n\x00]*")


def read_roster(data: bytes, filename: str, *, max_bytes: int = 50 * 2**20, max_rows: int = 200_000) -> RosterSheet:
    """Read a roster file. Raises RosterFileError for a file that cannot be a usable roster."""
    if len(data) > max_bytes:
        raise _err("file_too_large", f"文件大小 {len(data) / 2**20:.1f} MB 超过上限 {max_bytes / 2**20:.0f} MB，"
                   "请按学院拆分后分别导入", f"the file is {len(data):,} bytes, over the limit of {max_bytes:,}")
    if _BLANK_FILE.fullmatch(data):  # (no copy of a 50 MB upload)
        raise _err("file_empty", "文件是空的，没有任何内容", "the file is empty")
    suffix = PurePath(filename or "").suffix.lower()
    head = data[:8]
    if head.startswith(ZIP_MAGICS):
        return _read_xlsx(data, max_bytes=max_bytes, max_rows=max_rows)
    if head == OLE_MAGIC:
        return _read_ole(data, max_rows=max_rows)
    if _looks_like_dbf(data, suffix):
        return _read_dbf(data, max_rows=max_rows)
    for magic, zh, en in _OTHER_MAGICS:
        if head.startswith(magic) and zh:
            raise _not_spreadsheet(zh, en or "")
    return _read_text(data, max_rows=max_rows)


def _read_xlsx(data: bytes, *, max_bytes: int, max_rows: int) -> RosterSheet:
    _check_zip(data, max_bytes)
    return _read_workbook(data, "xlsx", max_rows)


def _check_zip(data: bytes, max_bytes: int) -> None:
    """Refuse truncated/corrupt zips and zip bombs before a parser expands anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _truncated() from None
    except Exception as exc:  # noqa: BLE001 - any failure to read the directory is corruption
        raise _corrupt(type(exc).__name__) from None
    with archive:
        infos = archive.infolist()
        names = {i.filename.lower() for i in infos}
        if "xl/workbook.xml" not in names:
            if "xl/workbook.bin" in names:
                raise _err("file_format_unsupported", f"不支持 Excel 二进制工作簿（.xlsb）。{SAVE_AS_XLSX}",
                           f"Excel binary workbooks (.xlsb) are not supported; {SAVE_AS_XLSX_EN}")
            if "content.xml" in names or "mimetype" in names:
                raise _err("file_format_unsupported", f"不支持 OpenDocument 表格（.ods/.et 等）。{SAVE_AS_XLSX}",
                           f"OpenDocument spreadsheets are not supported; {SAVE_AS_XLSX_EN}")
            if any(n.startswith("word/") for n in names):
                raise _not_spreadsheet("Word 文档", "a Word document")
            if any(n.startswith("ppt/") for n in names):
                raise _not_spreadsheet("PowerPoint 演示文稿", "a PowerPoint presentation")
            raise _not_spreadsheet("ZIP 压缩包，请解压后上传其中的表格", "a zip archive, not a workbook")
        if any(i.flag_bits & 0x1 for i in infos):
            raise _encrypted()
        if len(infos) > ZIP_MAX_MEMBERS:
            raise _zip_bomb(f"{len(infos)} members")
        limit = max(10 * max_bytes, 64 * 2**20)
        total = sum(i.file_size for i in infos)
        if total > limit:
            raise _zip_bomb(f"declares {total:,} bytes unzipped, limit {limit:,}")
        for info in infos:
            if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_LIMIT_RATIO * max(info.compress_size, 1):
                raise _zip_bomb(f"{info.filename}: {info.file_size:,} bytes from {info.compress_size:,}")
        # The declared sizes may lie: expand every member, never past its declared size, and check its CRC; on the
        # way, measure every sheet and refuse DTDs (bounds.py), so calamine only ever sees a workbook that fits.
        try:
            sheets = _worksheet_parts(archive, infos)
            for info in infos:
                _expand(archive, info, sheets)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
            if isinstance(exc, EOFError) or "truncated" in str(exc).lower():
                raise _truncated() from None
            raise _corrupt(str(exc)) from None
        except bounds.SheetBoundsError as exc:
            raise _err(exc.code, exc.zh, exc.en) from None


_RELS = "xl/_rels/workbook.xml.rels"


def _worksheet_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> set[str]:
    names = {i.filename.lower(): i for i in infos}
    parts = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    rels = names.get(_RELS)
    if rels is not None:
        with archive.open(rels) as member:
            parts |= bounds.worksheet_parts(member.read(1 << 20))
    return parts


def _expand(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sheets: set[str]) -> None:
    name = info.filename.lower()
    scanner = None
    if name.endswith((".xml", ".rels", ".vml")) or name in sheets:
        scanner = bounds.XmlPartScanner(info.filename, worksheet=name in sheets,
                                        shared_strings=name == "xl/sharedstrings.xml")
    with archive.open(info) as member:
        while chunk := member.read(1 << 20):
            if scanner is not None:
                scanner.feed(chunk)
    if scanner is not None:
        scanner.close()


def _read_ole(data: bytes, *, max_rows: int) -> RosterSheet:
    import olefile

    try:
        ole = olefile.OleFileIO(data)
    except Exception:  # noqa: BLE001 - olefile raises assorted errors on a damaged container
        raise (_truncated() if len(data) % 512 else _corrupt("OLE container")) from None
    try:
        streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=False)}
        if {"encryptioninfo", "encryptedpackage"} & streams:
            raise _encrypted()  # an .xlsx saved with a password is an OLE container holding the encrypted package
        book = "workbook" if "workbook" in streams else "book" if "book" in streams else None
        if book is None:
            if "worddocument" in streams:
                raise _not_spreadsheet("Word 文档", "a Word document")
            if "powerpoint document" in streams:
                raise _not_spreadsheet("PowerPoint 演示文稿", "a PowerPoint presentation")
            raise _not_spreadsheet("不是 Excel 工作簿的 OLE 文件", "an OLE file without a workbook")
        try:
            stream = ole.openstream(book).read()
        except Exception:  # noqa: BLE001 - a damaged sector chain
            raise _corrupt("OLE stream") from None
        if _biff_has_filepass(stream[:4096]):
            raise _encrypted()
        try:
            for extent in bounds.biff_extents(stream):
                bounds.check_extent(extent, book)
        except bounds.SheetBoundsError as exc:
            raise _err(exc.code, exc.zh, exc.en) from None
    finally:
        ole.close()
    return _read_workbook(data, "xls", max_rows)


def _biff_has_filepass(stream: bytes) -> bool:
    """A FILEPASS record (0x002F) among the first records of the workbook globals: the .xls is encrypted."""
    pos = 0
    for _ in range(64):
        if pos + 4 > len(stream):
            return False
        kind, size = struct.unpack_from("<HH", stream, pos)
        if kind == 0x002F:
            return True
        if kind == 0x0085:  # BOUNDSHEET: FILEPASS would have come before the sheet list
            return False
        pos += 4 + size
    return False


def _read_workbook(data: bytes, fmt: str, max_rows: int) -> RosterSheet:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _encrypted() from None
    except BaseException as exc:  # calamine's Rust panics surface as BaseException subclasses
        if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise _corrupt(f"{type(exc).__name__}: {exc}"[:200]) from None
    with workbook:
        metas = workbook.sheets_metadata
        order = [i for i, m in enumerate(metas) if m.typ == python_calamine.SheetTypeEnum.WorkSheet
                 and m.visible == python_calamine.SheetVisibleEnum.Visible]
        order += [i for i in range(len(metas)) if i not in order]
        best: _Miss | None = None
        any_data = False
        for index in order:
            try:
                sheet = workbook.get_sheet_by_index(index)
                end = sheet.end
                if end is not None:  # measured before (bounds.py); checked again before Python holds the grid
                    bounds.check_extent(bounds.Extent(end[0] + 1, end[1] + 1), metas[index].name)
                grid = sheet.to_python(skip_empty_area=False)
            except bounds.SheetBoundsError as exc:
                raise _err(exc.code, exc.zh, exc.en) from None
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
                    raise
                raise _corrupt(f"{type(exc).__name__}: {exc}"[:200]) from None
            if not grid:
                continue
            any_data = True
            found = _find_header(grid)
            if isinstance(found, _Miss):
                best = found if best is None or found.score > best.score else best
                continue
            return _build(grid, found, fmt=fmt, encoding=None, sheet_name=metas[index].name, max_rows=max_rows)
    if not any_data:
        raise _err("file_empty", "工作簿中没有任何数据", "the workbook has no data")
    raise _headers_unrecognised(best)


# ---- DBF ------------------------------------------------------------------------------------------------------

def _dbf_layout(data: bytes) -> tuple[int, int, int] | None:
    if len(data) < 33 or data[0] not in DBF_VERSIONS:
        return None
    count, header_len, record_len = struct.unpack_from("<IHH", data, 4)
    if header_len < 33 or record_len < 1 or header_len > len(data):
        return None
    fields_end = data.find(b"\x0d", 32, header_len)
    if fields_end < 0 or (fields_end - 32) % 32:
        return None
    return count, header_len, record_len


def _looks_like_dbf(data: bytes, suffix: str) -> bool:
    layout = _dbf_layout(data)
    if layout is None:
        return False
    count, header_len, record_len = layout
    # The arithmetic of a real DBF adds up (allowing the optional EOF marker); a truncated .dbf still counts.
    return suffix == ".dbf" or header_len + count * record_len in (len(data), len(data) - 1)


def _read_dbf(data: bytes, *, max_rows: int) -> RosterSheet:
    from dbfread import DBF

    layout = _dbf_layout(data)
    assert layout is not None
    count, header_len, record_len = layout
    if header_len + count * record_len > len(data):
        raise _truncated()
    if count > max_rows:
        raise _too_many_rows(max_rows)
    body = data[header_len: header_len + count * record_len]
    encoding = None
    for candidate in ("utf-8", "gbk", "gb18030"):
        try:
            body.decode(candidate)
        except UnicodeDecodeError:
            continue
        encoding = candidate
        break
    encoding = encoding or "gb18030"
    # Record i (0-based) is row i + 2 in Excel, header row 1; deleted records keep their number (RECNO) but are
    # not imported.
    live = [i for i in range(count) if body[i * record_len] != 0x2A]
    with tempfile.TemporaryDirectory(prefix="tucai-dbf-") as tmp:
        path = Path(tmp) / "roster.dbf"
        path.write_bytes(data)
        try:
            table = DBF(str(path), encoding=encoding, char_decode_errors="replace", ignore_missing_memofile=True,
                        recfactory=lambda items: [value for _, value in items])
            names = list(table.field_names)
            records = list(table)
        except Exception as exc:  # noqa: BLE001 - dbfread raises ValueError/struct.error on a damaged table
            raise _corrupt(f"{type(exc).__name__}: {exc}"[:200]) from None
    if len(records) != len(live):
        raise _corrupt("record count mismatch")
    grid: list[Sequence[object]] = [[None] * len(names) for _ in range(count + 1)]
    grid[0] = names
    for position, record in zip(live, records, strict=True):
        grid[position + 1] = record
    found = _find_header(grid, rows=1)
    if isinstance(found, _Miss):
        raise _headers_unrecognised(found)
    return _build(grid, found, fmt="dbf", encoding=encoding, sheet_name=None, max_rows=max_rows)


# ---- CSV / text -----------------------------------------------------------------------------------------------

TEXT_CHUNK = 1 << 20
MAX_LINE_CHARS = 64 * 1024  # a roster row is a few hundred characters; Excel's own limit per cell is 32,767
_EMPTY_ROW: tuple[object, ...] = ()


def _text_encoding(data: bytes) -> str:
    """The text encoding, found by decoding in chunks (a 50 MB file is never held decoded)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _validated(data, "utf-8-sig") or _raise(_encoding_unknown())
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" (UTF-16, tab-separated)
        return _validated(data, "utf-16") or _raise(_encoding_unknown())
    sample = data[:65536]
    bom_less = _utf16_without_bom(sample)
    if bom_less:
        return _validated(data, bom_less) or _raise(_encoding_unknown())
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    if controls > max(8, len(sample) // 100):
        raise _not_spreadsheet("二进制文件", "binary data")
    for encoding in ("utf-8", "gbk", "gb18030"):
        if _validated(data, encoding):
            return encoding
    raise _encoding_unknown()


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: the zero bytes (of tabs, line ends, digits) fall on one side
    of every pair, and the sample decodes to text."""
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    for encoding, mine, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if mine < 2 or other * 20 > mine:
            continue
        try:
            text = sample[: max(len(sample) // 2 * 2 - 4, 2)].decode(encoding)
        except UnicodeDecodeError:
            continue
        if sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n") <= len(text) // 100:
            return encoding
    return None


def _validated(data: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), TEXT_CHUNK):
            decoder.decode(view[start:start + TEXT_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return ""
    return encoding


def _raise(exc: RosterFileError) -> str:
    raise exc


def _encoding_unknown() -> RosterFileError:
    return _err("file_encoding_unknown", "无法识别 CSV 文件的文字编码（支持 UTF-8 和 GBK）。"
                "请用 Excel 打开后另存为 .xlsx，或另存为“CSV UTF-8（逗号分隔）”后上传",
                "the CSV text encoding is not UTF-8 or GBK; save it as .xlsx or as CSV UTF-8")


def _line_too_long() -> RosterFileError:
    return _err("file_line_too_long", f"文件中有一行超过 {MAX_LINE_CHARS:,} 个字符，不是正常的名单。"
                "请用 Excel 打开检查后另存为 .xlsx 上传",
                f"a line of the file is longer than {MAX_LINE_CHARS:,} characters; this is not a roster")


_TEXT_DELIMITERS = (",", "\t", ";", "|")


def _text_stream(data: bytes, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")


def _lines(stream: io.TextIOWrapper, skip: int) -> Iterable[str]:
    """Lines of at most MAX_LINE_CHARS, read one at a time (a 50 MB single line is refused after 64 K)."""
    count = 0
    while line := stream.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise _line_too_long()
        count += 1
        if count > skip:
            yield line


def _read_text(data: bytes, *, max_rows: int) -> RosterSheet:
    encoding = _text_encoding(data)
    with _text_stream(data, encoding) as stream:
        head = "".join(itertools.islice(_lines(stream, 0), 64))[:65536]
    lowered = head[:4096].lstrip().lower()
    if lowered.startswith("<") and ("<html" in lowered or "<table" in lowered or "<!doctype html" in lowered):
        raise _err("file_not_spreadsheet", f"文件实际是网页（HTML）格式，只是扩展名为表格。{SAVE_AS_XLSX}",
                   f"the file is an HTML page with a spreadsheet extension; {SAVE_AS_XLSX_EN}")
    if lowered.startswith("<?xml") or lowered.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in head[:8192]:
            raise _err("file_format_unsupported", f"文件是 XML 表格（Excel 2003 XML）格式。{SAVE_AS_XLSX}",
                       f"the file is an Excel 2003 XML spreadsheet; {SAVE_AS_XLSX_EN}")
        raise _not_spreadsheet("XML/网页文件", "XML or HTML")
    if lowered.startswith("mime-version"):
        raise _err("file_not_spreadsheet", f"文件是网页存档（MHT）格式。{SAVE_AS_XLSX}",
                   f"the file is a web archive (MHT); {SAVE_AS_XLSX_EN}")
    forced, skip = None, 0
    first_line = head.partition("\n")[0].lstrip("\ufeff")
    if len(first_line.strip()) == 5 and first_line.lower().startswith("sep="):
        forced, skip = first_line[4], 1  # Excel's "sep=;" hint line: Excel hides it, so rows start after it
    head_lines = head.splitlines()[skip:skip + 20]
    best: tuple[int, int, str] | None = None
    for delimiter in (forced,) if forced else _TEXT_DELIMITERS:
        sample = list(csv.reader(head_lines, delimiter=delimiter))
        found = _find_header(sample)
        score = found.score if isinstance(found, _Miss) else found.score + 1000
        width = max((len(r) for r in sample), default=0)
        if best is None or (score, width) > best[:2]:
            best = (score, width, delimiter)
    assert best is not None
    delimiter = best[2]
    grid = _csv_grid(data, encoding, delimiter, skip)
    if not grid:
        raise _err("file_empty", "文件是空的，没有任何内容", "the file is empty")
    found = _find_header(grid)
    if isinstance(found, _Miss):
        raise _headers_unrecognised(found)
    return _build(grid, found, fmt="csv", encoding=encoding.replace("-sig", ""), sheet_name=None, max_rows=max_rows)


def _csv_grid(data: bytes, encoding: str, delimiter: str, skip: int) -> list[Sequence[object]]:
    """The rows of a CSV, bounded like a sheet: refused past the row and column limits while reading."""
    grid: list[Sequence[object]] = []
    widest = 0
    try:
        with _text_stream(data, encoding) as stream:
            for row in csv.reader(_lines(stream, skip), delimiter=delimiter):
                while row and not row[-1].strip():
                    row.pop()
                widest = max(widest, len(row))
                if len(grid) >= bounds.MAX_SHEET_ROWS or widest > bounds.MAX_SHEET_COLS:
                    bounds.check_extent(bounds.Extent(len(grid) + 1, widest), "CSV")
                grid.append(row if row else _EMPTY_ROW)
            bounds.check_extent(bounds.Extent(len(grid), widest), "CSV")
    except csv.Error as exc:
        raise _corrupt(f"CSV: {exc}") from None
    except bounds.SheetBoundsError as exc:
        raise _err(exc.code, exc.zh, exc.en) from None
    except UnicodeDecodeError:
        raise _encoding_unknown() from None
    return grid


# ---- header row -----------------------------------------------------------------------------------------------

HEADER_SEARCH_ROWS = 20  # a title row, a blank row, a note row … the header is within the first few rows


@dataclass
class _Header:
    index: int  # 0-based row index in the grid
    fields: dict[int, str]  # column index -> canonical field
    score: int


@dataclass
class _Miss:
    score: int
    seen: list[str]  # the texts of the best candidate row


def _row_fields(row: Sequence[object]) -> dict[int, str]:
    found: dict[int, str] = {}
    for j, value in enumerate(row):
        if isinstance(value, str) and value.strip() and len(value) <= 60:
            hit = header_field(value)
            if hit:
                found[j] = hit
    return found


def _find_header(grid: Sequence[Sequence[object]], rows: int = HEADER_SEARCH_ROWS) -> _Header | _Miss:
    best: _Header | None = None
    miss = _Miss(0, [])
    for i, row in enumerate(grid[:rows]):
        fields = _row_fields(row)
        distinct = set(fields.values())
        score = len(distinct)
        if distinct & set(REQUIRED_FIELDS) and (best is None or score > best.score):
            best = _Header(i, fields, score)
        if score > miss.score or (not miss.seen and any(not _blank(v) for v in row)):
            miss = _Miss(max(score, miss.score), [display_text(v).strip() for v in row if not _blank(v)])
    return best if best is not None else miss


def _headers_unrecognised(miss: _Miss | None) -> RosterFileError:
    seen = "、".join(f"“{s}”" for s in (miss.seen if miss else [])[:8]) or "（空）"
    return _err("file_headers_unrecognised",
                f"没有找到名单的表头：前 {HEADER_SEARCH_ROWS} 行中没有识别出学号、姓名、性别、身份证号、层次等列"
                f"（读到的是 {seen}）。表头可用学信网字段代码（XH、XM、XB、SFZH、CC …）"
                "或中文列名（学号、姓名、性别、身份证号、层次 …）",
                "no header row found: none of the required columns (XH 学号, XM 姓名, XB 性别, SFZH 身份证号, CC 层次) "
                f"was recognised in the first {HEADER_SEARCH_ROWS} rows")


# ---- building the sheet ---------------------------------------------------------------------------------------

def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def _texts(row: Sequence[object]) -> list[str]:
    texts = [display_text(v) for v in row]
    while texts and not texts[-1].strip():
        texts.pop()
    return texts


def _build(grid: Sequence[Sequence[object]], header: _Header, *, fmt: str, encoding: str | None,
           sheet_name: str | None, max_rows: int) -> RosterSheet:
    head_row = grid[header.index]
    filled = [j for j, v in enumerate(head_row) if not _blank(v)]
    first, last = filled[0], filled[-1]
    headers: list[str] = []
    letters: dict[str, str] = {}
    columns: dict[str, str] = {}
    unknown: list[str] = []
    ignored: list[str] = []
    duplicates: dict[str, list[str]] = {}
    mapped: list[tuple[int, str]] = []  # (column index, field)
    labelled: list[tuple[int, str]] = []  # (column index, header label)
    fields_at = dict(header.fields)
    class_named = [j for j, f in fields_at.items() if f == "bh" and _header_key(str(head_row[j])) in _CLASS_NAMES]
    if class_named and "bjmc" not in fields_at.values() and len([f for f in fields_at.values() if f == "bh"]) > 1:
        fields_at[class_named[0]] = "bjmc"  # both 班号 and 班级: 班级 holds the class name
    for j in range(first, last + 1):
        raw = display_text(head_row[j]) if j < len(head_row) else ""
        text = raw.strip()
        letter = column_letter(j)
        label = text or f"{letter}列"
        if label in letters:
            label = f"{text}（{letter}列）"
        headers.append(label)
        letters[label] = letter
        labelled.append((j, label))
        hit = fields_at.get(j)
        if hit and hit not in columns:
            columns[hit] = label
            mapped.append((j, hit))
        elif hit:
            duplicates.setdefault(hit, []).append(label)
            unknown.append(label)
        else:
            unknown.append(label)
            if text and _header_ignored(text):
                ignored.append(label)
    other_rows: dict[int, list[str]] = {}
    for i in range(header.index):
        texts = _texts(grid[i])
        if texts:
            other_rows[i + 1] = texts
    start = header.index + 1
    # A second header row right under the first (Chinese names above CHSI codes, or the other way round)
    if start < len(grid):
        nxt = grid[start]
        again = _row_fields(nxt)
        if len(again) >= 2 and all(header.fields.get(j) == f for j, f in again.items()) and all(
                _blank(v) or j in again for j, v in enumerate(nxt)):
            other_rows[start + 1] = _texts(nxt)
            start += 1
    # Positions relative to the first header column; the loop below runs once per row of a 200,000-row file.
    labels = [label for _, label in labelled]
    fields = [(j - first, f) for j, f in mapped]
    person_at = [j - first for j, f in mapped if f in PERSON_FIELDS]
    rows: list[RawRow] = []
    skipped: list[int] = []
    width = last + 1
    span = width - first
    for i in range(start, len(grid)):
        values = grid[i]
        part = values[first:width]
        if len(part) < span:
            part = [*part, *([None] * (span - len(part)))]
        texts = [v if v.__class__ is str else display_text(v) for v in part]
        if not "".join(texts).strip():
            continue  # a blank row: no data, but it still takes its row number
        if not any(texts[k].strip() for k in person_at):
            skipped.append(i + 1)
            other_rows[i + 1] = _texts(values)
            continue
        cells = {f: (None if (v := part[k]) == "" else v) for k, f in fields}
        rows.append(RawRow(i + 1, cells, dict(zip(labels, texts, strict=True))))
        if len(rows) > max_rows:
            raise _too_many_rows(max_rows)
    if not rows:
        raise _err("file_empty", f"表头在第 {header.index + 1} 行，但下面没有任何学生数据",
                   f"the header is on row {header.index + 1} but there are no data rows under it")
    return RosterSheet(format=fmt, encoding=encoding, sheet_name=sheet_name, headers=headers, columns=columns,
                       unknown_headers=unknown, rows=rows, header_row=header.index + 1, first_col=first,
                       letters=letters, ignored_headers=ignored, duplicate_headers=duplicates,
                       other_rows=other_rows, skipped_rows=skipped)
