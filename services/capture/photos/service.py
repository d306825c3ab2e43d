"""The photo rules: no photo without an open check-in (a student and a sequence number) at the uploader's own
station. Refusals that could hide a mix-up (a closed number, a number that does not match, a photo taken before
its check-in opened) are recorded as anomalies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.capture.anomalies.service import raise_anomaly
from services.capture.checkins.service import find as find_checkin
from services.capture.checkins.service import own_station
from services.capture.events import PhotoAccepted, PhotoRejected
from services.capture.models import Checkin, CheckinStatus, Photo, utcnow
from services.capture.photos import repository as repo
from services.capture.photos import storage
from services.capture.photos.workers import PhotoWorkers
from services.kernel.blobstore.port import BlobStore
from services.kernel.errors import Conflict, NotFound
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork

# Camera and server clocks differ a little; a photo older than its check-in by more than this is not its.
CLOCK_SKEW = timedelta(seconds=30)


@dataclass(frozen=True)
class Upload:
    photo: Photo
    created: bool  # False: the same bytes were already stored for this check-in (a re-sent upload)


def upload(uow: UnitOfWork, principal: Principal, blobs: BlobStore, workers: PhotoWorkers, checkin_id: str,
           data: bytes, *, sequence_no: int | None = None, taken_at: datetime | None = None) -> Upload:
    checkin = find_checkin(uow, principal, checkin_id)
    station = own_station(uow, principal, checkin.station_id)
    digest = storage.sha256(data)
    # Idempotency before the state checks: a station that restarted mid-upload re-sends a photo that had landed,
    # possibly after the next student was scanned; it gets the stored photo back, not a refusal.
    existing = repo.by_content(uow.session, checkin.id, digest)
    if existing is not None:
        return Upload(existing, created=False)
    _refuse_mismatch(uow, principal, checkin, sequence_no, taken_at)
    inspection = workers.inspect(data)  # in a worker process: the checks hold the GIL (workers.py)
    version = repo.last_version(uow.session, checkin.subject_key) + 1
    original_key = storage.photo_key(station.school_code, checkin.subject_key, version, digest, "original")
    storage.store(blobs, original_key, data, inspection.content_type, digest)
    standard_key = standard_digest = None
    if inspection.standard is not None:
        standard_digest = storage.sha256(inspection.standard)
        standard_key = storage.photo_key(station.school_code, checkin.subject_key, version, digest, "standard")
        storage.store(blobs, standard_key, inspection.standard, "image/jpeg", standard_digest)
    first = not repo.has_accepted(uow.session, checkin.subject_key)
    photo = Photo(checkin_id=checkin.id, station_id=station.id, school_code=checkin.school_code,
                  province_code=checkin.province_code, subject_key=checkin.subject_key,
                  sequence_no=checkin.sequence_no, version=version, original_key=original_key,
                  original_sha256=digest, original_size=len(data), content_type=inspection.content_type,
                  standard_key=standard_key, standard_sha256=standard_digest, accepted=inspection.passed,
                  checks=inspection.checks, uploaded_by=principal.username, taken_at=taken_at)
    uow.session.add(photo)
    uow.session.flush()  # a concurrent upload of the same version or bytes becomes the registered 409 here
    _emit_verdict(uow, photo, first=first)
    return Upload(photo, created=True)


def _refuse_mismatch(uow: UnitOfWork, principal: Principal, checkin: Checkin, sequence_no: int | None,
                     taken_at: datetime | None) -> None:
    def refuse(kind: str, code: str, zh: str, en: str) -> None:
        raise_anomaly(uow, kind, school_code=checkin.school_code, province_code=checkin.province_code,
                      station_id=checkin.station_id, checkin_id=checkin.id, subject_key=checkin.subject_key,
                      reported_by=principal.username, detail=en)
        raise Conflict(code, zh + "，已记录异常", en + "; an anomaly was recorded", keep_changes=True)

    if checkin.status != CheckinStatus.OPEN:
        refuse("photo_for_closed_number", "checkin_closed", f"序号 {checkin.sequence_no} 已结束，不能再上传照片",
               f"No. {checkin.sequence_no} is closed; a photo cannot be added")
    if sequence_no is not None and sequence_no != checkin.sequence_no:
        refuse("sequence_mismatch", "sequence_mismatch",
               f"照片标注的序号 {sequence_no} 与签到序号 {checkin.sequence_no} 不符",
               f"The photo is marked no. {sequence_no} but the check-in is no. {checkin.sequence_no}")
    if taken_at is not None and taken_at < checkin.opened_at - CLOCK_SKEW:
        refuse("photo_predates_checkin", "photo_predates_checkin",
               f"照片拍摄时间早于序号 {checkin.sequence_no} 的签到时间，不属于该学生",
               f"The photo was taken before no. {checkin.sequence_no} was checked in; it is not theirs")


def _emit_verdict(uow: UnitOfWork, photo: Photo, *, first: bool) -> None:
    if photo.accepted:
        uow.emit(PhotoAccepted(photo_id=photo.id, checkin_id=photo.checkin_id, station_id=photo.station_id,
                               school_code=photo.school_code, province_code=photo.province_code,
                               subject_key=photo.subject_key, sequence_no=photo.sequence_no, version=photo.version,
                               first=first, overridden=photo.override_reason is not None))
    else:
        uow.emit(PhotoRejected(photo_id=photo.id, checkin_id=photo.checkin_id, station_id=photo.station_id,
                               school_code=photo.school_code, province_code=photo.province_code,
                               subject_key=photo.subject_key, version=photo.version,
                               failed=[c["code"] for c in photo.checks if c["passed"] is False]))


def override(uow: UnitOfWork, principal: Principal, photo_id: str, reason: str) -> Photo:
    """The photographer accepts a photo that failed a check, with a reason; who, when and why are kept."""
    photo = find(uow, principal, photo_id)
    checkin = find_checkin(uow, principal, photo.checkin_id)
    own_station(uow, principal, checkin.station_id)
    if checkin.status != CheckinStatus.OPEN:
        raise Conflict("checkin_closed", f"序号 {checkin.sequence_no} 已结束", f"No. {checkin.sequence_no} is closed")
    if photo.accepted:
        raise Conflict("photo_already_accepted", "该照片已通过", "This photo is already accepted")
    if photo.standard_key is None:
        raise Conflict("photo_unusable", "无法从该照片生成标准照，不能放行，请重拍",
                       "No standard photo can be made from this one; retake it")
    first = not repo.has_accepted(uow.session, photo.subject_key)
    photo.accepted, photo.override_reason = True, reason
    photo.overridden_by, photo.overridden_at = principal.username, utcnow()
    uow.session.add(photo)
    _emit_verdict(uow, photo, first=first)
    return photo


def find(uow: UnitOfWork, principal: Principal, photo_id: str) -> Photo:
    photo = repo.photo(uow.session, principal, photo_id)
    if photo is None:
        raise NotFound("photo_not_found", "照片不存在或无权查看", "No such photo, or you may not see it")
    return photo


def urls(blobs: BlobStore, photo: Photo) -> tuple[str, str | None]:
    """Short-lived signed links: photos never have a public address."""
    standard = storage.signed_url(blobs, photo.standard_key) if photo.standard_key else None
    return storage.signed_url(blobs, photo.original_key), standard
