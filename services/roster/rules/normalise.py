"""Quiet normalisation of roster cells, and the text a registrar sees in a cell.

Every function takes a raw cell value as read from the file (str, int, float, bool, date, datetime or None) and
returns the normalised value, None for an empty cell, or raises `NormaliseError` with a stable code and a Chinese
and English explanation. Explanations are fragments that follow the field's name: the caller writes
`f"{label}{error.zh}"`, e.g. "出生日期" + "“1990-02-30”不是有效日期".

What is normalised quietly: surrounding spaces, full-width digits/letters/punctuation, spaces inside names, a final
lower-case x, sex codes, date formats, code/name of 民族 and 政治面貌. What is never "repaired": a number Excel
already damaged (an 18-digit ID number stored as a float keeps only 15 significant digits).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

# ---- characters ------------------------------------------------------------------------------------------------

_HALFWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_STRIP = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "".join(
    chr(c) for c in (0x2028, 0x2029, 0x202F, 0x205F, 0x3000)) + _ZERO_WIDTH
_DELETE_ZERO_WIDTH = dict.fromkeys(map(ord, _ZERO_WIDTH))
# The separator in names of some ethnic minorities is "·" (U+00B7) on the ID card; registrars type look-alikes.
_NAME_CHARS = _HALFWIDTH | _DELETE_ZERO_WIDTH | dict.fromkeys(map(ord, "•・･‧∙⋅"), "·")


class NormaliseError(ValueError):
    """A cell that cannot be normalised. `zh`/`en` follow the field's name ("出生日期" + zh)."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en


def halfwidth(text: str) -> str:
    """Full-width ASCII (Ａ１，) and the ideographic space to their half-width forms."""
    return text.translate(_HALFWIDTH)


def clean(text: str) -> str:
    """Half-width, then trimmed of every kind of space (incl. U+3000, NBSP and zero-width characters)."""
    return text.translate(_HALFWIDTH).strip(_STRIP)


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip(_STRIP)
    return False


# ---- what the registrar sees -----------------------------------------------------------------------------------

def display_text(value: object) -> str:
    """The cell's text as Excel shows it: whole numbers without ".0", 18-digit numbers as Excel's 3.60102E+17."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time(0) else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _float_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if abs(value) >= 1e11:
        # Excel's General format in a default-width column: six significant digits, e.g. 3.60102E+17
        mantissa, exponent = f"{value:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return f"{value:.15g}"


# ---- generic text and codes ------------------------------------------------------------------------------------

def norm_text(value: object) -> str | None:
    """Free text (专业名称, 学院, 班级名称, …): trimmed and half-width; None when empty."""
    if value is None:
        return None
    text = clean(value if isinstance(value, str) else display_text(value))
    return text or None


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+")
_WHOLE_FLOAT = re.compile(r"(\d+)\.0+")
_DECIMAL = re.compile(r"\d+\.\d+")


def _unwrap(text: str) -> str:
    """Tricks that keep long numbers as text in CSV files: ="0123", a leading ' or a leading tab."""
    text = clean(text)
    if len(text) >= 3 and text.startswith('="') and text.endswith('"'):
        text = clean(text[2:-1])
    return text.lstrip("'`").strip(_STRIP)


def norm_code(value: object) -> str | None:
    """Identifiers kept as text (学号, 考生号, 专业代码, 班号, 院校代码): no spaces at all, half-width.

    A whole number Excel stored below 10^15 is exact and written back without ".0"; a larger one has lost digits.
    """
    if value.__class__ is str and value.isascii() and value.isdigit():
        return value  # the common case: digits typed as text
    if value is None:
        return None
    if isinstance(value, bool):
        raise NormaliseError("value_not_text", f"是逻辑值 {display_text(value)}，请填写文本",
                             f"is the logical value {display_text(value)}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if abs(value) >= 1e15:
            raise _damaged_number(display_text(value))
        return _float_text(value)
    if isinstance(value, date | datetime):
        raise NormaliseError("value_is_date", f"是日期 {display_text(value)}，不是编号；请把该列设为文本后重新填写",
                             f"is the date {display_text(value)}, not a code: format the column as text")
    text = "".join(_unwrap(str(value)).split()).translate(_DELETE_ZERO_WIDTH)
    if not text:
        return None
    if _SCIENTIFIC.fullmatch(text):
        raise _damaged_number(text)
    whole = _WHOLE_FLOAT.fullmatch(text)
    if whole and len(whole.group(1)) < 16:
        return whole.group(1)  # "2020001.0": a whole number written out by a program, exact below 10^15
    return text


def _damaged_number(text: str) -> NormaliseError:
    return NormaliseError(
        "number_damaged_by_excel",
        f"被 Excel 转成了数字（{text}），末尾数字已丢失，请把该列设为文本后重新填写",
        f"was turned into a number by Excel ({text}) and its last digits are lost; format the column as text "
        "and type it again")


# ---- ID numbers -----------------------------------------------------------------------------------------------

ID_DAMAGED = "id_number_damaged_by_excel"
_ID_DAMAGED_ZH = "被 Excel 转成了科学计数法/数字，末尾数字已丢失，请把该列设为文本后重新填写"
_ID_DAMAGED_EN = ("was turned into scientific notation/a number by Excel and its last digits are lost; format the "
                  "column as text and type the number again")


def id_damaged(shown: str) -> NormaliseError:
    """The cell shows `shown` (e.g. 3.60102E+17): the message is the same for every such cell."""
    return NormaliseError(ID_DAMAGED, _ID_DAMAGED_ZH, f"{_ID_DAMAGED_EN} (the cell shows {shown})")


def norm_id_number(value: object) -> str | None:
    """Document number: no spaces, half-width, upper case (a final x becomes X). Damaged numbers raise.

    Damaged: a float of 16 digits or more (Excel keeps 15 significant digits), or the text of one
    ("3.60102E+17", "360102199001011000.0"). A whole float below 10^15 is exact (a 15-digit legacy number).
    """
    if value.__class__ is str and len(value) == 18 and value.isascii() and value[:17].isdigit() and (
            value[17].isdigit() or value[17] == "X"):
        return value  # the common case: a well-formed number typed as text
    if value is None:
        return None
    if isinstance(value, bool):
        raise NormaliseError("id_number_format", f"是逻辑值 {display_text(value)}，不是证件号码",
                             f"is the logical value {display_text(value)}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and 0 <= value < 1e15:
            return str(int(value))
        raise id_damaged(display_text(value))
    if isinstance(value, date | datetime):
        raise NormaliseError("id_number_format", f"是日期 {display_text(value)}，不是证件号码",
                             f"is the date {display_text(value)}, not a document number")
    text = "".join(_unwrap(str(value)).split()).translate(_DELETE_ZERO_WIDTH).upper()
    if not text:
        return None
    if _SCIENTIFIC.fullmatch(text):
        raise id_damaged(text)
    if _DECIMAL.fullmatch(text):
        whole = _WHOLE_FLOAT.fullmatch(text)
        if whole and len(whole.group(1)) <= 15:
            return whole.group(1)
        raise id_damaged(text)
    return text


def looks_truncated_by_excel(number: str) -> bool:
    """18 digits ending in 000 that fail the checksum: typically Excel's 15 significant digits, copied as text."""
    return len(number) == 18 and number.isdigit() and number.endswith("000")


# ---- names ----------------------------------------------------------------------------------------------------

def norm_name(value: object) -> str | None:
    """All spaces removed (incl. U+3000, NBSP); a Latin-script name (a foreign student) keeps single spaces."""
    if value is None:
        return None
    text = (value if isinstance(value, str) else display_text(value)).translate(_NAME_CHARS)
    if text.isalpha():
        return text  # the common case: no spaces, no separators
    parts = text.split()
    if not parts:
        return None
    if all(part.isascii() for part in parts):
        return " ".join(parts)
    return "".join(parts)


# ---- sex ------------------------------------------------------------------------------------------------------

_SEX = {"男": "男", "男性": "男", "男生": "男", "1": "男", "m": "男", "male": "男",
        "女": "女", "女性": "女", "女生": "女", "2": "女", "f": "女", "female": "女"}


def norm_sex(value: object) -> str | None:
    """男/女, also GB/T 2261.1 codes 1/2, 男性/女性, M/F."""
    if value is None:
        return None
    text = "".join(clean(display_text(value)).split()).casefold()
    if not text:
        return None
    sex = _SEX.get(text)
    if sex is None:
        raise NormaliseError("sex_unknown",
                             f"“{clean(display_text(value))}”无法识别：请填写 男 或 女（也可填 1=男、2=女）",
                             f"{display_text(value)!r} is not recognised: use 男 or 女 (or 1 = male, 2 = female)")
    return sex


# ---- dates ----------------------------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 date system, past its 1900-02-29 bug)
_YMD = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*T?\s*\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?")
_YM = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_MIN_YEAR, _MAX_YEAR = 1900, 2100


def parse_date(value: object) -> tuple[date, bool] | None:
    """(date, month_only). Excel date cells, Excel serial numbers, yyyymmdd, yyyy-mm-dd, yyyy/m/d, yyyy.mm.dd,
    yyyy年m月d日 (a time of day is ignored). yyyymm / yyyy-mm / yyyy年m月 give the 1st with month_only=True;
    the caller decides whether a month is enough (入学日期) or not (出生日期)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _checked(value.year, value.month, value.day, display_text(value)), False
    if isinstance(value, date):
        return _checked(value.year, value.month, value.day, display_text(value)), False
    if isinstance(value, bool):
        raise _unparseable(display_text(value))
    if isinstance(value, int | float):
        if value != value or not float(value).is_integer():
            if isinstance(value, float) and 1 <= value < 2958466:
                return _serial(int(value), display_text(value)), False  # a date-time serial: the whole part
            raise _unparseable(display_text(value))
        return _from_digits(str(int(value)), display_text(value), serial_ok=True)
    text = "".join(clean(str(value)).split())
    if not text:
        return None
    if text.isdigit():
        return _from_digits(text, text, serial_ok=len(text) == 5)
    whole = _WHOLE_FLOAT.fullmatch(text)
    if whole:
        return _from_digits(whole.group(1), text, serial_ok=len(whole.group(1)) == 5)
    match = _YMD.fullmatch(text)
    if match:
        return _checked(int(match[1]), int(match[2]), int(match[3]), text), False
    match = _YM.fullmatch(text)
    if match:
        return _checked(int(match[1]), int(match[2]), 1, text), True
    raise _unparseable(text)


def _from_digits(digits: str, shown: str, *, serial_ok: bool) -> tuple[date, bool]:
    if len(digits) == 8:
        return _checked(int(digits[:4]), int(digits[4:6]), int(digits[6:]), shown), False
    if len(digits) == 6 and digits[:2] in ("19", "20", "21"):
        return _checked(int(digits[:4]), int(digits[4:]), 1, shown), True
    if len(digits) == 4 and _MIN_YEAR <= int(digits) <= _MAX_YEAR:
        raise NormaliseError("date_year_only", f"“{shown}”只有年份，请写完整日期，如 {digits}0901",
                             f"{shown!r} is only a year: write a full date, e.g. {digits}0901")
    if serial_ok and 1 <= int(digits) < 2958466:
        return _serial(int(digits), shown), False
    raise _unparseable(shown)


def _serial(days: int, shown: str) -> date:
    day = _EXCEL_EPOCH + timedelta(days=days)
    return _checked(day.year, day.month, day.day, shown)


def _checked(year: int, month: int, day: int, shown: str) -> date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise NormaliseError("date_invalid", f"“{shown}”的年份 {year} 不合理，请核对",
                             f"{shown!r}: the year {year} is out of range")
    try:
        return date(year, month, day)
    except ValueError:
        raise NormaliseError("date_invalid", f"“{shown}”不是有效日期（{year} 年 {month} 月没有 {day} 日），请核对"
                             if 1 <= month <= 12 else f"“{shown}”不是有效日期（没有 {month} 月），请核对",
                             f"{shown!r} is not a real date") from None


def _unparseable(shown: str) -> NormaliseError:
    return NormaliseError("date_unparseable", f"“{shown}”无法识别为日期，请写成 19900101 或 1990-01-01 这样的格式",
                          f"{shown!r} is not a date: write it as 19900101 or 1990-01-01")


# ---- phone ----------------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")


def norm_phone(value: object) -> str | None:
    """An 11-digit mainland mobile number; "+86 138-1234-5678" and 13812345678.0 are accepted."""
    if value is None:
        return None
    shown = clean(display_text(value))
    digits = "".join(ch for ch in shown if ch not in " -()（）+\t")
    if not digits:
        return None
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix):]
    if not _MOBILE.fullmatch(digits):
        raise NormaliseError("phone_invalid",
                             f"“{shown}”不是 11 位手机号码，已忽略该值（学生将收不到短信通知），请核对",
                             f"{shown!r} is not an 11-digit mainland mobile number; the value was ignored")
    return digits


__all__ = [
    "ID_DAMAGED", "NormaliseError", "clean", "display_text", "halfwidth", "id_damaged", "is_blank",
    "looks_truncated_by_excel", "norm_code", "norm_id_number", "norm_name", "norm_phone", "norm_sex", "norm_text",
    "parse_date",
]
