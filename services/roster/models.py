"""Roster's tables: the directory, accounts, students, imports, eligibility review, errata, certificates
and the audit log. Full personal data lives here and nowhere else."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.kernel.db import UTCDateTime, new_registry
from services.kernel.events.outbox import add_event_tables
from services.kernel.ids import new_id
from services.kernel.tenancy import TenantScoped


class RosterTable(SQLModel, registry=new_registry()):
    pass


metadata = RosterTable.metadata
outbox, inbox = add_event_tables(metadata)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


def _json() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Province(RosterTable, table=True):
    code: str = Field(primary_key=True, max_length=2)  # GB/T 2260 first two digits, "36" 江西
    name: str = Field(max_length=20)


class Agency(RosterTable, TenantScoped, table=True):
    __tenant_level__ = "province"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    province_code: str = Field(foreign_key="province.code", index=True, max_length=2)
    name: str = Field(max_length=80)


class School(RosterTable, TenantScoped, table=True):
    __student_access__ = "school"

    school_code: str = Field(primary_key=True, max_length=5)  # 院校代码; a branch campus uses its main school's
    province_code: str = Field(foreign_key="province.code", index=True, max_length=2)
    name: str = Field(max_length=80)
    # Who receives make-up photos and answers questions (printed on the 补拍证明).
    contact_recipient: str = Field(default="", max_length=40)
    contact_address: str = Field(default="", max_length=200)
    contact_postcode: str = Field(default="", max_length=6)
    contact_phone: str = Field(default="", max_length=20)
    # The second factor of student sign-in: id_last6 | birth_date | exam_no_last6
    student_second_factor: str = Field(default="id_last6", max_length=20)
    created_at: datetime = _created()


class Campus(RosterTable, TenantScoped, table=True):
    __table_args__ = (UniqueConstraint("school_code", "name"),)
    __student_access__ = "school"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(foreign_key="school.school_code", index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    name: str = Field(max_length=80)


class College(RosterTable, TenantScoped, table=True):
    __table_args__ = (UniqueConstraint("school_code", "code"),)
    __student_access__ = "school"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(foreign_key="school.school_code", index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    code: str = Field(max_length=20)
    name: str = Field(max_length=80)
    created_at: datetime = _created()


class SchoolClass(RosterTable, TenantScoped, table=True):
    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_code", "code"),)
    __student_access__ = "school"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(foreign_key="school.school_code", index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    college_id: str = Field(foreign_key="college.id", index=True, max_length=32)
    code: str = Field(max_length=40)  # 班号
    name: str = Field(default="", max_length=80)
    created_at: datetime = _created()


class Coordinator(RosterTable, TenantScoped, table=True):
    """A teacher per college, two students per class: who keeps the queue in roster order on the day."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(foreign_key="school.school_code", index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    college_id: str = Field(foreign_key="college.id", index=True, max_length=32)
    class_id: str | None = Field(default=None, foreign_key="school_class.id", max_length=32)
    kind: str = Field(max_length=20)  # college_teacher | class_student
    name: str = Field(max_length=40)
    phone: str = Field(max_length=20)
    created_at: datetime = _created()


class UserAccount(RosterTable, TenantScoped, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    username: str = Field(unique=True, max_length=64)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=32)
    display_name: str = Field(max_length=80)
    province_code: str | None = Field(default=None, index=True, max_length=2)
    school_code: str | None = Field(default=None, index=True, max_length=5)
    college_id: str | None = Field(default=None, max_length=32)  # a college coordinator's college
    class_id: str | None = Field(default=None, max_length=32)  # a class monitor's class
    is_demo: bool = False
    is_active: bool = True
    created_at: datetime = _created()


class Student(RosterTable, TenantScoped, table=True):
    __table_args__ = (UniqueConstraint("school_code", "student_no"), UniqueConstraint("school_code", "id_number"))
    __subject_column__ = "id"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(foreign_key="school.school_code", index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    college_id: str | None = Field(default=None, foreign_key="college.id", index=True, max_length=32)
    class_id: str | None = Field(default=None, foreign_key="school_class.id", index=True, max_length=32)
    campus: str | None = Field(default=None, max_length=80)
    student_no: str = Field(max_length=30)  # 学号
    exam_no: str | None = Field(default=None, index=True, max_length=30)  # 考生号
    name: str = Field(max_length=60)
    sex: str = Field(max_length=2)
    birth_date: date | None = None
    id_type: str = Field(default="居民身份证", max_length=30)
    id_number: str = Field(index=True, max_length=40)
    ethnicity_code: str | None = Field(default=None, max_length=2)
    ethnicity: str | None = Field(default=None, max_length=20)
    political_code: str | None = Field(default=None, max_length=2)
    political: str | None = Field(default=None, max_length=30)
    major_code: str | None = Field(default=None, max_length=20)
    major_name: str | None = Field(default=None, max_length=80)
    level: str = Field(max_length=20)  # 层次
    duration: str | None = Field(default=None, max_length=4)  # 学制
    study_mode: str | None = Field(default=None, max_length=20)  # 学习形式
    entry_date: date | None = None
    expected_graduation: date | None = None
    phone: str | None = Field(default=None, max_length=20)
    # imported -> submitted -> approved | rejected (-> submitted again after a fix)
    review_status: str = Field(default="imported", index=True, max_length=20)
    subject_key: str | None = Field(default=None, unique=True, max_length=40)  # pseudonym, set on approval
    capture_code: str | None = Field(default=None, max_length=64)  # 学信网图像采集码, opaque
    original_row: dict[str, Any] = _json()
    import_job_id: str | None = Field(default=None, max_length=32)
    # The import's warnings on this student's row ({code, field, message}), shown to the reviewer as rule flags;
    # a correction of a field replaces the warnings on it by what the validator says of the new value.
    import_warnings: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _created()
    updated_at: datetime = _created()


class ImportJob(RosterTable, TenantScoped, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(foreign_key="school.school_code", index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    filename: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64)
    blob_key: str = Field(max_length=200)
    file_format: str = Field(max_length=10)
    status: str = Field(default="validating", max_length=20)  # validating | validated | committed | failed | discarded
    progress: int = 0  # rows validated so far
    rows: int = 0
    accepted: int = 0
    updates: int = 0
    warnings: int = 0
    errors: int = 0
    rows_with_errors: int = 0
    error_code: str | None = Field(default=None, max_length=60)
    error_message: str | None = Field(default=None, max_length=400)
    created_by: str = Field(max_length=64)
    created_at: datetime = _created()
    committed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ImportIssue(RosterTable, TenantScoped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(foreign_key="importjob.id", index=True, max_length=32)
    school_code: str = Field(max_length=5)
    province_code: str = Field(max_length=2)
    row: int | None = None
    column: str | None = Field(default=None, max_length=80)
    field: str | None = Field(default=None, max_length=20)
    code: str = Field(max_length=60)
    severity: str = Field(max_length=10)
    message: str = Field(max_length=400)
    message_en: str = Field(max_length=400)
    student_no: str | None = Field(default=None, max_length=60)  # the row's 学号 and 姓名 as written
    student_name: str | None = Field(default=None, max_length=60)


class Campaign(RosterTable, TenantScoped, table=True):
    """A province's capture campaign for one graduation term and who is in it."""

    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("province_code", "term"),)
    __tenant_level__ = "province"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    province_code: str = Field(foreign_key="province.code", index=True, max_length=2)
    term: str = Field(max_length=7)  # graduation term, "2026-06"
    name: str = Field(max_length=80)
    levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    exclude_part_time: bool = True
    graduation_from: date
    graduation_to: date
    created_at: datetime = _created()


class ReviewBatch(RosterTable, TenantScoped, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(foreign_key="school.school_code", index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    term: str = Field(max_length=7)
    status: str = Field(default="pending", index=True, max_length=20)  # pending | decided
    submitted_by: str = Field(max_length=64)
    submitted_at: datetime = _created()
    students: int = 0
    approved: int = 0
    rejected: int = 0


class ReviewItem(RosterTable, TenantScoped, table=True):
    """One student's place in one batch and the province's decision on it."""

    __table_args__ = (UniqueConstraint("batch_id", "student_id"),)
    __subject_column__ = "student_id"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    batch_id: str = Field(foreign_key="reviewbatch.id", index=True, max_length=32)
    student_id: str = Field(foreign_key="student.id", index=True, max_length=32)
    school_code: str = Field(max_length=5, index=True)
    province_code: str = Field(max_length=2)
    term: str = Field(max_length=7)
    decision: str = Field(default="pending", max_length=20)  # pending | approved | rejected
    reason: str = Field(default="", max_length=200)
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Erratum(RosterTable, TenantScoped, table=True):
    __subject_column__ = "student_id"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    student_id: str = Field(foreign_key="student.id", index=True, max_length=32)
    school_code: str = Field(max_length=5, index=True)
    province_code: str = Field(max_length=2)
    field: str = Field(max_length=30)
    old_value: str = Field(default="", max_length=100)
    new_value: str = Field(max_length=100)
    reason: str = Field(default="", max_length=200)
    source: str = Field(max_length=20)  # proofreading | school
    status: str = Field(default="pending", index=True, max_length=20)  # pending | approved | rejected
    requested_by: str = Field(max_length=64)
    requested_at: datetime = _created()
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_reason: str = Field(default="", max_length=200)


class StudentChange(RosterTable, TenantScoped, table=True):
    """Every change to a student's data, whatever caused it: the student's full history."""

    __subject_column__ = "student_id"

    id: int | None = Field(default=None, primary_key=True)
    student_id: str = Field(foreign_key="student.id", index=True, max_length=32)
    school_code: str = Field(max_length=5)
    province_code: str = Field(max_length=2)
    field: str = Field(max_length=30)
    old_value: str = Field(default="", max_length=100)
    new_value: str = Field(default="", max_length=100)
    source: str = Field(max_length=20)  # import | errata | school
    reference: str | None = Field(default=None, max_length=32)  # import job or erratum id
    actor: str = Field(max_length=64)
    at: datetime = _created()


class StudentCapture(RosterTable, TenantScoped, table=True):
    """That a student was photographed for a term, as capture reported it (its PhotoAccepted events): the fact
    the review's "captured in an earlier term" rule reads, instead of guessing it from an earlier approval."""

    __tablename__ = "student_capture"
    __table_args__ = (UniqueConstraint("student_id", "term"),)
    __subject_column__ = "student_id"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    student_id: str = Field(foreign_key="student.id", index=True, max_length=32)
    school_code: str = Field(max_length=5, index=True)
    province_code: str = Field(max_length=2)
    term: str = Field(max_length=7)
    first_photo_id: str = Field(max_length=32)  # capture's photo ids (opaque here)
    captured_at: datetime = _created()
    latest_photo_id: str = Field(max_length=32)
    latest_version: int
    updated_at: datetime = _created()


class Certificate(RosterTable, TenantScoped, table=True):
    """补拍证明: issued by the school, verified by the agency at the make-up shoot."""

    __subject_column__ = "student_id"

    number: str = Field(primary_key=True, max_length=40)
    student_id: str = Field(foreign_key="student.id", index=True, max_length=32)
    school_code: str = Field(max_length=5, index=True)
    province_code: str = Field(max_length=2, index=True)
    sequence: int
    issued_by: str = Field(max_length=64)
    issued_at: datetime = _created()
    revoked: bool = False


class AuditEntry(RosterTable, TenantScoped, table=True):
    """Who did what, when and why: review decisions, errata decisions, imports, certificates."""

    id: int | None = Field(default=None, primary_key=True)
    school_code: str | None = Field(default=None, max_length=5, index=True)
    province_code: str | None = Field(default=None, max_length=2, index=True)
    actor: str = Field(max_length=64)
    actor_role: str = Field(max_length=32)
    action: str = Field(max_length=60)
    target_type: str = Field(max_length=30)
    target_id: str = Field(max_length=40)
    reason: str = Field(default="", max_length=200)
    details: dict[str, Any] = _json()
    at: datetime = _created()


class CertificateCounter(RosterTable, TenantScoped, table=True):
    """The last make-up certificate sequence a school used in a year. A number comes from one atomic increment
    of this row (never from counting certificates), so two certificates issued at once never share one."""

    __tablename__ = "certificate_counter"

    school_code: str = Field(foreign_key="school.school_code", primary_key=True, max_length=5)
    year: int = Field(primary_key=True)
    province_code: str = Field(max_length=2)
    value: int = 0


class SignInFailure(RosterTable, table=True):
    """Failed sign-ins of one account key (a username, or a school and 学号; real or not, so the lock tells nobody
    which accounts exist), by its SHA-256. In the database so that every roster replica counts the same
    failures: a per-process count would multiply the guesses by the number of replicas."""

    __tablename__ = "sign_in_failure"

    key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    window_start: datetime = Field(sa_type=UTCDateTime, index=True)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RefreshToken(RosterTable, table=True):
    """A refresh token, by its SHA-256 (the token itself is only ever in the client's hands). Rotated on use: the
    used one points at its successor; presenting a used one again revokes its whole family (a stolen copy)."""

    __tablename__ = "refresh_token"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    family: str = Field(index=True, max_length=32)
    token_hash: str = Field(unique=True, max_length=64)
    subject: str = Field(index=True, max_length=32)
    claims: dict[str, Any] = _json()  # the principal the access tokens are issued for
    issued_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
