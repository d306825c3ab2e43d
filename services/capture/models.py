"""Capture's tables (one metadata; the kernel adds outbox and inbox). Subjects are approved students known only
by pseudonym and masked facts; capture days, stations, check-ins, photos and anomalies are capture's own."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from services.kernel.db import UTCDateTime, new_registry
from services.kernel.errors import register_conflict
from services.kernel.events.outbox import add_event_tables
from services.kernel.ids import new_id
from services.kernel.tenancy import TenantScoped
from services.roster.projection import ApprovedStudent


class CaptureTable(SQLModel, registry=new_registry()):
    pass


metadata = CaptureTable.metadata
outbox, inbox = add_event_tables(metadata)


class Subject(CaptureTable, ApprovedStudent, table=True):
    """Who may be photographed (roster's projection): the photographer sees the masked name of the student in
    front of them. Beyond the projection: the CHSI capture code the student registered."""

    capture_code: str | None = Field(default=None, index=True, max_length=64)
    # When the school last issued the student a make-up certificate (补拍证明, roster's MakeupCertificateIssued):
    # a student already photographed is checked in again only with one issued after their last accepted photo.
    makeup_certified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class CaptureDay(CaptureTable, TenantScoped, table=True):
    """A day of capture at a school (published by scheduling later; until then created by the agency)."""

    __tablename__ = "capture_day"
    __table_args__ = (UniqueConstraint("school_code", "day"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    day: date  # the calendar day in Asia/Shanghai
    rooms: list[str] = _json_list()
    created_at: datetime = _created()


class Station(CaptureTable, TenantScoped, table=True):
    """A camera in a room on a capture day, run by one photographer (roster username: capture knows the
    photographer only from the token). `last_sequence_no` is the 拍摄序号 counter: one UPDATE … RETURNING per
    check-in, so numbers never repeat, even under concurrent scans."""

    __table_args__ = (UniqueConstraint("capture_day_id", "name"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    capture_day_id: str = Field(foreign_key="capture_day.id", index=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    day: date
    room: str = Field(max_length=80)
    name: str = Field(max_length=40)  # "机位1"
    photographer: str = Field(index=True, max_length=64)
    last_sequence_no: int = 0
    created_at: datetime = _created()


class CheckinStatus(StrEnum):
    OPEN = "open"  # the student in front of the camera
    DONE = "done"  # closed with an accepted photo
    CLOSED = "closed"  # closed without an accepted photo (left, sent to make-up): recorded with a reason
    VOID = "void"  # the number was wrong (another student scanned); it stays void, never reused


class Checkin(CaptureTable, TenantScoped, table=True):
    """A student bound to a sequence number at a station, before the shot. The partial unique indexes let the
    database settle races: one open check-in per station, one open check-in per student across stations."""

    __table_args__ = (
        UniqueConstraint("station_id", "sequence_no"),
        Index("uq_checkin_open_station", "station_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("uq_checkin_open_subject", "subject_key", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    station_id: str = Field(foreign_key="station.id", index=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    subject_key: str = Field(index=True, max_length=40)
    sequence_no: int
    status: str = Field(default=CheckinStatus.OPEN, index=True, max_length=8)
    method: str = Field(max_length=16)  # pass | capture_code | id_number (legacy)
    photographer: str = Field(max_length=64)
    opened_at: datetime = _created()
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    close_reason: str | None = Field(default=None, max_length=200)


class Photo(CaptureTable, TenantScoped, table=True):
    """One version of a student's photo: always bound to a check-in (student + sequence number). Objects live
    in the blob store under school/subject/version keys; the hashes let delivery and audits prove integrity.
    (checkin_id, original_sha256) is the idempotency key of a re-sent upload."""

    __table_args__ = (UniqueConstraint("subject_key", "version"), UniqueConstraint("checkin_id", "original_sha256"))

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    checkin_id: str = Field(foreign_key="checkin.id", index=True, max_length=32)
    station_id: str = Field(max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    subject_key: str = Field(index=True, max_length=40)
    sequence_no: int
    version: int
    original_key: str = Field(max_length=200)
    original_sha256: str = Field(max_length=64)
    original_size: int
    content_type: str = Field(max_length=40)
    standard_key: str | None = Field(default=None, max_length=200)
    standard_sha256: str | None = Field(default=None, max_length=64)
    accepted: bool
    checks: list[dict[str, Any]] = _json_list()
    override_reason: str | None = Field(default=None, max_length=200)
    overridden_by: str | None = Field(default=None, max_length=64)
    overridden_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    uploaded_by: str = Field(max_length=64)
    taken_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()


class Anomaly(CaptureTable, TenantScoped, table=True):
    """Something that could bind a photo to the wrong student, refused and queued for the agency."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    kind: str = Field(index=True, max_length=40)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    station_id: str | None = Field(default=None, max_length=32)
    checkin_id: str | None = Field(default=None, max_length=32)
    subject_key: str | None = Field(default=None, max_length=40)
    # The identity guard's flags: the photo version that raised it, and the other student whose face matched.
    # Delivery holds back both students (subject_key and other_subject_key) while the anomaly is open.
    photo_id: str | None = Field(default=None, max_length=32)
    other_subject_key: str | None = Field(default=None, index=True, max_length=40)
    detail: str = Field(max_length=400)
    reported_by: str = Field(max_length=64)
    status: str = Field(default="open", index=True, max_length=10)  # open | resolved
    resolution: str | None = Field(default=None, max_length=400)
    resolved_by: str | None = Field(default=None, max_length=64)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()


class ProofState(StrEnum):
    """A student's proofreading (照片校对) of their latest accepted photo; the first two are derived, never stored."""

    NOT_PHOTOGRAPHED = "not_photographed"
    TO_PROOFREAD = "to_proofread"
    CONFIRMED = "confirmed"
    REPORTED = "reported"


class Proof(CaptureTable, TenantScoped, table=True):
    """The student's verdict on one version of their photo. A newer accepted version makes it stale (the student
    proofreads again), so the state is `state` only while `version` is still the latest accepted one."""

    __subject_column__ = "subject_key"

    subject_key: str = Field(primary_key=True, max_length=40)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    photo_id: str = Field(max_length=32)
    version: int
    state: str = Field(max_length=12)  # confirmed | reported
    decided_at: datetime = _created()


class ProofReport(CaptureTable, TenantScoped, table=True):
    """What the student says is wrong with a photo version: `not_me` (张冠李戴, also an anomaly that holds the
    photo back from delivery) or `retake` (a request the station and the agency see). One of each kind per version:
    a replayed report returns the first."""

    __tablename__ = "proof_report"
    __table_args__ = (UniqueConstraint("subject_key", "version", "kind"),)
    __subject_column__ = "subject_key"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    subject_key: str = Field(index=True, max_length=40)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    photo_id: str = Field(max_length=32)
    version: int
    kind: str = Field(max_length=10)  # not_me | retake
    note: str = Field(default="", max_length=200)
    state: str = Field(default="open", index=True, max_length=10)  # open | resolved
    anomaly_id: str | None = Field(default=None, index=True, max_length=32)
    resolution: str | None = Field(default=None, max_length=200)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()


class ProofDeadline(CaptureTable, TenantScoped, table=True):
    """The proofreading deadline the agency set for a school's campaign term; without one, a photo may be
    proofread for a default period after it was taken. Students read their school's (school access)."""

    __tablename__ = "proof_deadline"
    __table_args__ = (UniqueConstraint("school_code", "term"),)
    __student_access__ = "school"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    term: str = Field(max_length=7)
    deadline: datetime = Field(sa_type=UTCDateTime)
    set_by: str = Field(max_length=64)
    updated_at: datetime = _created()


class FaceEmbedding(CaptureTable, TenantScoped, table=True):
    """The identity guard's face descriptor of one accepted photo version (photoqa.identity: 128 float32, 512 B),
    compared within a school and campaign (the subject's term). A biometric template of a pseudonymous student:
    it never leaves the capture database."""

    __tablename__ = "face_embedding"
    __table_args__ = (Index("ix_face_embedding_school_term", "school_code", "term", "created_at"),)

    photo_id: str = Field(foreign_key="photo.id", primary_key=True, max_length=32)
    school_code: str = Field(max_length=5)
    province_code: str = Field(index=True, max_length=2)
    term: str = Field(max_length=7)  # the campaign (roster's term, "2026-06")
    subject_key: str = Field(index=True, max_length=40)
    kind: str = Field(max_length=8)  # capture | retake | makeup (photoqa.identity.Kind)
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = _created()
class DeliveryPackage(CaptureTable, TenantScoped, table=True):
    """A delivery package (zip) of one school's accepted standard photos for one term, named by a pattern. Its
    content is fixed when it is requested (the DeliveryItem rows, summed up in content_sha256), so a retake after
    that changes nothing in it. The partial unique indexes settle concurrent requests: at most one package per
    school, term and naming is queued or running, and one live package per content (a request for content already
    packaged gets that package)."""

    __tablename__ = "delivery_package"
    __table_args__ = (
        Index("uq_delivery_package_active", "school_code", "term", "naming", unique=True,
              sqlite_where=text("status IN ('queued', 'running')"),
              postgresql_where=text("status IN ('queued', 'running')")),
        Index("uq_delivery_package_content", "school_code", "term", "naming", "content_sha256", unique=True,
              sqlite_where=text("status IN ('queued', 'running', 'ready')"),
              postgresql_where=text("status IN ('queued', 'running', 'ready')")),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    school_code: str = Field(index=True, max_length=5)
    province_code: str = Field(index=True, max_length=2)
    term: str = Field(max_length=7)
    naming: str = Field(max_length=16)  # id_number | student_no | capture_key
    content_sha256: str = Field(max_length=64)  # of the fixed content (salted by the id when rebuilt on purpose)
    status: str = Field(default="queued", index=True, max_length=10)  # queued running ready failed cancelled superseded
    job_id: str | None = Field(default=None, max_length=32)
    requested_by: str = Field(max_length=64)
    included: int = 0
    excluded: int = 0
    blob_key: str | None = Field(default=None, max_length=200)
    sha256: str | None = Field(default=None, max_length=64)
    size: int | None = None
    error_code: str | None = Field(default=None, max_length=80)
    created_at: datetime = _created()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeliveryItem(CaptureTable, TenantScoped, table=True):
    """One approved student's line in a package, fixed at request time: the photo version that goes in, or why
    the student is left out. File names are not stored here: for the 身份证号 and 学号 patterns they are joined
    inside roster and exist only in the package itself."""

    __tablename__ = "delivery_item"
    __table_args__ = (UniqueConstraint("package_id", "subject_key"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    package_id: str = Field(foreign_key="delivery_package.id", index=True, max_length=32)
    school_code: str = Field(max_length=5)
    province_code: str = Field(max_length=2)
    position: int
    subject_key: str = Field(max_length=40)
    photo_id: str | None = Field(default=None, max_length=32)
    standard_key: str | None = Field(default=None, max_length=200)
    standard_sha256: str | None = Field(default=None, max_length=64)
    excluded_reason: str | None = Field(default=None, max_length=40)


register_conflict("capture_day", "capture_day_exists", "该学校当天已有采集日",
                  "This school already has a capture day on that date")
register_conflict("station", "station_exists", "该采集日已有同名机位", "A station of that name exists on this day")
register_conflict("checkin", "checkin_race", "该学生或机位刚刚完成签到，请重试",
                  "The student or station was just checked in elsewhere; retry")
register_conflict("photo", "photo_race", "同一照片正在上传，请重试", "The same photo is being uploaded; retry")
register_conflict("proof_report", "proof_report_race", "同一报告正在提交，请重试",
                  "The same report is being filed; retry")
register_conflict("proof_deadline", "proof_deadline_race", "截止时间正在被修改，请重试",
                  "The deadline is being changed; retry")
register_conflict("delivery_package", "delivery_in_progress", "同一交付包刚刚被申请，正在生成，请稍候刷新",
                  "The same delivery package was just requested and is being made; refresh in a moment")
