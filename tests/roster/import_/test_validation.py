"""Validation of rosters as registrars produce them: every bad cell reported at its Excel row and column with a
specific Chinese message; every good row accepted, normalised."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.roster.imports.rosterfile import read_roster
from services.roster.imports.validation import ExistingStudents, Issue, ValidationReport, validate_roster
from services.roster.rules.codes import CodeTables
from tests.roster.import_.people import (
    COL,
    HEADERS,
    Person,
    check_digit,
    csv_bytes,
    make_id,
    people,
    xls_bytes,
    xlsx_bytes,
)

TODAY = date(2026, 5, 1)
SCHOOL = "10403"
EXTRA = ["证件类型", "手机号"]
ALL = HEADERS + EXTRA
TITLE = "南昌大学2026届毕业生图像采集名单"


def row(p: Person, **changes: object) -> list[object]:
    cells = p.row(SCHOOL) + ["居民身份证", f"138{p.n:08d}"]
    for header, value in changes.items():
        cells[ALL.index(header)] = value
    return cells


def issues_of(report: ValidationReport) -> list[tuple[int | None, str | None, str, str]]:
    return [(i.row, i.column, i.code, i.severity) for i in report.issues]


def validate(data: bytes, name: str = "名单.xlsx", **kw: object) -> ValidationReport:
    return validate_roster(read_roster(data, name), school_code=SCHOOL, today=TODAY, **kw)  # type: ignore[arg-type]


def id_ending(born: date, male: bool, x: bool) -> str:
    """A synthetic ID number that ends (or not) in X."""
    for seq in range(1000):
        number = make_id(born, male, "360102", seq)
        if number.endswith("X") == x:
            return number
    raise AssertionError("no such number")


def test_a_messy_real_world_roster() -> None:
    ps = people(20)
    x_id = id_ending(ps[2].born, ps[2].male, x=True)
    digits_id = id_ending(ps[1].born, ps[1].male, x=False)  # Excel only turns all-digit numbers into floats
    legacy = Person(**{**ps[11].__dict__, "id_number": "610104620927690", "born": date(1962, 9, 27), "male": False})
    wrong_check = ps[3].id_number[:17] + ("7" if ps[3].id_number[17] != "7" else "8")
    truncated = ps[18].id_number[:15] + "000"
    if check_digit(truncated[:17]) == "0":  # pragma: no cover - make sure the 000 ending fails the checksum
        truncated = ps[18].id_number[:14] + "1000"
    rows = [
        row(ps[0]),  # 3: clean
        row(ps[1], 身份证号=float(digits_id)),  # 4: Excel turned the ID into 3.60102E+17
        row(ps[2], 学号=ps[2].student_no.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),  # 5: accepted
            姓名=f" {ps[2].name[0]} {ps[2].name[1:]}\u3000", 身份证号=x_id.lower(), 性别="1" if ps[2].male else "2",
            出生日期=datetime.combine(ps[2].born, datetime.min.time()), 入学日期=44805.0, 民族="1", 政治面貌="03",
            学制=4.0, 专业代码=float(ps[2].major_code) if ps[2].major_code.isdigit() else ps[2].major_code),
        row(ps[3], 身份证号=wrong_check),  # 6
        row(ps[4], 出生日期="2003-01-02", 身份证号=make_id(date(2003, 1, 1), ps[4].male)),  # 7
        row(ps[5], 性别="女" if ps[5].male else "男"),  # 8
        row(ps[6], 学号=ps[7].student_no),  # 9: duplicate 学号 with row 10
        row(ps[7]),  # 10
        row(ps[8], 身份证号=ps[9].id_number, 性别=ps[9].sex, 出生日期=ps[9].born.strftime("%Y%m%d")),  # 11: dup ID
        row(ps[9]),  # 12
        row(legacy),  # 13: 15-digit, accepted with a warning
        row(ps[12], 证件类型="护照", 身份证号="e12345678", 出生日期="2003-05-06"),  # 14: passport, accepted
        row(ps[13], 院校代码="10404"),  # 15
        row(ps[14], 层次="研究生", 学制="9", 学习形式="半工半读", 民族="火星族", 政治面貌="会员"),  # 16
        row(ps[15], 入学日期="2026-09-01", 预计毕业日期="2026-06-30"),  # 17
        row(ps[16], 姓名="", 性别=None),  # 18
        row(ps[17], 手机号="1381234"),  # 19: warning only
        row(ps[18], 身份证号=truncated),  # 20
        row(ps[19], 出生日期="2030-01-01"),  # 21
    ]
    report = validate(xlsx_bytes(rows, ALL, title=TITLE))
    x, y = ps[2].name[0], ps[2].name[1:]
    assert issues_of(report) == [
        (4, "身份证号", "id_number_damaged_by_excel", "error"),
        (5, "专业代码", "major_code_zero_padded", "warning"),
        (6, "身份证号", "id_number_checksum", "error"),
        (7, "出生日期", "birth_date_id_mismatch", "error"),
        (8, "性别", "sex_id_mismatch", "error"),
        (9, "学号", "duplicate_student_no", "error"),
        (10, "学号", "duplicate_student_no", "error"),
        (11, "身份证号", "duplicate_id_number", "error"),
        (12, "身份证号", "duplicate_id_number", "error"),
        (13, "身份证号", "id_number_legacy_15", "warning"),
        (15, "院校代码", "school_code_mismatch", "error"),
        (16, "民族", "ethnicity_unknown", "error"),
        (16, "政治面貌", "political_unknown", "error"),
        (16, "层次", "level_unknown", "error"),
        (16, "学制", "duration_unknown", "error"),
        (16, "学习形式", "study_mode_unknown", "error"),
        (17, "预计毕业日期", "entry_after_graduation", "error"),
        (18, "姓名", "required_missing", "error"),
        (18, "性别", "sex_from_id", "warning"),
        (19, "手机号", "phone_invalid", "warning"),
        (20, "身份证号", "id_number_damaged_by_excel", "error"),
        (21, "出生日期", "birth_date_future", "error"),
    ]
    messages = {(i.row, i.code): i.message for i in report.issues}
    assert messages[(4, "id_number_damaged_by_excel")] == (
        "身份证号被 Excel 转成了科学计数法/数字，末尾数字已丢失，请把该列设为文本后重新填写")
    assert messages[(7, "birth_date_id_mismatch")] == "出生日期 2003-01-02 与身份证号中的 20030101 不一致，请核对"
    assert "校验位错误" in messages[(6, "id_number_checksum")]
    assert messages[(9, "duplicate_student_no")] == f"学号 {ps[7].student_no} 与第 10 行重复：同一学生只能出现一次"
    assert messages[(10, "duplicate_student_no")] == f"学号 {ps[7].student_no} 与第 9 行重复：同一学生只能出现一次"
    assert messages[(12, "duplicate_id_number")] == "身份证号与第 11 行重复：同一学生只能出现一次"
    assert "610104196209276908" in messages[(13, "id_number_legacy_15")]
    assert messages[(15, "school_code_mismatch")].startswith("院校代码 10404 与导入学校的代码 10403 不一致")
    assert "末三位为 000" in messages[(20, "id_number_damaged_by_excel")]
    assert all(i.message_en and "invalid" not in i.message for i in report.issues)

    assert report.counts == {"rows": 19, "accepted": 5, "updates": 0, "warnings": 4, "errors": 18,
                             "rows_with_errors": 14, "skipped": 0}
    accepted = {a.row: a for a in report.accepted}
    assert sorted(accepted) == [3, 5, 13, 14, 19]
    clean = accepted[5].record
    assert clean.student_no == ps[2].student_no and clean.name == x + y and clean.id_number == x_id
    assert clean.sex == ps[2].sex and clean.birth_date == ps[2].born and clean.entry_date == date(2022, 9, 1)
    assert (clean.ethnicity_code, clean.ethnicity, clean.political_code, clean.political) == ("01", "汉族", "03",
                                                                                              "共青团员")
    assert clean.duration == "4" and clean.level == "本科" and clean.study_mode == "普通全日制"
    assert clean.major_code == ps[2].major_code and clean.expected_graduation == date(2026, 6, 30)
    assert accepted[5].original["姓名"] == f" {x} {y}\u3000"  # the original row, unmodified
    assert accepted[13].record.id_number == "610104620927690"  # never rewritten
    passport = accepted[14].record
    assert (passport.id_type, passport.id_number, passport.birth_date) == ("护照", "E12345678", date(2003, 5, 6))
    assert accepted[19].record.phone is None
    first = accepted[3].record
    assert (first.school_code, first.college, first.class_no, first.phone) == (SCHOOL, ps[0].college, ps[0].klass,
                                                                             f"138{ps[0].n:08d}")


def test_the_template_xls_with_numbers_and_date_cells_is_accepted_normalised() -> None:
    ps = people(30)
    rows = []
    for p in ps:
        r = p.row(SCHOOL)
        r[COL["出生日期"]] = p.born  # a date cell
        r[COL["性别"]] = 1 if p.male else 2  # GB/T 2261 codes, typed as numbers
        r[COL["学号"]] = int(p.student_no)
        r[COL["学制"]] = 4
        r[COL["院校代码"]] = int(SCHOOL)
        rows.append(r)
    report = validate(xls_bytes(rows, title=TITLE), "名单.xls")
    assert report.issues == [] and report.counts["accepted"] == 30
    assert [a.row for a in report.accepted] == list(range(3, 33))
    rec = report.accepted[0].record
    assert (rec.student_no, rec.sex, rec.birth_date, rec.duration) == (ps[0].student_no, ps[0].sex, ps[0].born, "4")


def test_gbk_csv_is_accepted() -> None:
    ps = people(10)
    report = validate(csv_bytes([p.row(SCHOOL) for p in ps], encoding="gbk"), "名单.csv")
    assert report.issues == [] and [a.record.name for a in report.accepted] == [p.name for p in ps]


def test_csv_with_an_id_number_saved_in_scientific_notation() -> None:
    p = people(1)[0]
    data = csv_bytes([row(p, 身份证号="3.60102E+17")], ALL, encoding="gbk")
    report = validate(data, "名单.csv")
    [issue] = report.issues
    assert (issue.row, issue.column, issue.code) == (2, "身份证号", "id_number_damaged_by_excel")
    assert issue.message == "身份证号被 Excel 转成了科学计数法/数字，末尾数字已丢失，请把该列设为文本后重新填写"
    assert "3.60102E+17" in issue.message_en


def test_columns_are_reported_with_the_headers_as_written() -> None:
    p = people(1)[0]
    headers = ["XH", "XM", "XB", "CSRQ", "SFZH", "CC"]
    data = xlsx_bytes([[p.student_no, p.name, p.sex, "2001-02-30", p.id_number, "本科"]], headers)
    [issue] = validate(data).issues
    assert (issue.row, issue.column, issue.field, issue.code) == (2, "CSRQ", "csrq", "date_invalid")
    assert issue.message == "出生日期“2001-02-30”不是有效日期（2001 年 2 月没有 30 日），请核对"


def test_missing_required_columns_block_every_row() -> None:
    p = people(1)[0]
    data = xlsx_bytes([[p.student_no, p.name, p.id_number]], ["学号", "姓名", "身份证号"])
    report = validate(data)
    assert issues_of(report) == [(None, None, "column_missing", "error"), (None, None, "column_missing", "error")]
    assert [i.field for i in report.issues] == ["xb", "cc"]
    assert report.issues[0].message.startswith("缺少必填列“性别”（XB）")
    assert report.accepted == [] and report.counts["errors"] == 2


def test_header_warnings_and_skipped_rows() -> None:
    ps = people(2)
    headers = ["序号", *HEADERS, "籍贯甲", "院系"]
    rows = [[1, *ps[0].row(SCHOOL), "", "x"], [2, *ps[1].row(SCHOOL), "", "x"], [3] + [None] * 20, [4] + [None] * 20]
    report = validate(xlsx_bytes(rows, headers))
    assert issues_of(report) == [
        (None, None, "rows_skipped", "warning"),
        (1, "籍贯甲", "header_unrecognised", "warning"),
        (1, "院系", "header_duplicate", "warning"),
    ]
    assert report.issues[0].message == "第 4、5 行没有学号、姓名、身份证号等个人信息，未导入"
    assert report.issues[2].message == "“院系”与“学院”都对应学院（FY），已使用“学院”列，本列不导入"
    assert report.counts["accepted"] == 2 and report.counts["skipped"] == 2


def test_non_mainland_documents_skip_the_checksum() -> None:
    ps = people(6)
    rows = [
        row(ps[0], 证件类型="香港特区护照/身份证明", 身份证号="M427772(A)"),
        row(ps[1], 证件类型="8", 身份证号="F229619072"),
        row(ps[2], 证件类型="港澳台居民居住证", 身份证号="810000199408230021", 性别="女", 出生日期="19940823"),
        row(ps[3], 证件类型="港澳台居民居住证", 身份证号=ps[3].id_number),  # not an 81/82/83 number
        row(ps[4], 证件类型="护照", 身份证号=ps[4].id_number),  # a resident ID typed as a passport: warn
        row(ps[5], 证件类型="驾驶证"),
        row(ps[0], 学号="x1", 证件类型="", 身份证号="M427772(A)"),  # no type: it must be a resident ID
    ]
    report = validate(xlsx_bytes(rows, ALL))
    assert issues_of(report) == [
        (2, "考生号", "duplicate_exam_no", "error"),
        (2, "身份证号", "duplicate_id_number", "error"),
        (5, "身份证号", "id_number_region", "error"),
        (6, "证件类型", "document_type_mismatch", "warning"),
        (7, "证件类型", "document_type_unknown", "error"),
        (8, "考生号", "duplicate_exam_no", "error"),
        (8, "身份证号", "id_number_format", "error"),
        (8, "身份证号", "duplicate_id_number", "error"),
    ]
    accepted = {a.row: a.record for a in report.accepted}
    assert sorted(accepted) == [3, 4, 6]
    assert (accepted[3].id_type, accepted[3].id_number) == ("台湾居民来往大陆通行证", "F229619072")
    assert accepted[4].id_type == "港澳台居民居住证" and accepted[4].sex == "女"
    hint = next(i for i in report.issues if i.code == "id_number_format").message
    assert "不是居民身份证号" in hint and "证件类型" in hint


def test_existing_roster_updates_and_clashes() -> None:
    ps = people(5)
    existing = ExistingStudents(
        by_student_no={ps[0].student_no: ps[0].id_number, ps[1].student_no: "360102200001010011",
                       "2019000001": ps[2].id_number, "2019000002": "610104196209276908"},
        by_id_number={ps[0].id_number: ps[0].student_no, "360102200001010011": ps[1].student_no,
                      ps[2].id_number: "2019000001", "610104196209276908": "2019000002"},
        by_exam_no={ps[3].exam_no: "2019000003"},
    )
    legacy = Person(**{**ps[4].__dict__, "student_no": "2019000002", "id_number": "610104620927690",
                       "born": date(1962, 9, 27), "male": False})
    rows = [row(ps[0]), row(ps[1]), row(ps[2]), row(ps[3]), row(legacy)]
    report = validate(xlsx_bytes(rows, ALL), existing=existing)
    assert issues_of(report) == [
        (3, "学号", "student_no_taken", "error"),
        (4, "身份证号", "id_number_taken", "error"),
        (5, "考生号", "exam_no_taken", "error"),
        (6, "身份证号", "id_number_legacy_15", "warning"),
    ]
    messages = [i.message for i in report.issues]
    assert "3601**********0011" in messages[0] and "360102200001010011" not in messages[0]
    assert messages[1] == ("该身份证号已属于库中学号为 2019000001 的学生；如学号有变更，请先通过勘误流程修改该生的学号")
    assert [(a.row, a.is_update) for a in report.accepted] == [(2, True), (6, True)]
    assert report.counts["updates"] == 2 and report.counts["accepted"] == 2


def test_month_only_dates_and_birth_months() -> None:
    p = people(1)[0]
    headers = ["学号", "姓名", "性别", "出生年月", "身份证号", "层次", "入学日期", "预计毕业日期"]
    cells = [p.student_no, p.name, p.sex, p.born.strftime("%Y.%m"), p.id_number, "本科", "2022.09", "202606"]
    report = validate(xlsx_bytes([cells], headers))
    assert issues_of(report) == [(2, "入学日期", "date_month_only", "warning"),
                                 (2, "预计毕业日期", "date_month_only", "warning")]
    rec = report.accepted[0].record
    assert rec.birth_date == p.born and rec.entry_date == date(2022, 9, 1)
    cells[3] = "1990.01"
    assert issues_of(validate(xlsx_bytes([cells], headers)))[0] == (2, "出生年月", "birth_date_id_mismatch", "error")


def test_names_with_digits_or_garbled_characters() -> None:
    ps = people(3)
    rows = [row(ps[0], 姓名="张3"), row(ps[1], 姓名="��"), row(ps[2], 姓名="阿卜杜拉·买买提")]
    report = validate(xlsx_bytes(rows, ALL))
    assert issues_of(report) == [(2, "姓名", "name_invalid", "error"), (3, "姓名", "name_invalid", "error")]
    assert "乱码" in report.issues[1].message
    assert report.accepted[0].record.name == "阿卜杜拉·买买提"


def test_province_code_tables_apply() -> None:
    ps = people(2)
    report = validate(xlsx_bytes([row(ps[0]), row(ps[1], 层次="博士研究生")], ALL),
                      codes=CodeTables.from_dict({"levels": ["博士研究生", "硕士研究生"]}))
    assert issues_of(report) == [(2, "层次", "level_unknown", "error")]
    assert report.issues[0].message == "层次“本科”不在允许的层次中（博士研究生、硕士研究生）"


def test_progress_is_reported() -> None:
    ps = people(2500)
    seen: list[tuple[int, int]] = []
    report = validate(xlsx_bytes([p.row(SCHOOL) for p in ps]), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert report.counts["accepted"] == 2500, report.issues[:3]


def test_issue_dicts_for_the_api() -> None:
    issue = Issue(3, "身份证号", "sfzh", "id_number_checksum", "error", "身份证号校验位错误", "ID number: checksum")
    assert issue.to_dict() == {"row": 3, "column": "身份证号", "field": "sfzh", "code": "id_number_checksum",
                               "severity": "error", "message": "身份证号校验位错误",
                               "message_en": "ID number: checksum"}


@pytest.mark.parametrize(("sex", "ok"), [("男", True), ("1", True), ("M", True), ("女", False), ("2", False)])
def test_sex_agrees_with_digit_17(sex: str, ok: bool) -> None:
    p = Person(**{**people(1)[0].__dict__, "male": True})
    p.id_number = make_id(p.born, True)
    report = validate(xlsx_bytes([row(p, 性别=sex)], ALL))
    assert (report.counts["errors"] == 0) is ok
