"""Validating a roster: every rule of research/domain.md §9.1–9.2 and issue 3 §2, reported per cell.

`validate_roster(sheet, school_code=..., today=...)` normalises each row quietly, checks it, and returns a
`ValidationReport`: the accepted rows (normalised `StudentRecord` + the original row) and every `Issue` with the
Excel row number and the header as written in the file, in Chinese (and English). A row with any error is not
accepted; warnings do not block. Pure: no database, no clock (today is a parameter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Literal, TypeVar

from services.roster.imports.rosterfile import FIELD_LABELS, FIELD_LABELS_EN, REQUIRED_FIELDS, RosterSheet
from services.roster.rules import idcard
from services.roster.rules.codes import (
    CHECK_FREE,
    CHECK_RESIDENCE_PERMIT,
    DEFAULT,
    RESIDENT_ID,
    CodeTables,
    DocumentType,
)
from services.roster.rules.normalise import (
    ID_DAMAGED,
    NormaliseError,
    display_text,
    looks_truncated_by_excel,
    norm_code,
    norm_id_number,
    norm_name,
    norm_phone,
    norm_sex,
    norm_text,
    parse_date,
)

ERROR = "error"
WARNING = "warning"
PROGRESS_STEP = 1000


@dataclass(slots=True)
class Issue:
    row: int | None  # the row number Excel shows; None for a file-level issue
    column: str | None  # the header as written in the file; None for a file-level issue
    field: str | None  # canonical field (xh, sfzh, …)
    code: str  # stable: see ISSUE_CODES
    severity: str  # "error" | "warning"
    message: str  # Chinese, specific and actionable
    message_en: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(slots=True)
class StudentRecord:
    student_no: str = ""
    exam_no: str | None = None
    name: str = ""
    sex: str = ""  # 男 / 女
    birth_date: date | None = None
    id_type: str = RESIDENT_ID
    id_number: str = ""  # as given, normalised (a legacy 15-digit number stays 15 digits: flagged, not rewritten)
    ethnicity_code: str | None = None
    ethnicity: str | None = None
    political_code: str | None = None
    political: str | None = None
    major_code: str | None = None
    major_name: str | None = None
    level: str = ""
    duration: str | None = None  # "4", "2.5"
    study_mode: str | None = None
    entry_date: date | None = None
    expected_graduation: date | None = None
    college: str | None = None
    class_no: str | None = None
    class_name: str | None = None
    school_code: str = ""
    school_name: str | None = None
    phone: str | None = None


@dataclass
class ExistingStudents:
    """The school's current roster. A row matching a student on both 学号 and 身份证号 updates it."""

    by_student_no: dict[str, str] = field(default_factory=dict)  # 学号 -> id number
    by_id_number: dict[str, str] = field(default_factory=dict)  # id number -> 学号
    by_exam_no: dict[str, str] = field(default_factory=dict)  # 考生号 -> 学号


@dataclass(slots=True)
class AcceptedRow:
    row: int
    record: StudentRecord
    original: dict[str, str]
    is_update: bool


@dataclass
class ValidationReport:
    rows: int
    accepted: list[AcceptedRow]
    issues: list[Issue]
    skipped: int = 0  # non-blank rows without any personal data (not imported; one warning lists them)
    # Who each row with an issue is, as written (学号, 姓名): the issue list names the student beside the cell.
    who: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        errors = warnings = 0
        bad_rows: set[int] = set()
        for issue in self.issues:
            if issue.severity == ERROR:
                errors += 1
                if issue.row is not None:
                    bad_rows.add(issue.row)
            else:
                warnings += 1
        return {
            "rows": self.rows, "accepted": len(self.accepted), "updates": sum(a.is_update for a in self.accepted),
            "warnings": warnings, "errors": errors, "rows_with_errors": len(bad_rows), "skipped": self.skipped,
        }

    def to_dict(self) -> dict[str, object]:
        return {"counts": self.counts, "issues": [i.to_dict() for i in self.issues]}


# Every code an Issue can carry (row-level unless noted).
ISSUE_CODES = {
    "column_missing": "file: a required column is missing",
    "header_unrecognised": "header row: a column is not imported (warning)",
    "header_duplicate": "header row: a second column for the same field, not imported (warning)",
    "rows_skipped": "file: rows without any personal data were not imported (warning)",
    "required_missing": "a required cell is empty",
    "number_damaged_by_excel": "a 学号/考生号/code cell that Excel turned into a number and lost digits",
    "value_not_text": "a code cell holding TRUE/FALSE",
    "value_is_date": "a code cell holding a date",
    "name_invalid": "the name has digits, ? or replacement characters",
    "document_type_unknown": "证件类型 not in the table",
    "document_type_mismatch": "a non-mainland document type with a valid resident ID number (warning)",
    "id_document_format": "a non-mainland document number with spaces or odd characters",
    ID_DAMAGED: "an ID number Excel turned into scientific notation / a number",
    idcard.ID_FORMAT: "not 18 (or 15) characters of the right shape",
    idcard.ID_REGION: "the first two digits are not a province code",
    idcard.ID_BIRTH_DATE: "digits 7-14 are not a real date",
    idcard.ID_BIRTH_FUTURE: "digits 7-14 are a date in the future",
    idcard.ID_CHECKSUM: "the MOD 11-2 check character is wrong",
    idcard.ID_LEGACY_15: "a 15-digit first-generation number; the 18-digit form is offered (warning)",
    "sex_unknown": "性别 is not 男/女/1/2/…",
    "sex_from_id": "性别 empty, taken from the ID number (warning)",
    "sex_id_mismatch": "性别 disagrees with digit 17 of the ID number",
    "date_unparseable": "not a date",
    "date_invalid": "not a real date (Feb 30, month 13, year out of range)",
    "date_year_only": "only a year",
    "date_month_only": "only a year and month (warning; the 1st is used)",
    "birth_date_future": "出生日期 in the future",
    "birth_date_id_mismatch": "出生日期 disagrees with the ID number",
    "birth_date_implausible": "an age under 14 or over 75 (warning)",
    "ethnicity_unknown": "民族 not in GB/T 3304",
    "political_unknown": "政治面貌 not in GB/T 4762",
    "major_code_zero_padded": "专业代码 lost its leading 0 in Excel and was padded (warning)",
    "level_unknown": "层次 not in the code table",
    "duration_unknown": "学制 not in the code table",
    "study_mode_unknown": "学习形式 not in the code table",
    "entry_after_graduation": "入学日期 not before 预计毕业日期",
    "school_code_mismatch": "院校代码 is not the importing school's",
    "phone_invalid": "not an 11-digit mainland mobile number (warning; the value is dropped)",
    "duplicate_student_no": "学号 repeated in the file (both rows)",
    "duplicate_id_number": "身份证号 repeated in the file (both rows)",
    "duplicate_exam_no": "考生号 repeated in the file (both rows)",
    "student_no_taken": "学号 belongs to another student already on the roster",
    "id_number_taken": "身份证号 belongs to another 学号 already on the roster",
    "exam_no_taken": "考生号 belongs to another 学号 already on the roster",
}

_NAME_BAD = frozenset("0123456789?？�□") | {chr(c) for c in range(32)}
_NAME_GARBLED = frozenset("?？�□")
_NAME_SYMBOLS = frozenset('=<>"@#$%^&*_+{}[]\\|;:!~`')  # never in a name on an ID card or passport
_DOC_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()-/")
_ZERO_PAD = {3: 4, 5: 6}  # 专业代码: a 4-digit 学科 or 6-digit 专业 code that lost its leading 0


def _range_text(rows: list[int], limit: int = 12) -> str:
    """[3, 4, 5, 9] -> "3–5、9"."""
    spans: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        spans.append(f"{start}–{prev}" if prev > start + 1 else (f"{start}、{prev}" if prev > start else str(start)))
        if r is not None:
            start = prev = r
    text = "、".join(spans[:limit])
    return text + (f" 等（共 {len(rows)} 行）" if len(spans) > limit else "")


class _Validator:
    def __init__(self, sheet: RosterSheet, school_code: str, today: date, codes: CodeTables,
                 existing: ExistingStudents | None) -> None:
        self.sheet = sheet
        self.school_code = school_code
        self.today = today
        self.codes = codes
        self.existing = existing
        self.columns = sheet.columns
        self.issues: list[Issue] = []
        # Values repeat down a column (层次, 民族, 入学日期 …): each distinct value is normalised once.
        self.m_sex = _memo(norm_sex)
        self.m_date = _memo(parse_date)
        self.m_text = _memo(norm_text)
        self.m_ethnicity = _memo(_in_table(codes.ethnicity))
        self.m_political = _memo(_in_table(codes.political_status))
        self.m_level = _memo(_in_table(codes.level))
        self.m_duration = _memo(_in_table(codes.duration))
        self.m_mode = _memo(_in_table(codes.study_mode))
        self.seen_no: dict[str, list[int]] = {}
        self.seen_id: dict[str, list[int]] = {}
        self.seen_exam: dict[str, list[int]] = {}
        self.default_doc = codes.document_type(RESIDENT_ID)
        self._docs: dict[str, DocumentType | None] = {}

    # ---- issues ---------------------------------------------------------------------------------------------
    def add(self, row: int | None, fld: str | None, code: str, zh: str, en: str, severity: str = ERROR) -> None:
        column = self.columns.get(fld) if fld else None
        self.issues.append(Issue(row, column, fld, code, severity, zh, en))

    def fail(self, row: int, fld: str, exc: NormaliseError, severity: str = ERROR) -> None:
        self.add(row, fld, exc.code, f"{FIELD_LABELS[fld]}{exc.zh}", f"{FIELD_LABELS_EN[fld]}: {exc.en}", severity)

    def missing(self, row: int, fld: str) -> None:
        self.add(row, fld, "required_missing", f"{FIELD_LABELS[fld]}为空，请填写",
                 f"{FIELD_LABELS_EN[fld]} is empty")

    # ---- file level ---------------------------------------------------------------------------------------------
    def file_checks(self) -> bool:
        """Returns False when a required column is missing (then no row can be accepted)."""
        sheet = self.sheet
        ok = True
        for fld in REQUIRED_FIELDS:
            if fld not in sheet.columns:
                ok = False
                self.issues.append(Issue(
                    None, None, fld, "column_missing", ERROR,
                    f"缺少必填列“{FIELD_LABELS[fld]}”（{fld.upper()}）：请在表头加上这一列并填写每个学生的"
                    f"{FIELD_LABELS[fld]}", f"the required column {fld.upper()} ({FIELD_LABELS_EN[fld]}) is missing"))
        ignored = set(sheet.ignored_headers)
        duplicated = {label: fld for fld, labels in sheet.duplicate_headers.items() for label in labels}
        for label in sheet.unknown_headers:
            if label in duplicated:
                fld = duplicated[label]
                used = sheet.columns[fld]
                self.issues.append(Issue(
                    sheet.header_row, label, fld, "header_duplicate", WARNING,
                    f"“{label}”与“{used}”都对应{FIELD_LABELS[fld]}（{fld.upper()}），已使用“{used}”列，本列不导入",
                    f"{label!r} and {used!r} both name {fld.upper()}; {used!r} is used, this column is not imported"))
            elif label not in ignored:
                self.issues.append(Issue(
                    sheet.header_row, label, None, "header_unrecognised", WARNING,
                    f"列“{label}”未识别，不会导入（原始数据中保留）；如果它是必填信息，请把表头改成标准列名",
                    f"column {label!r} is not recognised and is not imported (kept in the original rows)"))
        if sheet.skipped_rows:
            self.issues.append(Issue(
                None, None, None, "rows_skipped", WARNING,
                f"第 {_range_text(sheet.skipped_rows)} 行没有学号、姓名、身份证号等个人信息，未导入",
                f"{len(sheet.skipped_rows)} row(s) without any personal data were not imported"))
        return ok

    # ---- one row ------------------------------------------------------------------------------------------------
    def row(self, raw_row: int, c: dict[str, object]) -> tuple[StudentRecord, bool] | None:
        """The normalised record and whether it updates an existing student; None when the row has errors."""
        start = len(self.issues)
        cols = self.columns
        rec = StudentRecord()
        r = raw_row

        # 学号 / 考生号
        try:
            xh = norm_code(c.get("xh"))
        except NormaliseError as exc:
            self.fail(r, "xh", exc)
            xh = None
        else:
            if xh is None and "xh" in cols:
                self.missing(r, "xh")
        if xh:
            rec.student_no = xh
            self.seen_no.setdefault(xh, []).append(r)
        if "ksh" in cols:
            try:
                ksh = norm_code(c.get("ksh"))
            except NormaliseError as exc:
                self.fail(r, "ksh", exc)
                ksh = None
            if ksh:
                rec.exam_no = ksh
                self.seen_exam.setdefault(ksh, []).append(r)

        # 姓名
        name = norm_name(c.get("xm"))
        if name is None:
            if "xm" in cols:
                self.missing(r, "xm")
        else:
            bad = None if name.isalpha() else next(
                (ch for ch in name if ch in _NAME_BAD or ch in _NAME_SYMBOLS), None)
            if bad is not None and bad.isdigit():
                self.add(r, "xm", "name_invalid", f"姓名“{name}”含有数字，请按身份证上的姓名填写",
                         f"the name {name!r} contains a digit")
            elif bad is not None and bad in _NAME_GARBLED:
                self.add(r, "xm", "name_invalid",
                         f"姓名“{name}”含有“{bad}”，可能是文件编码问题造成的乱码，请按身份证上的姓名填写",
                         f"the name {name!r} contains {bad!r} (garbled text?)")
            elif bad is not None:
                self.add(r, "xm", "name_invalid", f"姓名“{name}”含有“{bad}”，请按身份证上的姓名填写",
                         f"the name {name!r} contains {bad!r}")
            rec.name = name

        # 证件类型 and number
        doc = self.document(r, c)
        info = self.id_number(r, c, doc, rec)

        # 性别
        try:
            sex = self.m_sex(c.get("xb"))
        except NormaliseError as exc:
            self.fail(r, "xb", exc)
            sex = ""
        if sex is None:
            if info is not None:
                sex = info.sex
                if "xb" in cols:
                    self.add(r, "xb", "sex_from_id", f"性别为空，已按身份证号取为“{sex}”",
                             f"sex is empty; taken from the ID number as {sex}", WARNING)
            elif "xb" in cols:
                self.missing(r, "xb")
        elif sex and info is not None and sex != info.sex:
            pos = 15 if info.legacy else 17
            digit = info.number[pos - 1]
            self.add(r, "xb", "sex_id_mismatch",
                     f"性别“{sex}”与身份证号第 {pos} 位（{digit}，奇数为男、偶数为女）不一致，请核对",
                     f"sex {sex} disagrees with digit {pos} of the ID number ({digit}: odd = male, even = female)")
        rec.sex = sex or ""

        # 出生日期
        self.birth_date(r, c, info, rec)

        # 民族 / 政治面貌
        if c.get("mz") is not None:
            found = self.m_ethnicity(c["mz"])
            if found is None:
                self.add(r, "mz", "ethnicity_unknown",
                         f"民族“{_shown(c['mz'])}”无法识别：请填写民族名称（如 汉族）或 GB/T 3304 两位代码（如 01）",
                         f"ethnicity {_shown(c['mz'])!r} is not a GB/T 3304 name or code")
            elif found:
                rec.ethnicity_code, rec.ethnicity = found
        if c.get("zzmm") is not None:
            found = self.m_political(c["zzmm"])
            if found is None:
                self.add(r, "zzmm", "political_unknown",
                         f"政治面貌“{_shown(c['zzmm'])}”无法识别：请填写如 中共党员、共青团员、群众，"
                         "或 GB/T 4762 两位代码",
                         f"political status {_shown(c['zzmm'])!r} is not a GB/T 4762 name or code")
            elif found:
                rec.political_code, rec.political = found

        # 专业
        raw_zydm = c.get("zydm")
        if raw_zydm is not None:
            try:
                zydm = norm_code(raw_zydm)
            except NormaliseError as exc:
                self.fail(r, "zydm", exc)
                zydm = None
            if zydm and zydm.isdigit() and len(zydm) in _ZERO_PAD:
                padded = zydm.zfill(_ZERO_PAD[len(zydm)])
                self.add(r, "zydm", "major_code_zero_padded",
                         f"专业代码 {zydm} 被 Excel 去掉了开头的 0，已按 {padded} 处理；建议把该列设为文本",
                         f"major code {zydm} lost its leading 0 in Excel; {padded} is used", WARNING)
                zydm = padded
            rec.major_code = zydm
        rec.major_name = self.text("zymc", c.get("zymc"))

        # 层次 / 学制 / 学习形式
        raw_cc = c.get("cc")
        level = self.m_level(raw_cc) if raw_cc is not None else ""
        if level is None:
            self.add(r, "cc", "level_unknown",
                     f"层次“{_shown(raw_cc)}”不在允许的层次中（{'、'.join(self.codes.levels)}）",
                     f"level {_shown(raw_cc)!r} is not one of {', '.join(self.codes.levels)}")
        elif level:
            rec.level = level
        elif "cc" in cols:
            self.missing(r, "cc")
        if c.get("xz") is not None:
            duration = self.m_duration(c["xz"])
            if duration is None:
                self.add(r, "xz", "duration_unknown",
                         f"学制“{_shown(c['xz'])}”不在允许的学制中（{'、'.join(self.codes.durations)} 年）",
                         f"length of study {_shown(c['xz'])!r} is not one of {', '.join(self.codes.durations)}")
            else:
                rec.duration = duration or None
        if c.get("xxxs") is not None:
            mode = self.m_mode(c["xxxs"])
            if mode is None:
                self.add(r, "xxxs", "study_mode_unknown",
                         f"学习形式“{_shown(c['xxxs'])}”不在允许的学习形式中（{'、'.join(self.codes.study_modes)}）",
                         f"mode of study {_shown(c['xxxs'])!r} is not one of {', '.join(self.codes.study_modes)}")
            else:
                rec.study_mode = mode or None

        # 入学日期 / 预计毕业日期
        rec.entry_date = self.date_field(r, "rxrq", c.get("rxrq"))
        rec.expected_graduation = self.date_field(r, "yjbyrq", c.get("yjbyrq"))
        if rec.entry_date and rec.expected_graduation and rec.entry_date >= rec.expected_graduation:
            self.add(r, "yjbyrq", "entry_after_graduation",
                     f"预计毕业日期 {rec.expected_graduation.isoformat()} 不晚于入学日期 {rec.entry_date.isoformat()}，"
                     "请核对这两个日期",
                     f"expected graduation {rec.expected_graduation} is not after the entry date {rec.entry_date}")

        # 学院 / 班级 / 学校 / 手机
        rec.college = self.text("fy", c.get("fy"))
        if c.get("bh") is not None:
            try:
                rec.class_no = norm_code(c["bh"])
            except NormaliseError as exc:
                self.fail(r, "bh", exc)
        rec.class_name = self.text("bjmc", c.get("bjmc"))
        rec.school_code = self.school_code
        if c.get("yxdm") is not None:
            try:
                yxdm = norm_code(c["yxdm"])
            except NormaliseError as exc:
                self.fail(r, "yxdm", exc)
                yxdm = None
            if yxdm and yxdm != self.school_code:
                self.add(r, "yxdm", "school_code_mismatch",
                         f"院校代码 {yxdm} 与导入学校的代码 {self.school_code} 不一致：只能导入本校的学生"
                         "（分校、教学点使用主校代码）",
                         f"school code {yxdm} is not the importing school's code {self.school_code}")
        rec.school_name = self.text("yxmc", c.get("yxmc"))
        if c.get("sjh") is not None:
            try:
                rec.phone = norm_phone(c["sjh"])
            except NormaliseError as exc:
                self.fail(r, "sjh", exc, WARNING)

        if len(self.issues) == start:  # the common case: a clean row
            update = self.against_existing(r, rec, id_ok=True)
            return None if update is None else (rec, update)
        update = self.against_existing(r, rec, id_ok=not any(
            i.field == "sfzh" and i.severity == ERROR for i in self.issues[start:]))
        errors = any(i.severity == ERROR for i in self.issues[start:])
        return None if errors or update is None else (rec, update)

    # ---- field helpers ------------------------------------------------------------------------------------------
    def text(self, fld: str, value: object) -> str | None:
        return None if value is None else self.m_text(value)

    def date_field(self, r: int, fld: str, value: object) -> date | None:
        if value is None:
            return None
        try:
            parsed = self.m_date(value)
        except NormaliseError as exc:
            self.fail(r, fld, exc)
            return None
        if parsed is None:
            return None
        day, month_only = parsed
        if month_only:
            self.add(r, fld, "date_month_only",
                     f"{FIELD_LABELS[fld]}“{_shown(value)}”只有年月，已按 {day.isoformat()} 处理",
                     f"{FIELD_LABELS_EN[fld]} {_shown(value)!r} has no day; {day} is used", WARNING)
        return day

    def document(self, r: int, c: dict[str, object]) -> DocumentType | None:
        raw = c.get("zjlx")
        if raw is None:
            return self.default_doc
        text = norm_text(raw)
        if text is None:
            return self.default_doc
        try:
            doc = self._docs[text]
        except KeyError:
            doc = self._docs[text] = self.codes.document_type(text)
        if doc is None:
            names = "、".join(d.name for d in self.codes.document_types[:8])
            self.add(r, "zjlx", "document_type_unknown", f"证件类型“{text}”无法识别：可填写 {names} 等，或其代码",
                     f"document type {text!r} is not recognised")
        return doc

    def id_number(self, r: int, c: dict[str, object], doc: DocumentType | None,
                  rec: StudentRecord) -> idcard.IdCheck | None:
        """Normalise and check the document number; returns the ID facts when they can be trusted."""
        mainland = doc is None or doc.check != CHECK_FREE
        label = "身份证号" if mainland else "证件号码"
        label_en = "ID number" if mainland else "document number"
        try:
            number = norm_id_number(c.get("sfzh"))
        except NormaliseError as exc:
            self.add(r, "sfzh", exc.code, f"{label}{exc.zh}", f"{label_en} {exc.en}")
            return None
        if number is None:
            if "sfzh" in self.columns:
                self.add(r, "sfzh", "required_missing", f"{label}为空，请填写", f"{label_en} is empty")
            return None
        rec.id_number = number
        if doc is None:
            self.seen_id.setdefault(number, []).append(r)
            return None
        rec.id_type = doc.name
        if doc.check == CHECK_FREE:
            self.seen_id.setdefault(number, []).append(r)
            bad = sorted({ch for ch in number if ch not in _DOC_CHARS})
            if bad or len(number) < 5:
                self.add(r, "sfzh", "id_document_format",
                         f"证件号码“{number}”" + (f"含有不允许的字符“{bad[0]}”" if bad else "太短") + "，请按证件填写",
                         f"document number {number!r} has unexpected characters or is too short")
            elif len(number) == 18 and idcard.check_id(number, today=self.today).code is None:
                self.add(r, "zjlx", "document_type_mismatch",
                         f"证件类型为“{doc.name}”，但证件号码是有效的居民身份证号，请核对证件类型",
                         f"the document type is {doc.name} but the number is a valid resident ID number", WARNING)
            return None
        check = idcard.check_id(number, today=self.today, residence_permit=doc.check == CHECK_RESIDENCE_PERMIT)
        key = check.upgraded or number
        self.seen_id.setdefault(key, []).append(r)
        if check.code is None:
            return check
        if check.legacy:
            self.add(r, "sfzh", check.code, f"{label}{check.zh}", f"{label_en} {check.en}", WARNING)
            return check
        if check.code == idcard.ID_CHECKSUM and looks_truncated_by_excel(number):
            self.add(r, "sfzh", ID_DAMAGED,
                     f"{label}末三位为 000 且校验位不符，疑似被 Excel 截断为 15 位有效数字后又转回了文本，"
                     "末尾数字已丢失，请把该列设为文本后重新填写",
                     f"{label_en} ends in 000 and fails the checksum: Excel kept only 15 significant digits")
            return None
        self.add(r, "sfzh", check.code, f"{label}{check.zh}", f"{label_en}: {check.en}")
        return None

    def birth_date(self, r: int, c: dict[str, object], info: idcard.IdCheck | None, rec: StudentRecord) -> None:
        value = c.get("csrq")
        parsed = None
        if value is not None:
            try:
                parsed = self.m_date(value)
            except NormaliseError as exc:
                self.fail(r, "csrq", exc)
                return
        if parsed is None:
            rec.birth_date = info.birth_date if info is not None else None
            return
        day, month_only = parsed
        id_day = info.birth_date if info is not None else None
        if month_only:
            if id_day is not None and (id_day.year, id_day.month) == (day.year, day.month):
                rec.birth_date = id_day  # 出生年月 columns hold only the month: the ID number has the day
                return
            if id_day is None:
                self.add(r, "csrq", "date_month_only", f"出生日期“{_shown(value)}”只有年月，请写完整日期",
                         f"birth date {_shown(value)!r} has no day", WARNING)
                return
        if day > self.today:
            self.add(r, "csrq", "birth_date_future", f"出生日期 {day.isoformat()} 晚于今天，请核对",
                     f"birth date {day} is in the future")
            return
        if id_day is not None and day != id_day:
            shown = day.strftime("%Y-%m") if month_only else day.isoformat()
            self.add(r, "csrq", "birth_date_id_mismatch",
                     f"出生日期 {shown} 与身份证号中的 {id_day.strftime('%Y%m%d')} 不一致，请核对",
                     f"birth date {shown} disagrees with {id_day:%Y%m%d} in the ID number")
            return
        rec.birth_date = day
        age = self.today.year - day.year - ((self.today.month, self.today.day) < (day.month, day.day))
        if age < 14 or age > 75:
            self.add(r, "csrq", "birth_date_implausible",
                     f"出生日期 {day.isoformat()} 对应年龄 {age} 岁，请核对", f"birth date {day} means age {age}",
                     WARNING)

    # ---- roster level -------------------------------------------------------------------------------------------
    def duplicates(self) -> set[int]:
        rows: set[int] = set()
        specs = (("xh", self.seen_no, "duplicate_student_no", "学号", "student number"),
                 ("sfzh", self.seen_id, "duplicate_id_number", "身份证号", "ID number"),
                 ("ksh", self.seen_exam, "duplicate_exam_no", "考生号", "exam number"))
        for fld, seen, code, zh, en in specs:
            for value, where in seen.items():
                if len(where) < 2:
                    continue
                for r in where:
                    others = [o for o in where if o != r]
                    shown = f" {value} " if fld != "sfzh" else ""  # the ID number itself stays out of messages
                    self.add(r, fld, code, f"{zh}{shown}与第 {_range_text(others, 8)} 行重复：同一学生只能出现一次",
                             f"{en}{shown} repeats row(s) {', '.join(map(str, others[:8]))}")
                    rows.add(r)
        return rows

    def against_existing(self, r: int, rec: StudentRecord, *, id_ok: bool) -> bool | None:
        """True: an update of an existing student; False: new; None: a clash (error added)."""
        existing = self.existing
        if existing is None or not rec.id_number:
            return False
        id_key = rec.id_number
        upgraded = idcard.upgrade_15(id_key) if len(id_key) == 15 and id_key.isdigit() else None
        clash = False
        known_id = existing.by_student_no.get(rec.student_no) if rec.student_no else None
        if known_id is not None and known_id not in (id_key, upgraded) and id_ok:
            clash = True
            self.add(r, "xh", "student_no_taken",
                     f"学号 {rec.student_no} 已是库中另一名学生（身份证号 {idcard.mask(known_id)}）的学号；"
                     "如需更正已导入学生的身份证号，请通过勘误流程修改",
                     f"student number {rec.student_no} already belongs to another student ({idcard.mask(known_id)})")
        owner = existing.by_id_number.get(id_key) or (existing.by_id_number.get(upgraded) if upgraded else None)
        if owner is not None and owner != rec.student_no:
            clash = True
            self.add(r, "sfzh", "id_number_taken",
                     f"该身份证号已属于库中学号为 {owner} 的学生；如学号有变更，请先通过勘误流程修改该生的学号",
                     f"this ID number already belongs to student number {owner}")
        if rec.exam_no:
            exam_owner = existing.by_exam_no.get(rec.exam_no)
            if exam_owner is not None and exam_owner != rec.student_no:
                clash = True
                self.add(r, "ksh", "exam_no_taken", f"考生号 {rec.exam_no} 已属于库中学号为 {exam_owner} 的学生",
                         f"exam number {rec.exam_no} already belongs to student number {exam_owner}")
        if clash:
            return None
        return known_id is not None


R = TypeVar("R")


def _memo(fn: Callable[[object], R]) -> Callable[[object], R]:
    """fn, remembered per value; a NormaliseError is remembered too and raised again."""
    seen: dict[object, R | NormaliseError] = {}

    def call(value: object) -> R:
        if value.__class__ is bool:  # True == 1 as a dict key: keep logical values out of the cache
            return fn(value)
        try:
            hit = seen[value]
        except KeyError:
            try:
                hit = fn(value)
            except NormaliseError as exc:
                hit = exc
            seen[value] = hit
        if isinstance(hit, NormaliseError):
            raise hit
        return hit

    return call


def _in_table(fn: Callable[[str], R | None]) -> Callable[[object], R | Literal[""] | None]:
    """"" for an empty cell, None when the value is not in the table, else the table's value."""
    def resolve(value: object) -> R | Literal[""] | None:
        text = norm_text(value)
        return "" if text is None else fn(text)

    return resolve


def _shown(value: object) -> str:
    return display_text(value).strip()


def validate_roster(sheet: RosterSheet, *, school_code: str, today: date, codes: CodeTables = DEFAULT,
                    existing: ExistingStudents | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ValidationReport:
    """Normalise and check every row; see the module docstring. `progress(done, total)` every 1,000 rows."""
    v = _Validator(sheet, school_code, today, codes, existing)
    columns_ok = v.file_checks()
    total = len(sheet.rows)
    candidates: list[AcceptedRow] = []
    for done, raw in enumerate(sheet.rows, start=1):
        result = v.row(raw.row, raw.cells)
        if result is not None:
            candidates.append(AcceptedRow(raw.row, result[0], raw.original, result[1]))
        if progress is not None and done % PROGRESS_STEP == 0:
            progress(done, total)
    duplicated = v.duplicates()
    accepted = [a for a in candidates if a.row not in duplicated] if columns_ok else []
    if progress is not None and total % PROGRESS_STEP:
        progress(total, total)
    order = {label: i for i, label in enumerate(sheet.headers)}
    v.issues.sort(key=lambda i: (-1 if i.row is None else i.row, order.get(i.column or "", -1)))
    flagged = {i.row for i in v.issues if i.row is not None}
    who = {raw.row: (_who(raw.cells.get("xh")), _who(raw.cells.get("xm"))) for raw in sheet.rows if raw.row in flagged}
    return ValidationReport(rows=total, accepted=accepted, issues=v.issues, skipped=len(sheet.skipped_rows),
                            who=who)


def _who(value: object) -> str | None:
    text = None if value is None else _shown(value)
    return text[:60] if text else None


# ---- one row, outside a file -----------------------------------------------------------------------------------

# Student column -> the canonical field of the roster file: how a stored record is checked again as a row.
RECORD_FIELD_OF: dict[str, str] = {
    "student_no": "xh", "exam_no": "ksh", "name": "xm", "sex": "xb", "birth_date": "csrq", "id_type": "zjlx",
    "id_number": "sfzh", "ethnicity": "mz", "political": "zzmm", "major_code": "zydm", "major_name": "zymc",
    "level": "cc", "duration": "xz", "study_mode": "xxxs", "entry_date": "rxrq", "expected_graduation": "yjbyrq",
    "phone": "sjh",
}


def check_row(cells: dict[str, object], *, school_code: str, today: date,
              codes: CodeTables = DEFAULT) -> tuple[StudentRecord | None, list[Issue]]:
    """One row by exactly the rules of the import, outside any file: errata, the school's decisions on them and
    direct edits check the record they would leave behind with this. `cells` maps canonical fields (xh, csrq, …)
    to values as a registrar would type them. Returns the normalised record (None when the row has an error) and
    every issue (row None; column the field's Chinese label). No file-level or roster-level rules run here."""
    labels = {fld: FIELD_LABELS[fld] for fld in cells}
    sheet = RosterSheet(format="record", encoding=None, sheet_name=None, headers=list(labels.values()),
                        columns=labels, unknown_headers=[], rows=[])
    v = _Validator(sheet, school_code, today, codes, None)
    result = v.row(0, cells)
    for issue in v.issues:
        issue.row = None
    return (result[0] if result is not None else None), v.issues
