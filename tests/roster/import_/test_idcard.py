"""GB 11643 ID numbers: every sample number of research/domain.md §6, valid and invalid, and the 15-digit upgrade."""

from __future__ import annotations

from datetime import date

import pytest

from services.roster.rules import idcard
from services.roster.rules.idcard import check_digit, check_id, is_valid, mask, upgrade_15

TODAY = date(2026, 5, 1)

VALID = [
    ("11010519491231002X", date(1949, 12, 31), "女", "11"),  # the standard's own example
    ("440524188001010014", date(1880, 1, 1), "男", "44"),  # the standard's own example
    ("360426199101010071", date(1991, 1, 1), "男", "36"),  # stdnum
    ("44011320141005001X", date(2014, 10, 5), "男", "44"),  # stdnum
    ("110101199003078670", date(1990, 3, 7), "男", "11"),  # jxlwqq
    ("440308199901101512", date(1999, 1, 10), "男", "44"),  # jxlwqq
    ("500154199804106120", date(1998, 4, 10), "女", "50"),  # jxlwqq
    ("430302199312194239", date(1993, 12, 19), "男", "43"),  # jxlwqq
]

INVALID = [
    ("36042619910102009X", idcard.ID_CHECKSUM),
    ("440308199901101513", idcard.ID_CHECKSUM),
    ("11010119900307867X", idcard.ID_CHECKSUM),
    ("440308199902301512", idcard.ID_BIRTH_DATE),  # Feb 30
    ("360426199113010079", idcard.ID_BIRTH_DATE),  # month 13
    ("111111199901101512", idcard.ID_CHECKSUM),  # listed for its region 1111 (no such prefecture); the province
    # 11 exists and county codes are not checked (§9.2: warn only), so the check digit is what rejects it
    ("990426199112010074", idcard.ID_REGION),
]


@pytest.mark.parametrize(("number", "born", "sex", "province"), VALID)
def test_valid_sample_numbers(number: str, born: date, sex: str, province: str) -> None:
    result = check_id(number, today=TODAY)
    assert (result.code, result.ok, result.birth_date, result.sex, result.province) == (None, True, born, sex, province)
    assert is_valid(number, today=TODAY)
    assert check_digit(number[:17]) == number[17]


@pytest.mark.parametrize(("number", "code"), INVALID)
def test_invalid_sample_numbers(number: str, code: str) -> None:
    result = check_id(number, today=TODAY)
    assert result.code == code and not result.ok and result.birth_date is None
    assert not is_valid(number, today=TODAY)
    assert result.zh and result.en


def test_checksum_message_names_the_expected_character() -> None:
    result = check_id("36042619910102009X", today=TODAY)
    assert result.zh == "校验位错误：按前 17 位计算最后一位应为 3，实际为 X；请对照证件逐位核对"


def test_birth_date_in_the_future_is_refused() -> None:
    first17 = "36010220270101001"
    number = first17 + check_digit(first17)
    assert check_id(number, today=TODAY).code == idcard.ID_BIRTH_FUTURE
    assert check_id(number, today=date(2027, 1, 1)).code is None  # the clock is a parameter


def test_fifteen_digit_numbers_are_flagged_with_the_upgrade_never_rewritten() -> None:
    assert upgrade_15("610104620927690") == "610104196209276908"
    result = check_id("610104620927690", today=TODAY)
    assert result.code == idcard.ID_LEGACY_15 and result.ok and result.legacy
    assert result.number == "610104620927690" and result.upgraded == "610104196209276908"
    assert (result.birth_date, result.sex) == (date(1962, 9, 27), "女")  # last digit 0: even, female
    assert "610104196209276908" in result.zh and "未自动改写" in result.zh
    assert not is_valid("610104620927690", today=TODAY)  # flagged, not "valid"
    assert check_id("990104620927690", today=TODAY).code == idcard.ID_REGION
    assert check_id("610104621327690", today=TODAY).code == idcard.ID_BIRTH_DATE
    with pytest.raises(ValueError):
        upgrade_15("61010462092769X")


@pytest.mark.parametrize(("number", "fragment"), [
    ("36042619910101007", "应为 18 位，现为 17 位"),
    ("3604261991010100711", "应为 18 位，现为 19 位"),
    ("3604261991X1010071", "X 只能出现在最后一位"),
    ("36042619910101007Y", "不允许的字符“Y”"),
    ("M427772(A)", "不是居民身份证号"),
    ("F229619072", "不是居民身份证号"),
])
def test_malformed_numbers_say_what_is_wrong(number: str, fragment: str) -> None:
    result = check_id(number, today=TODAY)
    assert result.code == idcard.ID_FORMAT and fragment in result.zh


def test_residence_permits_of_hong_kong_macao_taiwan_residents() -> None:
    for number in ("810000199408230021", "830000199201300022"):
        assert check_id(number, today=TODAY).code is None
        assert check_id(number, today=TODAY, residence_permit=True).code is None
    assert check_id("360426199101010071", today=TODAY, residence_permit=True).code == idcard.ID_REGION


def test_mask() -> None:
    assert mask("36042619910101007X") == "3604**********007X"
    assert mask("1234") == "****"
