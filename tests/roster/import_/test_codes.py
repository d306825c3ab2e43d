"""Code tables: codes or names, the variants registrars type, and per-province overrides from JSON."""

from __future__ import annotations

import json

import pytest

from services.roster.rules.codes import DEFAULT, CodeTables


def test_ethnicity_by_code_or_name() -> None:
    assert DEFAULT.ethnicity("01") == ("01", "汉族")
    assert DEFAULT.ethnicity("1") == ("01", "汉族")  # zero-padded
    assert DEFAULT.ethnicity("1.0") == ("01", "汉族")  # a code Excel stored as a number
    assert DEFAULT.ethnicity("汉") == ("01", "汉族")
    assert DEFAULT.ethnicity(" 维吾尔族 ") == ("05", "维吾尔族")
    assert DEFAULT.ethnicity("５６") == ("56", "基诺族")
    assert DEFAULT.ethnicity("98") == ("98", "外国血统中国籍人士")
    assert DEFAULT.ethnicity("火星族") is None
    assert len(DEFAULT.ethnicities) == 58  # 56 + 其他 + 外国血统中国籍人士


def test_political_status() -> None:
    assert DEFAULT.political_status("团员") == ("03", "共青团员")
    assert DEFAULT.political_status("3") == ("03", "共青团员")
    assert DEFAULT.political_status("中国共产党党员") == ("01", "中共党员")
    assert DEFAULT.political_status("13") == ("13", "群众")
    assert DEFAULT.political_status("14") is None


@pytest.mark.parametrize(("text", "level"), [
    ("本科", "本科"), ("博士", "博士研究生"), ("硕士研究生", "硕士研究生"), ("专科（高职）", "专科"),
    ("专升本", "专升本"), ("05", "本科"), ("研究生", None), ("初中", None),
])
def test_levels(text: str, level: str | None) -> None:
    assert DEFAULT.level(text) == level


@pytest.mark.parametrize(("text", "years"), [
    ("4", "4"), ("4.0", "4"), ("四年", "4"), ("4年", "4"), ("2.5", "2.5"), ("两年半", "2.5"), ("3年半", "3.5"),
    ("1.5", "1.5"), ("9", None), ("四年级", None),
])
def test_durations(text: str, years: str | None) -> None:
    assert DEFAULT.duration(text) == years


def test_study_modes_and_document_types() -> None:
    assert DEFAULT.study_mode("全日制") == "全日制" and DEFAULT.study_mode("函授") == "函授"
    assert DEFAULT.study_mode("半工半读") is None
    assert DEFAULT.document_type("1").name == "居民身份证" and DEFAULT.document_type("身份证").mainland
    assert DEFAULT.document_type("A").name == "护照" and not DEFAULT.document_type("护照").mainland
    assert DEFAULT.document_type("台胞证").name == "台湾居民来往大陆通行证"
    assert DEFAULT.document_type("港澳居民来往内地通行证") is not None
    assert DEFAULT.document_type("港澳台居民居住证").check == "residence_permit"
    assert DEFAULT.document_type("外国人永久居留身份证") is not None
    assert DEFAULT.document_type("驾驶证") is None


def test_province_override_from_json_round_trips() -> None:
    stored = json.dumps({"levels": ["博士研究生", "硕士研究生"], "study_modes": ["全日制", "非全日制"]})
    tables = CodeTables.from_dict(json.loads(stored))
    assert tables.level("博士") == "博士研究生" and tables.level("本科") is None
    assert tables.study_mode("函授") is None and tables.study_mode("在职") == "非全日制"
    assert tables.ethnicity("汉族") == ("01", "汉族")  # untouched tables keep the national defaults
    again = CodeTables.from_dict(json.loads(json.dumps(tables.to_dict())))
    assert again.to_dict() == tables.to_dict()
    extended = CodeTables.from_dict({"durations": ["4", "9"],
                                     "ethnicities": {**DEFAULT.ethnicities, "99": "未识别民族"}})
    assert extended.duration("9") == "9" and extended.ethnicity("99") == ("99", "未识别民族")


def test_unknown_table_is_an_error() -> None:
    with pytest.raises(ValueError, match="levle"):
        CodeTables.from_dict({"levle": ["本科"]})
