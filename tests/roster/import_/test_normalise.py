"""Quiet normalisation of cells, and what is never "repaired"."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.roster.rules.normalise import (
    ID_DAMAGED,
    NormaliseError,
    clean,
    display_text,
    norm_code,
    norm_id_number,
    norm_name,
    norm_phone,
    norm_sex,
    norm_text,
    parse_date,
)


@pytest.mark.parametrize(("value", "shown"), [
    (None, ""), ("  张三 ", "  张三 "), (2020001.0, "2020001"), (3, "3"), (2.5, "2.5"),
    (3.60102199001011e17, "3.60102E+17"), (360102199001011000.0, "3.60102E+17"), (4.4011320141005e16, "4.40113E+16"),
    (610104620927690.0, "610104620927690"), (date(1990, 1, 2), "1990-01-02"), (datetime(1990, 1, 2), "1990-01-02"),
    (datetime(1990, 1, 2, 8, 30), "1990-01-02 08:30:00"), (True, "TRUE"),
])
def test_display_text_is_what_excel_shows(value: object, shown: str) -> None:
    assert display_text(value) == shown


def test_clean_trims_every_kind_of_space_and_folds_full_width() -> None:
    assert clean("\u3000\xa0 ＡＢＣ１２３，\u200b\t") == "ABC123,"
    assert norm_text("  计算机学院\u3000") == "计算机学院"
    assert norm_text("   ") is None and norm_text(None) is None


@pytest.mark.parametrize(("raw", "name"), [
    ("张 三", "张三"), (" 王\u3000小明 ", "王小明"), ("李\xa0四", "李四"), ("欧阳\t娜娜", "欧阳娜娜"),
    ("阿卜杜拉•买买提", "阿卜杜拉·买买提"), ("阿依古丽・艾力", "阿依古丽·艾力"),
    ("JOHN  SMITH", "JOHN SMITH"),  # a Latin-script name (foreign student) keeps single spaces
    ("ＬＥＥ ＭＩＮ", "LEE MIN"), ("", None), (None, None),
])
def test_names_lose_every_inner_space(raw: object, name: str | None) -> None:
    assert norm_name(raw) == name


@pytest.mark.parametrize(("raw", "number"), [
    ("36042619910101007x", "36042619910101007X"), ("３６０４２６１９９１０１０１００７１", "360426199101010071"),
    (" 3604 2619 9101 0100 71 ", "360426199101010071"), ("'360426199101010071", "360426199101010071"),
    ('="360426199101010071"', "360426199101010071"), ("\t360426199101010071", "360426199101010071"),
    (610104620927690.0, "610104620927690"), ("610104620927690.0", "610104620927690"), ("m427772(a)", "M427772(A)"),
    ("", None), (None, None),
])
def test_id_numbers_are_normalised(raw: object, number: str | None) -> None:
    assert norm_id_number(raw) == number


@pytest.mark.parametrize("raw", [
    3.60102199001011e17, 360102199001011000.0, 4.4011320141005e16, "3.60102E+17", "3.60102199001011E+17",
    "360102199001011000.0", "3.60102e+17", "4.40113e16",
])
def test_id_numbers_excel_damaged_are_reported_not_repaired(raw: object) -> None:
    with pytest.raises(NormaliseError) as caught:
        norm_id_number(raw)
    assert caught.value.code == ID_DAMAGED
    assert caught.value.zh == "被 Excel 转成了科学计数法/数字，末尾数字已丢失，请把该列设为文本后重新填写"


@pytest.mark.parametrize(("raw", "code"), [
    (2020001.0, "2020001"), ("２０２０００１", "2020001"), (" 2020 001 ", "2020001"), ("2020001.0", "2020001"),
    (16360102150123.0, "16360102150123"), ("A2020-01", "A2020-01"), (None, None), ("  ", None),
])
def test_codes(raw: object, code: str | None) -> None:
    assert norm_code(raw) == code


def test_codes_damaged_by_excel() -> None:
    for raw in (1.63601021501234e18, "1.63601E+18"):
        with pytest.raises(NormaliseError) as caught:
            norm_code(raw)
        assert caught.value.code == "number_damaged_by_excel"


@pytest.mark.parametrize(("raw", "sex"), [
    ("男", "男"), ("女", "女"), (1, "男"), (2.0, "女"), ("1", "男"), ("２", "女"), ("男性", "男"), ("女性", "女"),
    ("M", "男"), ("f", "女"), (" Female ", "女"), ("", None), (None, None),
])
def test_sex(raw: object, sex: str | None) -> None:
    assert norm_sex(raw) == sex


def test_sex_unknown() -> None:
    with pytest.raises(NormaliseError) as caught:
        norm_sex("未知")
    assert caught.value.code == "sex_unknown" and "请填写 男 或 女" in caught.value.zh


@pytest.mark.parametrize(("raw", "expected"), [
    (date(1990, 1, 2), date(1990, 1, 2)), (datetime(1990, 1, 2, 0, 0), date(1990, 1, 2)),
    (32875, date(1990, 1, 2)), (32875.0, date(1990, 1, 2)), (32875.75, date(1990, 1, 2)),  # Excel serials
    (19900102, date(1990, 1, 2)), (19900102.0, date(1990, 1, 2)), ("19900102", date(1990, 1, 2)),
    ("1990-01-02", date(1990, 1, 2)), ("1990/1/2", date(1990, 1, 2)), ("1990.01.02", date(1990, 1, 2)),
    ("1990年1月2日", date(1990, 1, 2)), ("1990-1-2", date(1990, 1, 2)), ("1990-01-02 00:00:00", date(1990, 1, 2)),
    ("１９９０－０１－０２", date(1990, 1, 2)), (" 1990 年 1 月 2 日 ", date(1990, 1, 2)), ("32875", date(1990, 1, 2)),
])
def test_dates(raw: object, expected: date) -> None:
    assert parse_date(raw) == (expected, False)


@pytest.mark.parametrize("raw", ["202009", "2020-09", "2020.9", "2020年9月", 202009, 202009.0])
def test_month_only_dates(raw: object) -> None:
    assert parse_date(raw) == (date(2020, 9, 1), True)


@pytest.mark.parametrize(("raw", "code", "fragment"), [
    ("1990-02-30", "date_invalid", "1990 年 2 月没有 30 日"), ("19901301", "date_invalid", "没有 13 月"),
    ("0990-01-01", "date_invalid", "年份 990 不合理"), ("2020", "date_year_only", "只有年份"),
    (2020, "date_year_only", "只有年份"), ("明年", "date_unparseable", "请写成 19900101 或 1990-01-01"),
    ("01/02/1990", "date_unparseable", "无法识别为日期"), (True, "date_unparseable", "无法识别"),
])
def test_bad_dates(raw: object, code: str, fragment: str) -> None:
    with pytest.raises(NormaliseError) as caught:
        parse_date(raw)
    assert caught.value.code == code and fragment in caught.value.zh


def test_empty_dates() -> None:
    assert parse_date(None) is None and parse_date("  ") is None


@pytest.mark.parametrize(("raw", "phone"), [
    ("13812345678", "13812345678"), (13812345678.0, "13812345678"), ("+86 138-1234-5678", "13812345678"),
    ("0086 13812345678", "13812345678"), ("１３８１２３４５６７８", "13812345678"), ("", None),
])
def test_phones(raw: object, phone: str | None) -> None:
    assert norm_phone(raw) == phone


@pytest.mark.parametrize("raw", ["1381234567", "23812345678", "0791-88888888", "138123456789"])
def test_bad_phones(raw: str) -> None:
    with pytest.raises(NormaliseError) as caught:
        norm_phone(raw)
    assert caught.value.code == "phone_invalid"
