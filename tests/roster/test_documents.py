"""Roster's documents as pure functions: the class lists and the reviewed list (xlsx, read back with openpyxl),
the make-up certificate (PDF, checked with poppler: embedded font, extractable text, the printed QR code) and
certificate numbers (the check letter)."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import segno
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from services.kernel import fonts as fonts_module
from services.roster.documents import (
    CjkFontMissing,
    ClassList,
    ClassListRow,
    MakeupCertificate,
    MissingGlyphs,
    ReviewedRow,
    SchoolContact,
    certificate_number_valid,
    certificate_qr,
    class_list_xlsx,
    find_cjk_font,
    makeup_certificate_pdf,
    new_certificate_number,
    normalize_certificate_number,
    parse_certificate_number,
    reviewed_list_xlsx,
)
from services.roster.documents import certificate as certificate_module
from services.roster.documents.numbers import CHECK_ALPHABET
from tests.support.infra import require

# ------------------------------------------------------------------------------------------ certificate numbers


def test_certificate_number_format_and_parts() -> None:
    number = new_certificate_number("10403", 2026, 123)
    assert re.fullmatch(r"BP-10403-2026-000123-[A-Z]", number)
    assert certificate_number_valid(number)
    parts = parse_certificate_number(number)
    assert parts is not None and (parts.school_code, parts.year, parts.sequence) == ("10403", 2026, 123)
    assert str(parts) == number


def test_certificate_numbers_are_unique_per_school_year_and_sequence() -> None:
    numbers = {new_certificate_number(school, year, seq)
               for school in ("10403", "10404", "14277") for year in (2025, 2026) for seq in range(1, 300)}
    assert len(numbers) == 3 * 2 * 299


@pytest.mark.parametrize("args", [("1040", 2026, 1), ("1040X", 2026, 1), ("１０４０３", 2026, 1), ("10403", 999, 1),
                                  ("10403", 2026, 0), ("10403", 2026, 1_000_000)])
def test_new_certificate_number_refuses_bad_parts(args: tuple[str, int, int]) -> None:
    with pytest.raises(ValueError):
        new_certificate_number(*args)


def _sample_numbers() -> list[str]:
    rng = random.Random(20261205)
    fixed = [new_certificate_number("10403", 2026, 123), new_certificate_number("99999", 9999, 999_999),
             new_certificate_number("10000", 2000, 1)]
    return fixed + [new_certificate_number(f"{rng.randrange(10000, 100000)}", rng.randrange(2000, 2100),
                                           rng.randrange(1, 1_000_000)) for _ in range(150)]


def test_check_character_catches_every_single_character_typo() -> None:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"
    for number in _sample_numbers():
        for i, original in enumerate(number):
            for typed in alphabet:
                if typed != original:
                    typo = number[:i] + typed + number[i + 1:]
                    assert not certificate_number_valid(typo), (number, typo)


def test_check_character_catches_every_swap_of_adjacent_characters() -> None:
    for number in _sample_numbers():
        for i in range(len(number) - 1):
            if number[i] != number[i + 1]:
                swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
                assert not certificate_number_valid(swapped), (number, swapped)


def test_check_letters_avoid_characters_that_read_as_digits() -> None:
    assert not set("IOQ") & set(CHECK_ALPHABET) and len(CHECK_ALPHABET) == 23
    letters = {new_certificate_number("10403", 2026, seq)[-1] for seq in range(1, 500)}
    assert letters == set(CHECK_ALPHABET)  # every letter is used


def test_numbers_as_people_type_them() -> None:
    number = new_certificate_number("10403", 2026, 123)
    compact = number.replace("-", "")
    full_width = number.translate(str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-",
                                                "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ－"))
    for typed in (number.lower(), f"  {number} ", compact, compact.lower(), full_width, number.replace("-", " - ")):
        assert normalize_certificate_number(typed) == number, typed
        assert certificate_number_valid(typed), typed
    for bad in ("", "BP", "BP-10403-2026-123-K", number + "X", number.replace("BP", "BQ"), "BP-1040-32026-000123-"
                + number[-1], "BP-10403-2026-000000-" + new_certificate_number("10403", 2026, 1)[-1]):
        assert not certificate_number_valid(bad), bad
    # Digits of other scripts are not digits here.
    assert not certificate_number_valid(number.replace("1", "١"))


# --------------------------------------------------------------------------------------------------- class list


def _row(order: int, name: str, *, major: str = "计算机科学与技术", id_number: str | None = None) -> ClassListRow:
    return ClassListRow(order=order, id_number_masked=id_number or f"3601**********{order:04d}", name=name, sex="男",
                        college="信息工程学院", major=major, class_no="2022001", level="硕士研究生")


def _class(rows: list[ClassListRow], *, class_no: str = "2022001", class_name: str = "计科2201班") -> ClassList:
    return ClassList(school_code="10403", school_name="南昌大学", college="信息工程学院", class_no=class_no,
                     class_name=class_name, rows=rows)


def _open(data: bytes):  # type: ignore[no-untyped-def]
    assert data[:2] == b"PK"
    return load_workbook(io.BytesIO(data))


def _values(ws: Worksheet, row: int) -> list[object]:
    return [c.value for c in ws[row]]


CLASS_HEADERS = ["序号", "身份证号", "姓名", "性别", "专业", "层次", "拍摄序号", "应缴费用(元)", "已缴", "签名"]


def test_class_list_is_one_sheet_per_class_in_roster_order_with_blank_columns_to_fill_in() -> None:
    first = _class([_row(3, "张三"), _row(1, "王明"), _row(2, "李四"), _row(4, "赵六")])
    second = _class([_row(1, "钱七", id_number="3601**********0101")], class_no="2022002", class_name="计科2202班")
    wb = _open(class_list_xlsx([first, second], fee_yuan=30))
    assert wb.sheetnames == ["2022001", "2022002"]
    ws = wb["2022001"]
    assert ws["A1"].value == "南昌大学 信息工程学院 计科2201班 图像采集名单"
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    assert "10403" in ws["A2"].value and "共 4 人" in ws["A2"].value
    assert _values(ws, 3) == CLASS_HEADERS
    body = [_values(ws, r) for r in range(4, 8)]
    assert [(v[0], v[2]) for v in body] == [(1, "王明"), (2, "李四"), (3, "张三"), (4, "赵六")]
    for values in body:
        assert values[1] == f"3601**********{values[0]:04d}" and isinstance(values[1], str)  # masked, as text
        assert values[3:6] == ["男", "计算机科学与技术", "硕士研究生"]
        assert values[6] is None and values[8] is None and values[9] is None  # 拍摄序号, 已缴, 签名: by hand
        assert values[7] == 30
    assert ws["B4"].number_format == "@" and ws["G4"].number_format == "@"
    assert ws["A8"].value == "合计 4 人" and ws["H8"].value == 120
    assert "摄影师签字" in ws["A9"].value and "班长签字" in ws["A9"].value
    assert ws.max_row == 9
    assert wb["2022002"]["A1"].value == "南昌大学 信息工程学院 计科2202班 图像采集名单"
    assert wb["2022002"]["A5"].value == "合计 1 人"


def test_class_list_without_a_fee_leaves_the_fee_column_blank() -> None:
    ws = _open(class_list_xlsx([_class([_row(1, "王明"), _row(2, "李四")])])).active
    assert ws["H4"].value is None and ws["H5"].value is None
    assert ws["A6"].value == "合计 2 人" and ws["H6"].value is None


def test_class_list_prints_on_a4_one_page_wide_with_repeated_headers_and_borders() -> None:
    ws = _open(class_list_xlsx([_class([_row(i, f"学生{i}") for i in range(1, 61)])], fee_yuan=15)).active
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$3"
    assert ws.print_area == "'2022001'!$A$1:$J$65"
    assert ws.print_options.horizontalCentered
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.freeze_panes == "A4"
    for row in ws.iter_rows(min_row=3, max_row=63):  # header and 60 students: a full grid
        for cell in row:
            assert all(getattr(cell.border, side).style == "thin" for side in ("left", "right", "top", "bottom")), \
                cell.coordinate
    total = ws[64]  # 合计: A–G merged, outlined
    assert all(c.border.top.style == c.border.bottom.style == "thin" for c in total)
    assert total[0].border.left.style == "thin" and total[-1].border.right.style == "thin"
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEFGHIJ"}
    assert widths["E"] >= 20 and widths["B"] >= 20 and widths["J"] >= 12  # 专业, masked ID number, room to sign
    assert sum(widths.values()) < 130  # fit-to-width stays readable (≥ 80 %) on A4 portrait
    assert all(ws.row_dimensions[r].height >= 24 for r in range(4, 64))  # room to write by hand


def test_class_list_rows_grow_for_long_majors_and_names() -> None:
    long_major = "计算机科学与技术（人工智能与大数据方向，专业学位）"
    ws = _open(class_list_xlsx([_class([_row(1, "王明"), _row(2, "李四", major=long_major),
                                        _row(3, "阿卜杜热合曼·买买提")])])).active
    assert ws["E5"].alignment.wrap_text and ws["C6"].alignment.wrap_text
    short, long_, long_name = (ws.row_dimensions[r].height for r in (4, 5, 6))
    assert long_ > short and long_name > short


def test_class_list_sheet_names_are_valid_and_unique() -> None:
    lists = [
        _class([_row(1, "王明")], class_no="2022001"),
        _class([_row(1, "李四")], class_no="2022001"),
        _class([_row(1, "张三")], class_no="", class_name="计算机科学与技术专业2022级硕士研究生一班（非全日制）"),
        _class([_row(1, "赵六")], class_no="a/b:c*d?[e]"),
        _class([_row(1, "钱七")], class_no="", class_name=""),
    ]
    names = _open(class_list_xlsx(lists)).sheetnames
    assert len(names) == 5 and len({n.lower() for n in names}) == 5
    assert names[:2] == ["2022001", "2022001(2)"]
    assert all(0 < len(n) <= 31 and not set(n) & set("\\/?*[]:") for n in names)
    assert names[2] == "计算机科学与技术专业2022级硕士研究生一班（非全日制）"[:31]


def test_spreadsheet_text_is_never_a_formula() -> None:
    """A roster value like =HYPERLINK(...) must print as text, not run as a formula in the registrar's Excel."""
    data = class_list_xlsx([_class([_row(1, '=HYPERLINK("http://x.example","点我")'), _row(2, "王\x07明")])])
    ws = _open(data).active
    assert ws["C4"].value == '\'=HYPERLINK("http://x.example","点我")' and ws["C4"].data_type == "s"
    assert ws["C5"].value == "王明"  # a control character Excel refuses is dropped, not fatal
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_class_list_with_no_classes_is_still_a_workbook() -> None:
    wb = _open(class_list_xlsx([]))
    assert len(wb.sheetnames) == 1 and wb.active["A1"].value


# ------------------------------------------------------------------------------------------------ reviewed list


def _reviewed(status: str, n: int, *, reason: str = "", decided_at: datetime | None = None) -> ReviewedRow:
    return ReviewedRow(student_no=f"40161220{n:02d}", name=f"学生{n}", sex="女", id_number_masked="3601**********123X",
                       college="信息工程学院", major="软件工程", level="硕士研究生", class_no="2022001",
                       status=status, reason=reason, decided_by="省审核员" if decided_at else "",
                       decided_at=decided_at)


def test_reviewed_list_summary_table_filter_and_rejected_rows_highlighted() -> None:
    decided = datetime(2026, 3, 31, 16, 5, tzinfo=UTC)  # 2026-04-01 00:05 in Beijing
    rows = [_reviewed("通过", 1, decided_at=decided), _reviewed("不通过", 2, reason="预计毕业时间不在本次采集范围",
                                                                  decided_at=decided),
            _reviewed("待审", 3), _reviewed("通过", 4, decided_at=datetime(2026, 4, 2, 1, 30)),
            _reviewed("不通过", 5, reason="身份证号与学籍不符", decided_at=decided)]
    data = reviewed_list_xlsx("10403", "南昌大学", "2026-06", rows, generated_at=decided)
    ws = _open(data).active
    assert ws["A1"].value == "南昌大学 2026-06 预计毕业生资格审查名单"
    assert "10403" in ws["A2"].value and "2026-04-01 00:05" in ws["A2"].value
    summary = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(5, 9)}
    assert summary == {"通过": 2, "不通过": 2, "待审": 1, "合计": 5}
    assert _values(ws, 10) == ["序号", "学号", "姓名", "性别", "身份证号", "学院", "专业", "层次", "班号",
                               "审查结果", "原因", "审查人", "审查时间"]
    table = [_values(ws, r) for r in range(11, 16)]
    assert [v[1] for v in table] == [r.student_no for r in rows]  # the order given
    assert [v[9] for v in table] == ["通过", "不通过", "待审", "通过", "不通过"]
    assert table[1][10] == "预计毕业时间不在本次采集范围" and table[1][11] == "省审核员"
    assert table[0][12] == "2026-04-01 00:05"
    assert table[3][12] == "2026-04-02 09:30"  # a naive time is UTC
    assert table[2][12] is None and table[2][11] is None  # not yet decided
    assert all(v[4] == "3601**********123X" for v in table)
    assert ws.auto_filter.ref == "A10:M15"
    for r, row in zip(range(11, 16), rows, strict=True):
        fills = {ws.cell(r, c).fill.fgColor.rgb for c in range(1, 14)}
        if row.status == "不通过":
            assert fills == {"00FFC7CE"}, r
            assert ws.cell(r, 10).font.color.rgb == "009C0006"
        else:
            assert ws.cell(r, 1).fill.fill_type is None, r
    assert ws["A6"].fill.fgColor.rgb == "00FFC7CE"  # the summary's 不通过 line matches the rows
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$10:$10" and ws.freeze_panes == "A11"


def test_reviewed_list_empty_and_unknown_status() -> None:
    ws = _open(reviewed_list_xlsx("10403", "南昌大学", "2026-06", [])).active
    assert ws["C8"].value == 0 and ws.auto_filter.ref == "A10:M10"
    with pytest.raises(ValueError, match="已通过"):
        reviewed_list_xlsx("10403", "南昌大学", "2026-06", [_reviewed("已通过", 1)])


# ---------------------------------------------------------------------------------------- make-up certificate


def _font() -> Path:
    try:
        return find_cjk_font()
    except CjkFontMissing:
        require(False, "the CJK TrueType font", "apt-get install -y fonts-wqy-microhei")
        raise


def _poppler() -> None:
    require(all(shutil.which(t) for t in ("pdffonts", "pdftotext", "pdftoppm", "pdfinfo")),
            "poppler-utils (pdffonts, pdftotext, pdftoppm)", "apt-get install -y poppler-utils")


NUMBER = new_certificate_number("10403", 2026, 123)
CERT = MakeupCertificate(
    number=NUMBER, verify_url=f"https://tucai.example.cn/api/roster/v1/certificates/{NUMBER}",
    issued_at=datetime(2026, 11, 20, 17, 30, tzinfo=UTC),  # 2026-11-21 01:30 in Beijing
    student_name="欧阳明珺", sex="女", id_number="36010219900101123X", school_code="10403",
    school_name="南昌大学", level="硕士研究生", campus="前湖校区",
    contact=SchoolContact(recipient="李老师", address="江西省南昌市红谷滩区学府大道999号 研究生院 <培养办&学位办>",
                          postcode="330031", phone="0791-83969999"),
    makeup_windows=["2026-12-05 08:30–11:30", "2026-12-05 14:30–17:30", "2026-12-12 08:30–11:30"],
    agency_name="新华社江西分社图像采集中心",
)


def _write(tmp_path: Path, cert: MakeupCertificate = CERT, name: str = "cert.pdf") -> Path:
    _font()
    _poppler()
    path = tmp_path / name
    path.write_bytes(makeup_certificate_pdf(cert))
    return path


def _run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def _pages(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", pdf), re.M)[1])  # type: ignore[index]


def test_certificate_embeds_its_chinese_font(tmp_path: Path) -> None:
    pdf = _write(tmp_path)
    lines = _run("pdffonts", pdf).splitlines()[2:]
    assert lines, "no fonts in the PDF"
    for line in lines:  # name type encoding emb sub uni object-id
        fields = line.split()
        assert (fields[-5], fields[-4]) == ("yes", "yes"), line  # emb, sub
        assert re.match(r"[A-Z]{6}\+", fields[0]), line  # a subset tag: only the glyphs used
        if not os.environ.get(fonts_module.ENV_VAR):
            assert "WenQuanYi" in fields[0], line
    assert _pages(pdf) == 1


def test_certificate_text_carries_every_field(tmp_path: Path) -> None:
    text = _run("pdftotext", "-layout", _write(tmp_path), "-")
    flat = re.sub(r"\s+", "", text)
    for expected in ("高等教育学历证书图像信息采集补拍证明", NUMBER, "姓名", "欧阳明珺", "性别", "女", "身份证号码",
                     "36010219900101123X", "院校代码", "10403", "院校名称", "南昌大学", "学历层次", "硕士研究生",
                     "所在校别", "前湖校区", "收件人", "李老师", "邮寄地址", "学府大道999号", "<培养办&学位办>",
                     "邮编", "330031", "联系电话", "0791-83969999", "新华社江西分社图像采集中心",
                     "2026-12-0508:30–11:30", "2026-12-0514:30–17:30", "2026-12-1208:30–11:30",
                     "本证明和本人居民身份证原件", "学校（盖章）", "开具日期：2026年11月21日", CERT.verify_url):
        assert re.sub(r"\s+", "", expected) in flat, expected
    info = _run("pdfinfo", tmp_path / "cert.pdf")
    assert "高等教育学历证书图像信息采集补拍证明" in info and CERT.id_number not in info  # metadata: no ID number


def test_certificate_without_campus_or_windows(tmp_path: Path) -> None:
    pdf = _write(tmp_path, replace(CERT, campus=None, makeup_windows=[]))
    flat = re.sub(r"\s+", "", _run("pdftotext", pdf, "-"))
    assert "所在校别—" in flat and "补拍时间由新华社江西分社图像采集中心另行通知" in flat


def test_a_long_address_and_many_windows_still_fit_one_page(tmp_path: Path) -> None:
    long_cert = replace(
        CERT, student_name="阿卜杜热合曼·买买提",
        contact=replace(CERT.contact, address="江西省南昌市红谷滩区学府大道999号南昌大学前湖校区研究生院学位与培养"
                                              "办公室（行政楼A座三楼312室），请注明“图像采集补拍”字样"),
        makeup_windows=[f"2027-0{m}-{d:02d} 08:30–11:30" for m in (1, 2, 3) for d in (1, 8, 15, 22)])
    pdf = _write(tmp_path, long_cert)
    assert _pages(pdf) == 1
    flat = re.sub(r"\s+", "", _run("pdftotext", pdf, "-"))
    assert "阿卜杜热合曼·买买提" in flat and "学校（盖章）" in flat and "2027-03-2208:30–11:30" in flat
    # Even more windows flow onto a second page that repeats the number.
    pdf = _write(tmp_path, replace(long_cert, makeup_windows=long_cert.makeup_windows * 3), "long.pdf")
    assert _pages(pdf) == 2
    second = _run("pdftotext", "-f", "2", "-l", "2", pdf, "-")
    assert NUMBER in second and "学校（盖章）" in second


def _read_pgm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert fields is not None and int(fields[3]) == 255
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[fields.end():fields.end() + width * height]


def test_the_printed_qr_code_is_the_code_of_the_verify_url(tmp_path: Path) -> None:
    """Scan the printed page: rasterise the QR box at 300 dpi, sample each module's centre and compare the
    result with segno's symbol for verify_url (no QR decoder is installed; segno's encoder is the reference)."""
    pdf = _write(tmp_path)
    dpi = 300
    px = dpi / 72
    left = round(certificate_module.QR_X * px)
    top = round((certificate_module.PAGE_H - certificate_module.QR_Y - certificate_module.QR_SIZE) * px)
    size = round(certificate_module.QR_SIZE * px)
    _run("pdftoppm", "-gray", "-r", str(dpi), "-x", str(left), "-y", str(top), "-W", str(size), "-H", str(size),
         pdf, tmp_path / "qr")
    width, height, pixels = _read_pgm(next(tmp_path.glob("qr*.pgm")))

    dark = [(x, y) for y in range(height) for x in range(width) if pixels[y * width + x] < 128]
    x0, x1 = min(x for x, _ in dark), max(x for x, _ in dark)
    y0, y1 = min(y for _, y in dark), max(y for _, y in dark)
    assert 4 < x0 and 4 < y0 and x1 < width - 5 and y1 < height - 5  # a quiet zone all round

    expected = segno.make_qr(CERT.verify_url, error="m")
    n = len(expected.matrix)
    assert abs((x1 - x0) - (y1 - y0)) <= 2
    module = (x1 - x0 + 1) / n
    assert module >= 6  # ≥ 6 px at 300 dpi (0.5 mm): easy for a phone camera
    scanned = [[1 if pixels[int(y0 + (r + 0.5) * module) * width + int(x0 + (c + 0.5) * module)] < 128 else 0
                for c in range(n)] for r in range(n)]
    assert scanned == [list(row) for row in expected.matrix]
    assert certificate_qr(CERT.verify_url).matrix == expected.matrix
    assert expected.error in ("M", "Q", "H")  # a fold or the seal's edge does not make it unreadable


def test_certificate_is_deterministic_and_escapes_markup() -> None:
    _font()
    assert makeup_certificate_pdf(CERT) == makeup_certificate_pdf(CERT)
    assert makeup_certificate_pdf(CERT) != makeup_certificate_pdf(replace(CERT, student_name="王明"))


def test_a_character_the_font_cannot_draw_is_refused_not_printed_blank() -> None:
    _font()
    with pytest.raises(MissingGlyphs) as caught:
        makeup_certificate_pdf(replace(CERT, student_name="刘䶮"))  # CJK Extension A
    assert caught.value.chars == "䶮" and caught.value.status == 422
    assert "䶮" in caught.value.zh and "TUCAI_CJK_FONT" in caught.value.zh


def test_find_cjk_font_honours_the_setting_and_names_the_package(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    font = _font()
    monkeypatch.setenv("TUCAI_CJK_FONT", str(font))
    assert find_cjk_font() == font
    assert makeup_certificate_pdf(CERT, font_path=font)[:5] == b"%PDF-"

    monkeypatch.setenv("TUCAI_CJK_FONT", str(tmp_path / "nope.ttf"))
    with pytest.raises(CjkFontMissing, match="TUCAI_CJK_FONT"):
        find_cjk_font()

    monkeypatch.delenv("TUCAI_CJK_FONT")
    monkeypatch.setattr(fonts_module, "CANDIDATES", (tmp_path / "a.ttc", tmp_path / "b.ttc"))
    with pytest.raises(CjkFontMissing, match="fonts-wqy-microhei") as caught:
        find_cjk_font()
    assert caught.value.status == 503 and caught.value.code == "cjk_font_missing"

    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"\x00\x01\x00\x00 definitely not a font")
    with pytest.raises(CjkFontMissing, match="TrueType"):
        makeup_certificate_pdf(CERT, font_path=not_a_font)
