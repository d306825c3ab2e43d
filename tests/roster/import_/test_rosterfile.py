"""Reading rosters as registrars really produce them, and refusing the files that cannot be rosters."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date, datetime

import pytest

from services.roster.imports.rosterfile import RosterFileError, header_field, read_roster
from tests.roster.import_.cfb import encrypted_xls, encrypted_xlsx, word_document
from tests.roster.import_.people import CHSI_HEADERS, HEADERS, csv_bytes, people, xls_bytes, xlsx_bytes
from tests.support.dbf_writer import DELETED, dbf_bytes

TITLE = "南昌大学2026届毕业生图像采集名单"


@pytest.mark.parametrize(("header", "fld"), [
    ("身份证号", "sfzh"), ("身份证号码", "sfzh"), ("证件号码", "sfzh"), ("公民身份号码", "sfzh"), ("SFZH", "sfzh"),
    ("sfzh", "sfzh"), (" 身份证号 ", "sfzh"), ("身份证号\u3000", "sfzh"), ("ＳＦＺＨ", "sfzh"), ("*身份证号", "sfzh"),
    ("性别", "xb"), ("XB", "xb"), ("出生日期", "csrq"), ("出生年月日", "csrq"), ("出生日期(yyyymmdd)", "csrq"),
    ("出生日期（格式：19900101）", "csrq"), ("学院", "fy"), ("院系", "fy"), ("分院", "fy"), ("学院名称", "fy"),
    ("院（系）", "fy"), ("班号", "bh"), ("班级", "bh"), ("班级名称", "bjmc"), ("层次", "cc"), ("培养层次", "cc"),
    ("学历层次", "cc"), ("院校代码", "yxdm"), ("学校代码", "yxdm"), ("考生号", "ksh"), ("KSH", "ksh"), ("学号", "xh"),
    ("XH学号", "xh"), ("学号(XH)", "xh"), ("姓 名", "xm"), ("姓名*", "xm"), ("民族", "mz"), ("政治面貌", "zzmm"),
    ("专业代码", "zydm"), ("专业", "zymc"), ("学制", "xz"), ("学习形式", "xxxs"), ("入学日期", "rxrq"),
    ("预计毕业日期", "yjbyrq"), ("证件类型", "zjlx"), ("手机号码", "sjh"), ("院校名称", "yxmc"),
    ("籍贯", None), ("序号", None), ("备注", None), ("", None),
])
def test_headers_are_matched_by_code_chinese_name_and_variants(header: str, fld: str | None) -> None:
    assert header_field(header) == fld


def test_xls_from_the_template_with_a_title_row_and_date_cells() -> None:
    students = people(3)
    rows = [p.row() for p in students]
    rows[0][4] = students[0].born  # a real Excel date cell
    rows[1][4] = (students[1].born - date(1899, 12, 30)).days  # an Excel serial number typed as a number
    rows[2][1] = float(students[2].student_no)  # 学号 typed as a number
    sheet = read_roster(xls_bytes(rows, title=TITLE), "名单.xls")
    assert (sheet.format, sheet.sheet_name, sheet.header_row, sheet.encoding) == ("xls", "学生名单", 2, None)
    assert sheet.headers == HEADERS and sheet.unknown_headers == []
    assert sheet.columns["sfzh"] == "身份证号" and sheet.columns["fy"] == "学院" and sheet.columns["bh"] == "班号"
    assert [r.row for r in sheet.rows] == [3, 4, 5]
    assert sheet.other_rows == {1: [TITLE]}
    first = sheet.rows[0]
    assert first.cells["csrq"] in (students[0].born, datetime.combine(students[0].born, datetime.min.time()))
    assert first.original["出生日期"] == students[0].born.isoformat()
    assert first.cells["sfzh"] == students[0].id_number and first.original["姓名"] == students[0].name
    assert sheet.rows[1].cells["csrq"] == (students[1].born - date(1899, 12, 30)).days
    assert sheet.rows[2].original["学号"] == students[2].student_no  # shown without ".0"


def test_gbk_csv_as_excel_saves_it() -> None:
    rows = [p.row() for p in people(4)]
    data = csv_bytes(rows, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK
    sheet = read_roster(data, "名单.csv")
    assert (sheet.format, sheet.encoding, sheet.header_row) == ("csv", "gbk", 1)
    assert [r.row for r in sheet.rows] == [2, 3, 4, 5]
    assert sheet.rows[0].original["姓名"] == rows[0][2] and sheet.rows[0].cells["xm"] == rows[0][2]


@pytest.mark.parametrize(("encoding", "bom", "delimiter", "expected"), [
    ("utf-8", True, ",", "utf-8"), ("utf-8", False, ",", "utf-8"), ("gb18030", False, "\t", "gbk"),
    ("utf-16", False, "\t", "utf-16"), ("utf-8", False, ";", "utf-8"),
])
def test_csv_encodings_and_delimiters(encoding: str, bom: bool, delimiter: str, expected: str) -> None:
    rows = [p.row() for p in people(2)]
    sheet = read_roster(csv_bytes(rows, encoding=encoding, bom=bom, delimiter=delimiter), "名单.txt")
    assert (sheet.format, sheet.encoding) == ("csv", expected)
    assert sheet.columns["xm"] == "姓名" and [r.cells["xm"] for r in sheet.rows] == [r[2] for r in rows]


def test_excel_sep_hint_line() -> None:
    rows = [p.row() for p in people(2)]
    data = b"sep=;\r\n" + csv_bytes(rows, encoding="utf-8", delimiter=";")
    sheet = read_roster(data, "名单.csv")
    assert sheet.header_row == 1 and [r.row for r in sheet.rows] == [2, 3]  # Excel does not show the hint line
    assert sheet.rows[0].cells["xm"] == rows[0][2]


def test_format_is_detected_from_the_content_not_the_extension() -> None:
    rows = [p.row() for p in people(2)]
    assert read_roster(xlsx_bytes(rows), "名单.xls").format == "xlsx"
    assert read_roster(xls_bytes(rows), "名单.xlsx").format == "xls"
    assert read_roster(csv_bytes(rows), "名单.xls").format == "csv"  # a "xls" that is really CSV text


def test_the_roster_sheet_is_found_behind_an_instructions_sheet() -> None:
    rows = [p.row() for p in people(2)]
    data = xlsx_bytes(rows, sheet="2026届", before=[("填表说明", [["请勿修改表头"], ["身份证号请设为文本格式"]])])
    sheet = read_roster(data, "名单.xlsx")
    assert sheet.sheet_name == "2026届" and len(sheet.rows) == 2


def test_blank_rows_are_skipped_but_rows_keep_their_excel_numbers() -> None:
    a, b, c = (p.row() for p in people(3))
    layout = [a, [None] * len(HEADERS), ["  ", None, "\u3000"] + [None] * (len(HEADERS) - 3), b,
              [None] * 16 + ["2201", None], c]  # row 6: only 班号 filled down: not a student
    sheet = read_roster(xlsx_bytes(layout, title=TITLE, blank_after_title=True), "名单.xlsx")
    assert sheet.header_row == 3
    assert [r.row for r in sheet.rows] == [4, 7, 9]
    assert sheet.skipped_rows == [8] and sheet.other_rows[8][16] == "2201"


def test_chsi_codes_and_a_second_header_row() -> None:
    rows = [p.row() for p in people(2)]
    data = xlsx_bytes([CHSI_HEADERS, *rows], headers=HEADERS)  # Chinese names, then the CHSI codes under them
    sheet = read_roster(data, "名单.xlsx")
    assert sheet.header_row == 1 and [r.row for r in sheet.rows] == [3, 4]
    assert sheet.other_rows[2] == CHSI_HEADERS
    only_codes = read_roster(xlsx_bytes(rows, headers=[h.lower() for h in CHSI_HEADERS]), "x.xlsx")
    assert only_codes.columns["sfzh"] == "sfzh" and len(only_codes.rows) == 2


def test_headers_with_spaces_full_width_and_unknown_columns() -> None:
    headers = ["序号", " 学号 ", "姓　名", "性别", "身份证号码", "培养层次", "籍贯", "", "备注", "院系", "学院"]
    rows = [[1, "2022001", "张三", "男", "360426199101010071", "本科", "江西", "x", "", "计算机学院", "计算机学院"]]
    sheet = read_roster(xlsx_bytes(rows, headers=headers), "x.xlsx")
    assert sheet.headers == ["序号", "学号", "姓　名", "性别", "身份证号码", "培养层次", "籍贯", "H列", "备注", "院系",
                             "学院"]
    assert sheet.columns == {"xh": "学号", "xm": "姓　名", "xb": "性别", "sfzh": "身份证号码", "cc": "培养层次",
                             "fy": "院系"}
    assert sheet.unknown_headers == ["序号", "籍贯", "H列", "备注", "学院"]
    assert sheet.ignored_headers == ["序号", "籍贯", "备注"] and sheet.duplicate_headers == {"fy": ["学院"]}
    assert sheet.letters["H列"] == "H" and sheet.rows[0].original["H列"] == "x"


def test_class_number_and_class_name_columns() -> None:
    p = people(1)[0]
    headers = ["学号", "姓名", "性别", "身份证号", "层次", "班号", "班级"]
    sheet = read_roster(xlsx_bytes([[p.student_no, p.name, p.sex, p.id_number, "本科", "220101", "计科2201班"]],
                                   headers), "x.xlsx")
    assert sheet.columns["bh"] == "班号" and sheet.columns["bjmc"] == "班级" and sheet.duplicate_headers == {}
    swapped = read_roster(xlsx_bytes([[p.student_no, p.name, p.sex, p.id_number, "本科", "计科2201班", "220101"]],
                                     headers[:5] + ["班级", "班号"]), "x.xlsx")
    assert swapped.columns["bh"] == "班号" and swapped.columns["bjmc"] == "班级"
    assert swapped.rows[0].cells["bh"] == "220101"


def test_dbf_in_gbk_numbers_rows_like_excel_and_skips_deleted_records() -> None:
    a, b, c = people(3)
    fields = [("KSH", "C", 14), ("XH", "C", 15), ("XM", "C", 40), ("XB", "C", 2), ("CSRQ", "D", 8),
              ("SFZH", "C", 18), ("CC", "C", 12), ("XZ", "N", 3, 1), ("YXDM", "C", 5)]

    def rec(p):  # type: ignore[no-untyped-def]
        return [p.exam_no, p.student_no, p.name, p.sex, p.born, p.id_number, "本科", 4.0, "10403"]

    data = dbf_bytes(fields, [rec(a), [DELETED, *rec(b)], rec(c)])
    sheet = read_roster(data, "XSXX.DBF")
    assert (sheet.format, sheet.encoding, sheet.header_row) == ("dbf", "gbk", 1)
    assert [r.row for r in sheet.rows] == [2, 4]  # record 2 is deleted: not imported, numbering kept
    assert sheet.rows[0].cells["xm"] == a.name and sheet.rows[0].cells["csrq"] == a.born
    assert sheet.rows[1].cells["xz"] == 4.0 and sheet.rows[1].original["CSRQ"] == c.born.isoformat()
    assert read_roster(data, "no-extension").format == "dbf"  # recognised by its structure


# ---- bad files --------------------------------------------------------------------------------------------------

def _code(data: bytes, name: str = "名单.xlsx", **limits: int) -> RosterFileError:
    with pytest.raises(RosterFileError) as caught:
        read_roster(data, name, **limits)
    error = caught.value
    assert error.zh and error.en and str(error) == error.en
    return error


def _good_xlsx(n: int = 3) -> bytes:
    return xlsx_bytes([p.row() for p in people(n)])


@pytest.mark.parametrize(("data", "name", "what"), [
    (b"%PDF-1.7\n1 0 obj\n", "名单.pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "名单.xlsx", "图片"),
    (b"\xff\xd8\xff\xe0" + bytes(64), "名单.xls", "图片"),
    (bytes(range(256)) * 8, "名单.xls", "二进制"),
    (b"Rar!\x1a\x07\x00" + bytes(32), "名单.rar", "RAR"),
])
def test_not_a_spreadsheet(data: bytes, name: str, what: str) -> None:
    error = _code(data, name)
    assert error.code == "file_not_spreadsheet" and what in error.zh


def test_office_documents_that_are_not_workbooks() -> None:
    assert "Word" in _code(word_document(), "名单.xls").zh
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert _code(buffer.getvalue(), "名单.xlsx").code == "file_not_spreadsheet"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("名单.xlsx", _good_xlsx())
    error = _code(buffer.getvalue(), "名单.zip")
    assert error.code == "file_not_spreadsheet" and "解压" in error.zh


def test_web_pages_and_xml_saved_with_a_spreadsheet_extension() -> None:
    html = "<html><body><table><tr><td>学号</td><td>姓名</td></tr></table></body></html>".encode()
    error = _code(html, "名单.xls")
    assert error.code == "file_not_spreadsheet" and "网页" in error.zh and "另存为" in error.zh
    xml = (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
           b"</Workbook>")
    assert _code(xml, "名单.xls").code == "file_format_unsupported"


def test_xlsb_and_ods_are_named() -> None:
    for member, kind in (("xl/workbook.bin", ".xlsb"), ("content.xml", "OpenDocument")):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr(member, "x")
        error = _code(buffer.getvalue())
        assert error.code == "file_format_unsupported" and kind in error.zh


def test_encrypted_workbooks() -> None:
    for data, name in ((encrypted_xlsx(), "名单.xlsx"), (encrypted_xls(), "名单.xls")):
        error = _code(data, name)
        assert error.code == "file_encrypted" and "密码" in error.zh


def test_truncated_files() -> None:
    good = _good_xlsx(50)
    assert _code(good[: len(good) // 2]).code == "file_truncated"
    assert _code(good[:-10]).code == "file_truncated"
    a = people(1)[0]
    dbf = dbf_bytes([("XH", "C", 15), ("XM", "C", 40), ("SFZH", "C", 18)], [[a.student_no, a.name, a.id_number]] * 5)
    assert _code(dbf[:-40], "XSXX.DBF").code == "file_truncated"


def test_corrupt_zip_member() -> None:
    good = bytearray(_good_xlsx(50))
    with zipfile.ZipFile(io.BytesIO(bytes(good))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # flip bytes in the compressed data of the sheet: its CRC no longer matches
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 10
    for k in range(start, start + 20):
        good[k] ^= 0x55
    assert _code(bytes(good)).code in ("file_corrupt", "file_truncated")


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * size)
    return buffer.getvalue()


def test_zip_bomb_by_ratio() -> None:
    data = _bomb(40 * 2**20)
    assert len(data) < 100_000
    error = _code(data)
    assert error.code == "file_zip_bomb" and "sheet1.xml" in error.en


def test_zip_bomb_by_declared_size() -> None:
    data = bytearray(_good_xlsx())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    central = data.find(b"PK\x01\x02")
    while central >= 0:  # patch the central directory entry of the sheet: it now claims 4 GiB
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46: central + 46 + name_len]) == info.filename.encode():
            struct.pack_into("<I", data, central + 24, 0xFFFFFFF0)
        central = data.find(b"PK\x01\x02", central + 4)
    assert _code(bytes(data)).code == "file_zip_bomb"


def test_a_member_that_lies_about_its_size_is_caught_while_expanding() -> None:
    data = bytearray(_good_xlsx(50))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    central = data.find(b"PK\x01\x02")
    while central >= 0:  # claims half its real size: expansion stops there and the CRC fails
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46: central + 46 + name_len]) == info.filename.encode():
            struct.pack_into("<I", data, central + 24, info.file_size // 2)
        central = data.find(b"PK\x01\x02", central + 4)
    assert _code(bytes(data)).code in ("file_corrupt", "file_truncated")


def test_empty_files() -> None:
    assert _code(b"").code == "file_empty"
    assert _code(b"  \r\n", "名单.csv").code == "file_empty"
    header_only = _code(xlsx_bytes([], title=TITLE))
    assert header_only.code == "file_empty" and "第 2 行" in header_only.zh
    assert _code(csv_bytes([]), "名单.csv").code == "file_empty"


def test_headers_not_recognised() -> None:
    rows = [["2022001", "张三", "男"]]
    error = _code(xlsx_bytes(rows, headers=["编号", "名字甲", "性别乙"]))
    assert error.code == "file_headers_unrecognised" and "“编号”" in error.zh and "学号" in error.zh
    assert _code(b"a,b,c\r\n1,2,3\r\n", "x.csv").code == "file_headers_unrecognised"


def test_size_and_row_limits() -> None:
    data = _good_xlsx(6)
    error = _code(data, max_bytes=1000)
    assert error.code == "file_too_large" and "MB" in error.zh
    assert _code(data, max_rows=5).code == "file_too_many_rows"
    assert len(read_roster(data, "x.xlsx", max_rows=6).rows) == 6


def test_encoding_unknown() -> None:
    assert _code("学号,姓名\r\n".encode() + b"\x80\x80,\xff\r\n", "x.csv").code == "file_encoding_unknown"
