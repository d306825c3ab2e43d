"""Events capture publishes (its public contract). Other services import this module and nothing else of capture.
Payloads carry the pseudonymous subject key and ids, never names or ID numbers."""

from __future__ import annotations

from datetime import datetime

from services.kernel.events.event import Event


class CaptureEvent(Event):
    """Base of capture's events (registered by type and version when the class is defined)."""


class CheckinOpened(CaptureEvent):
    """A student was bound to a sequence number (拍摄序号) at a station: scheduling's live board counts arrivals."""

    TYPE = "capture.checkin.opened"

    checkin_id: str
    station_id: str
    capture_day_id: str
    school_code: str
    province_code: str
    subject_key: str
    sequence_no: int


class CheckinClosed(CaptureEvent):
    """A check-in ended: `done` (a photo was accepted), `closed` (without a photo, with a reason) or `void`
    (the number stays void with a reason)."""

    TYPE = "capture.checkin.closed"

    checkin_id: str
    station_id: str
    school_code: str
    province_code: str
    subject_key: str
    sequence_no: int
    status: str
    reason: str | None


class PhotoAccepted(CaptureEvent):
    """A photo version passed the checks (or a photographer overrode them). Retakes raise this again for the same
    subject: `first` is true only for the subject's first accepted photo, so payments counts photographed
    students by `first` (or by distinct subject_key)."""

    TYPE = "capture.photo.accepted"

    photo_id: str
    checkin_id: str
    station_id: str
    school_code: str
    province_code: str
    subject_key: str
    sequence_no: int
    version: int
    first: bool
    overridden: bool


class PhotoRejected(CaptureEvent):
    """A photo version failed the checks: the station asks for a retake."""

    TYPE = "capture.photo.rejected"

    photo_id: str
    checkin_id: str
    station_id: str
    school_code: str
    province_code: str
    subject_key: str
    version: int
    failed: list[str]


class AnomalyRaised(CaptureEvent):
    """Something that could bind a photo to the wrong student was refused and queued for the agency."""

    TYPE = "capture.anomaly.raised"

    anomaly_id: str
    kind: str
    school_code: str
    province_code: str
    station_id: str | None
    subject_key: str | None


class AnomalyResolved(CaptureEvent):
    TYPE = "capture.anomaly.resolved"

    anomaly_id: str
    kind: str
    school_code: str
    province_code: str


class ProofConfirmed(CaptureEvent):
    """The student confirmed (正确) this version of their photo during proofreading: delivery may include it."""

    TYPE = "capture.proof.confirmed"

    subject_key: str
    school_code: str
    province_code: str
    photo_id: str
    version: int
    confirmed_at: datetime


class ProofReported(CaptureEvent):
    """The student reported a photo version during proofreading: `not_me` (another student's photo on their record;
    `anomaly_id` names the anomaly that holds it back) or `retake` (they ask for a new photo). Field corrections
    are roster errata, not this. The student's note stays in capture (free text)."""

    TYPE = "capture.proof.reported"

    report_id: str
    subject_key: str
    school_code: str
    province_code: str
    photo_id: str
    version: int
    kind: str
    anomaly_id: str | None
