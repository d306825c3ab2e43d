"""Chinese resident ID numbers (GB 11643-1999 公民身份号码), research/domain.md §6 and §9.2.

18 characters: 6-digit address code (GB/T 2260), birth date YYYYMMDD, 3-digit sequence (odd = male), and an
ISO 7064 MOD 11-2 check character. The 15-digit first-generation format (GB 11643-1989) has a YYMMDD birth date and
no check character: it is recognised and its 18-digit upgrade offered, never applied silently.

`check_id(number, today=...)` returns an `IdCheck`: the facts read from the number, or the first problem found as a
stable code with a Chinese and an English explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # indexed by (Σ digit × weight) mod 11
CHECK_CHARS_BY_VALUE = "0123456789X"  # the check value (1 - 2·Σ) mod 11 as a character

PROVINCES = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东", "41": "河南",
    "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南", "50": "重庆", "51": "四川", "52": "贵州",
    "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆", "71": "台湾",
    "81": "香港", "82": "澳门", "83": "台湾",  # 81/82/83: residence permits of Hong Kong, Macao, Taiwan residents
}
RESIDENCE_PERMIT_PROVINCES = frozenset({"81", "82", "83"})

# Problem codes (stable: the API and the annotated workbook use them)
ID_FORMAT = "id_number_format"
ID_REGION = "id_number_region"
ID_BIRTH_DATE = "id_number_birth_date"
ID_BIRTH_FUTURE = "id_number_birth_date_future"
ID_CHECKSUM = "id_number_checksum"
ID_LEGACY_15 = "id_number_legacy_15"  # a warning: the number is well formed, but first-generation

_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class IdCheck:
    number: str
    code: str | None = None  # None: valid; ID_LEGACY_15: valid 15-digit (a warning); else the problem
    zh: str = ""
    en: str = ""
    birth_date: date | None = None
    sex: str | None = None  # "男" / "女"
    province: str | None = None  # two-digit code
    upgraded: str | None = None  # the 18-digit form of a 15-digit number

    @property
    def ok(self) -> bool:
        """Usable: valid 18-digit, or a well-formed legacy 15-digit number (flagged, not rejected)."""
        return self.code is None or self.code == ID_LEGACY_15

    @property
    def legacy(self) -> bool:
        return self.code == ID_LEGACY_15


def check_digit(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits.

    The weights are 2^(17-i) mod 11 and 13 ≡ 2 (mod 11), so Σ digit × weight ≡ 2·int(first17, 13); the check value
    makes the total over all 18 characters ≡ 1 (mod 11). One C-level conversion (python-stdnum's formula)."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError(f"not 17 digits: {first17!r}")
    return CHECK_CHARS_BY_VALUE[(1 - 2 * int(first17, 13)) % 11]


def upgrade_15(number: str) -> str:
    """`610104620927690` -> `610104196209276908`: insert "19" before the year and append the check character."""
    if len(number) != 15 or not set(number) <= _DIGITS:
        raise ValueError(f"not a 15-digit ID number: {number!r}")
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_digit(first17)


def is_valid(number: str, *, today: date | None = None) -> bool:
    """True for a valid 18-digit number (a legacy 15-digit number is not "valid", it is flagged)."""
    return check_id(number, today=today or date.today()).code is None


def _birth(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def check_id(number: str, *, today: date, residence_permit: bool = False) -> IdCheck:
    """Check a normalised number (trimmed, half-width, upper-case X). `residence_permit`: a 港澳台居民居住证."""
    n = len(number)
    if n == 15 and set(number) <= _DIGITS and not residence_permit:
        return _check_15(number, today)
    if n != 18 or not set(number[:17]) <= _DIGITS or number[17] not in "0123456789X":
        bad = next((ch for ch in number if ch not in "0123456789X"), None)
        if n in (15, 18) and bad is None:
            zh, en = "中 X 只能出现在最后一位", "X may only be the last character"
        elif n in (15, 18):
            zh = f"含有不允许的字符“{bad}”：身份证号只能是数字，最后一位可以是 X"
            en = f"contains {bad!r}: only digits, with X allowed as the last character"
        elif set(number) <= _DIGITS | {"X"}:
            zh = f"应为 18 位，现为 {n} 位，请核对是否多输或漏输了数字"
            en = f"must have 18 characters, has {n}"
        else:
            zh = (f"“{number}”不是居民身份证号：应为 18 位数字（最后一位可以是 X）；"
                  "如为港澳台或外籍证件，请填写证件类型列")
            en = "not a resident ID number (18 digits, last may be X); for other documents fill in the document type"
        return IdCheck(number, ID_FORMAT, zh, en)
    province = number[:2]
    if residence_permit:
        if province not in RESIDENCE_PERMIT_PROVINCES:
            return IdCheck(number, ID_REGION, f"应以 81、82 或 83 开头（港澳台居民居住证），现为 {province}",
                           f"a residence permit number starts with 81, 82 or 83, not {province}")
    elif province not in PROVINCES:
        return IdCheck(number, ID_REGION, f"前两位 {province} 不是有效的省级行政区代码，请核对",
                       f"the first two digits {province} are not a province code")
    born = _birth(number[6:14])
    if born is None:
        return IdCheck(number, ID_BIRTH_DATE, f"中的出生日期 {number[6:14]} 不是有效日期，请核对第 7–14 位",
                       f"the birth date {number[6:14]} (digits 7-14) is not a real date")
    if born > today:
        return IdCheck(number, ID_BIRTH_FUTURE, f"中的出生日期 {number[6:14]} 晚于今天，请核对第 7–14 位",
                       f"the birth date {number[6:14]} (digits 7-14) is in the future")
    expected = check_digit(number[:17])
    if number[17] != expected:
        return IdCheck(number, ID_CHECKSUM,
                       f"校验位错误：按前 17 位计算最后一位应为 {expected}，实际为 {number[17]}；请对照证件逐位核对",
                       f"check character is wrong: the first 17 digits give {expected}, not {number[17]}")
    sex = "男" if (ord(number[16]) - 48) % 2 else "女"
    return IdCheck(number, None, birth_date=born, sex=sex, province=province)


def _check_15(number: str, today: date) -> IdCheck:
    province = number[:2]
    if province not in PROVINCES:
        return IdCheck(number, ID_REGION, f"前两位 {province} 不是有效的省级行政区代码，请核对",
                       f"the first two digits {province} are not a province code")
    born = _birth("19" + number[6:12])
    if born is None:
        return IdCheck(number, ID_BIRTH_DATE, f"（15 位旧号码）中的出生日期 19{number[6:12]} 不是有效日期",
                       f"the birth date 19{number[6:12]} of this 15-digit number is not a real date")
    if born > today:
        return IdCheck(number, ID_BIRTH_FUTURE, f"（15 位旧号码）中的出生日期 19{number[6:12]} 晚于今天",
                       f"the birth date 19{number[6:12]} of this 15-digit number is in the future")
    upgraded = upgrade_15(number)
    sex = "男" if (ord(number[14]) - 48) % 2 else "女"
    return IdCheck(
        number, ID_LEGACY_15,
        f"是 15 位旧号码，对应的 18 位号码为 {upgraded}；请核实学生现用的 18 位身份证号后更正（系统未自动改写）",
        f"is a 15-digit first-generation number; its 18-digit form is {upgraded}. Check the student's current "
        "number and correct it (it was not rewritten)",
        birth_date=born, sex=sex, province=province, upgraded=upgraded)


def mask(number: str) -> str:
    """3601**********123X: the first four and last four characters."""
    return number[:4] + "*" * max(len(number) - 8, 0) + number[-4:] if len(number) > 8 else "*" * len(number)
