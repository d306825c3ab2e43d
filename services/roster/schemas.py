"""Request and response bodies of roster's API (public: other services may import this module)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Phone = Field(pattern=r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$", description="手机号或座机号")


class Page(BaseModel):
    total: int
    offset: int = 0
    limit: int = 0


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    role_label: str
    province_code: str | None
    province_name: str | None
    school_code: str | None
    school_name: str | None


class ProvinceIn(BaseModel):
    code: str = Field(pattern=r"^\d{2}$", description="GB/T 2260 省级代码, e.g. 36")
    name: str = Field(min_length=2, max_length=20)


class ProvinceOut(BaseModel):
    code: str
    name: str


class ProvinceList(BaseModel):
    items: list[ProvinceOut]
    total: int


class AgencyIn(BaseModel):
    province_code: str = Field(pattern=r"^\d{2}$")
    name: str = Field(min_length=2, max_length=80)


class AgencyOut(BaseModel):
    id: str
    province_code: str
    name: str


class AgencyList(BaseModel):
    items: list[AgencyOut]
    total: int


class SchoolIn(BaseModel):
    code: str = Field(pattern=r"^\d{5}$", description="院校代码 (5 digits)")
    name: str = Field(min_length=2, max_length=80)
    province_code: str | None = Field(default=None, pattern=r"^\d{2}$")


class SchoolUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=80)
    contact_recipient: str | None = Field(default=None, max_length=40)
    contact_address: str | None = Field(default=None, max_length=200)
    contact_postcode: str | None = Field(default=None, pattern=r"^\d{6}$")
    contact_phone: str | None = Field(default=None, pattern=r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
    student_second_factor: Literal["id_last6", "birth_date", "exam_no_last6"] | None = None


class SchoolOut(BaseModel):
    code: str
    name: str
    province_code: str
    contact_recipient: str = ""
    contact_address: str = ""
    contact_postcode: str = ""
    contact_phone: str = ""
    student_second_factor: str = "id_last6"


class SchoolList(BaseModel):
    items: list[SchoolOut]
    total: int


class CampusIn(BaseModel):
    name: str = Field(min_length=2, max_length=80, description="校区名称; a branch campus keeps the school's code")
    school_code: str | None = Field(default=None, pattern=r"^\d{5}$")


class CampusOut(BaseModel):
    id: str
    school_code: str
    name: str


class CampusList(BaseModel):
    items: list[CampusOut]
    total: int


class CollegeIn(BaseModel):
    code: str = Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z_-]+$",
                      description="院系代码 (digits, letters, - or _)")
    name: str = Field(min_length=1, max_length=80, description="院系名称")
    school_code: str | None = Field(default=None, pattern=r"^\d{5}$",
                                    description="院校代码; defaults to the caller's school")


class CollegeUpdate(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class CollegeOut(BaseModel):
    id: str
    school_code: str
    code: str
    name: str
    created_at: datetime


class CollegeList(BaseModel):
    items: list[CollegeOut]
    total: int


class ClassIn(BaseModel):
    college_id: str
    code: str = Field(min_length=1, max_length=40, description="班号")
    name: str | None = Field(default=None, max_length=80, description="班级名称")


class ClassOut(BaseModel):
    id: str
    school_code: str
    college_id: str
    code: str
    name: str
    students: int = 0


class ClassList(BaseModel):
    items: list[ClassOut]
    total: int


class CoordinatorIn(BaseModel):
    college_id: str
    class_id: str | None = None
    kind: Literal["college_teacher", "class_student"]
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")


class CoordinatorOut(BaseModel):
    id: str
    school_code: str
    college_id: str
    class_id: str | None
    kind: str
    name: str
    phone: str


class CoordinatorList(BaseModel):
    items: list[CoordinatorOut]
    total: int


class StudentOut(BaseModel):
    """A student in a list: the ID number masked (the full value is not needed to find someone)."""

    id: str
    school_code: str
    student_no: str
    name: str
    sex: str
    id_number_masked: str
    college_id: str | None
    class_id: str | None
    major_name: str | None
    level: str
    review_status: str
    review_reason: str | None = None


class StudentList(Page):
    items: list[StudentOut]


class StudentDetail(BaseModel):
    """One student's full record, for the school and for the student themself (proofreading)."""

    id: str
    school_code: str
    school_name: str
    student_no: str
    exam_no: str | None
    name: str
    sex: str
    birth_date: date | None
    id_type: str
    id_number: str
    ethnicity: str | None
    political: str | None
    major_code: str | None
    major_name: str | None
    level: str
    duration: str | None
    study_mode: str | None
    entry_date: date | None
    expected_graduation: date | None
    college_id: str | None
    class_id: str | None
    campus: str | None
    review_status: str
    review_reason: str | None = None
    has_capture_pass: bool
    capture_code: str | None


class StudentTokenIn(BaseModel):
    school_code: str = Field(pattern=r"^\d{5}$")
    student_no: str = Field(min_length=1, max_length=30)
    secret: str = Field(min_length=1, max_length=30, description="学校设定的第二因素，默认身份证号后六位")


class ImportJobOut(BaseModel):
    id: str
    school_code: str
    filename: str
    file_format: str
    status: str
    progress: int
    rows: int
    accepted: int
    updates: int
    warnings: int
    errors: int
    rows_with_errors: int
    error_code: str | None
    error_message: str | None
    created_by: str
    created_at: datetime
    committed_at: datetime | None


class ImportJobList(BaseModel):
    items: list[ImportJobOut]
    total: int


class ImportIssueOut(BaseModel):
    row: int | None
    column: str | None
    field: str | None
    code: str
    severity: str
    message: str
    message_en: str


class ImportIssueList(Page):
    items: list[ImportIssueOut]


class CommitIn(BaseModel):
    skip_error_rows: bool = Field(default=False, description="仅导入无误的行（有错误的行不导入）")


class CampaignIn(BaseModel):
    term: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="毕业届别, e.g. 2026-06")
    name: str = Field(min_length=2, max_length=80)
    levels: list[str] = Field(min_length=1)
    exclude_part_time: bool = True
    graduation_from: date
    graduation_to: date
    province_code: str | None = Field(default=None, pattern=r"^\d{2}$")


class CampaignOut(BaseModel):
    id: str
    province_code: str
    term: str
    name: str
    levels: list[str]
    exclude_part_time: bool
    graduation_from: date
    graduation_to: date


class CampaignList(BaseModel):
    items: list[CampaignOut]
    total: int


class BatchIn(BaseModel):
    term: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    student_ids: list[str] | None = Field(default=None, description="默认提交所有未通过、未在审的学生")
    school_code: str | None = Field(default=None, pattern=r"^\d{5}$")


class BatchOut(BaseModel):
    id: str
    school_code: str
    school_name: str
    term: str
    status: str
    submitted_by: str
    submitted_at: datetime
    students: int
    approved: int
    rejected: int
    pending: int
    flagged: int


class BatchList(BaseModel):
    items: list[BatchOut]
    total: int


class Flag(BaseModel):
    code: str
    message: str


class ReviewItemOut(BaseModel):
    id: str
    student_id: str
    student_no: str
    name: str
    sex: str
    id_number_masked: str
    level: str
    study_mode: str | None
    expected_graduation: date | None
    decision: str
    reason: str
    decided_by: str | None
    decided_at: datetime | None
    flags: list[Flag]


class ReviewItemList(BaseModel):
    items: list[ReviewItemOut]
    total: int


class DecisionIn(BaseModel):
    decision: Literal["approved", "rejected"]
    reason: str = Field(default="", max_length=200)
    student_ids: list[str] | None = Field(default=None, description="默认对批次内所有待审学生")


class DecisionOut(BaseModel):
    batch: BatchOut
    decided: int


class ErratumIn(BaseModel):
    field: str = Field(description="name, sex, ethnicity, birth_date, id_number, major_name, level, duration, "
                                   "entry_date, …")
    new_value: str = Field(min_length=1, max_length=100)
    reason: str = Field(default="", max_length=200)


class ErratumOut(BaseModel):
    id: str
    student_id: str
    student_no: str
    student_name: str
    field: str
    field_label: str
    old_value: str
    new_value: str
    reason: str
    source: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str


class ErratumList(BaseModel):
    items: list[ErratumOut]
    total: int


class ErratumDecisionIn(BaseModel):
    decision: Literal["approved", "rejected"]
    reason: str = Field(default="", max_length=200)


class ChangeOut(BaseModel):
    field: str
    field_label: str
    old_value: str
    new_value: str
    source: str
    reference: str | None
    actor: str
    at: datetime


class ChangeList(BaseModel):
    items: list[ChangeOut]
    total: int


class CertificateOut(BaseModel):
    number: str
    student_id: str
    school_code: str
    issued_by: str
    issued_at: datetime
    pdf_url: str


class CertificateList(BaseModel):
    items: list[CertificateOut]
    total: int


class CertificateCheck(BaseModel):
    """What the agency sees when it scans a make-up certificate."""

    number: str
    valid: bool
    revoked: bool
    school_code: str
    school_name: str
    student_name_masked: str
    id_number_masked: str
    sex: str
    level: str
    issued_at: datetime


class CapturePass(BaseModel):
    subject_key: str
    token: str
    qr_svg: str
    expires_at: datetime


class CaptureCodeIn(BaseModel):
    capture_code: str = Field(min_length=4, max_length=64, pattern=r"^[0-9A-Za-z-]+$",
                              description="学信网图像采集码")


class SchoolStats(BaseModel):
    school_code: str
    school_name: str
    imported: int
    submitted: int
    approved: int
    rejected: int


class SchoolStatsList(BaseModel):
    items: list[SchoolStats]
    total: int


class AuditOut(BaseModel):
    at: datetime
    actor: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    reason: str
    school_code: str | None
    details: dict[str, object]


class AuditList(Page):
    items: list[AuditOut]


class JwkSet(BaseModel):
    keys: list[dict[str, str]]


class DemoAccount(BaseModel):
    username: str
    role: str
    role_label: str
    display_name: str


class DemoStudent(BaseModel):
    school_code: str
    student_no: str
    secret: str


class SignInOptions(BaseModel):
    """What the login page may show: demo accounts only while the system runs in demo mode."""

    demo: bool
    demo_password: str | None = None
    demo_accounts: list[DemoAccount] = []
    demo_student: DemoStudent | None = None
