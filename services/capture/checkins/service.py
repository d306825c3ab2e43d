"""The check-in rules. Every refusal has a stable code; the ones that hint at a mix-up (the same student open at
two stations, an ambiguous capture code) are recorded as anomalies and survive the refusal (keep_changes)."""

from __future__ import annotations

from dataclasses import dataclass

from services.capture.anomalies.service import raise_anomaly
from services.capture.checkins import capture_codes
from services.capture.checkins import repository as repo
from services.capture.checkins.passes import PassClaims
from services.capture.events import CheckinClosed, CheckinOpened
from services.capture.models import Checkin, CheckinStatus, Station, Subject, utcnow
from services.capture.stations import repository as stations_repo
from services.capture.stations.service import station as find_station
from services.capture.stations.service import today
from services.kernel.errors import Conflict, Forbidden, NotFound, TucaiError
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork


@dataclass(frozen=True)
class CheckinResult:
    checkin: Checkin
    subject: Subject
    created: bool  # False: a repeated scan of the student's open check-in at this station


def own_station(uow: UnitOfWork, principal: Principal, station_id: str) -> Station:
    """A station the caller runs today: only its photographer binds students or uploads at it."""
    station = find_station(uow, principal, station_id)
    if station.photographer != principal.username:
        raise Forbidden("station_not_yours", "该机位未分配给您", "This station is not assigned to you")
    if station.day != today():
        raise Conflict("station_not_today", "该机位不是今天的采集机位", "This station is not open today")
    return station


def check_in(uow: UnitOfWork, principal: Principal, station_id: str, *, pass_claims: PassClaims | None = None,
             capture_code: str | None = None, method: str | None = None) -> CheckinResult:
    """`pass_claims` name the student (a verified pass, or roster's answer to a legacy ID-number check-in, then
    `method` says so); otherwise the capture code does."""
    station = own_station(uow, principal, station_id)
    subject = _identify(uow, principal, station, pass_claims, capture_code)
    session = uow.session
    current = repo.open_checkin_of_subject(session, subject.subject_key)
    if current is not None and current.station_id == station.id:
        return CheckinResult(current, subject, created=False)
    if current is not None:
        raise_anomaly(uow, "open_at_two_stations", school_code=station.school_code,
                      province_code=station.province_code, station_id=station.id, checkin_id=current.id,
                      subject_key=subject.subject_key, reported_by=principal.username,
                      detail=f"scanned at station {station.id} while open as no. {current.sequence_no} "
                             f"at station {current.station_id}")
        raise Conflict("checkin_open_elsewhere", f"该学生正在其他机位签到（序号 {current.sequence_no}），已记录异常",
                       f"The student is checked in at another station (no. {current.sequence_no}); "
                       "an anomaly was recorded", keep_changes=True)
    _require_makeup_certificate(uow, subject)
    _free_station(uow, principal, station)
    checkin = Checkin(station_id=station.id, school_code=station.school_code, province_code=station.province_code,
                      subject_key=subject.subject_key, photographer=principal.username,
                      sequence_no=stations_repo.next_sequence_no(session, station.id),
                      method=method or ("pass" if pass_claims else "capture_code"))
    session.add(checkin)
    session.flush()  # the open-per-station and open-per-student indexes settle concurrent scans here (409)
    uow.emit(CheckinOpened(checkin_id=checkin.id, station_id=station.id, capture_day_id=station.capture_day_id,
                           school_code=station.school_code, province_code=station.province_code,
                           subject_key=subject.subject_key, sequence_no=checkin.sequence_no))
    return CheckinResult(checkin, subject, created=True)


def _require_makeup_certificate(uow: UnitOfWork, subject: Subject) -> None:
    """A student already photographed comes back only for a make-up shoot (补拍), with a make-up certificate the
    school issued after their last accepted photo; a retake is taken on the original check-in while it is open.
    The make-up photo is then compared with the earlier one by the identity guard (photos/guard.py)."""
    captured_at = repo.last_capture_at(uow.session, subject.subject_key)
    if captured_at is None:
        return
    certified = subject.makeup_certified_at
    if certified is None or certified <= captured_at:
        raise Conflict("makeup_certificate_required",
                       "该学生已完成拍摄；再次拍摄须持拍摄之后由学校开具的补拍证明（重拍请在原签到上进行）",
                       "The student has already been photographed; photographing them again needs a make-up "
                       "certificate issued by the school after that photo (a retake goes on the original check-in)")


def _identify(uow: UnitOfWork, principal: Principal, station: Station, pass_claims: PassClaims | None,
              capture_code: str | None) -> Subject:
    """Exactly one approved student of the station's school, or a refusal saying why not."""
    session = uow.session
    if pass_claims is not None:
        if pass_claims.school_code and pass_claims.school_code != station.school_code:
            raise _other_school()
        subject = repo.subject(session, pass_claims.subject_key)
        if subject is None:  # a genuine pass, but the student is not (or no longer) approved
            raise Conflict("subject_not_approved", "该学生未通过资格审查或已被撤销，不能拍摄",
                           "The student is not approved (or was withdrawn) for capture")
    else:
        matches = repo.subjects_by_capture_code(session, capture_codes.normalise(capture_code or ""))
        if not matches:
            raise NotFound("subject_unknown", "未找到该采集码对应的已审核学生",
                           "No approved student has this capture code")
        if len(matches) > 1:
            raise_anomaly(uow, "capture_code_ambiguous", school_code=station.school_code,
                          province_code=station.province_code, station_id=station.id,
                          reported_by=principal.username, detail="one capture code matches several students")
            raise Conflict("capture_code_ambiguous", "该采集码对应多名学生，请改用采集凭证，已记录异常",
                           "The capture code matches several students; use the pass. An anomaly was recorded",
                           keep_changes=True)
        subject = matches[0]
    if subject.school_code != station.school_code:
        raise _other_school()
    return subject


def _other_school() -> TucaiError:
    return Conflict("subject_other_school", "该学生不属于本机位的学校", "The student belongs to another school")


def _free_station(uow: UnitOfWork, principal: Principal, station: Station) -> None:
    """The station's previous student is done once a photo of theirs was accepted; without one, the photographer
    must close or void that number first, so no photo can drift to the next student."""
    previous = repo.open_checkin_of_station(uow.session, station.id)
    if previous is None:
        return
    if not repo.has_accepted_photo(uow.session, previous.id):
        raise Conflict("station_busy", f"序号 {previous.sequence_no} 尚未拍摄合格照片，请先完成、关闭或作废",
                       f"No. {previous.sequence_no} has no accepted photo yet; finish, close or void it first")
    _close(uow, previous, CheckinStatus.DONE, None)


def close(uow: UnitOfWork, principal: Principal, checkin_id: str, reason: str | None) -> Checkin:
    """Done when a photo was accepted; otherwise closed without a photo, which needs a reason (it is recorded)."""
    checkin = _open_own(uow, principal, checkin_id)
    if repo.has_accepted_photo(uow.session, checkin.id):
        return _close(uow, checkin, CheckinStatus.DONE, reason)
    if not reason:
        raise TucaiError("reason_required", "未拍摄合格照片就结束签到，需要填写原因",
                         "Closing without an accepted photo needs a reason", status=422)
    return _close(uow, checkin, CheckinStatus.CLOSED, reason)


def void(uow: UnitOfWork, principal: Principal, checkin_id: str, reason: str) -> Checkin:
    """A wrong binding caught before any photo: the number stays void with its reason, never reused."""
    checkin = _open_own(uow, principal, checkin_id)
    if repo.has_photos(uow.session, checkin.id):
        raise Conflict("checkin_has_photos", "该序号已有照片，不能作废；请报告异常",
                       "This number already has photos and cannot be voided; report an anomaly")
    return _close(uow, checkin, CheckinStatus.VOID, reason)


def find(uow: UnitOfWork, principal: Principal, checkin_id: str) -> Checkin:
    checkin = repo.checkin(uow.session, principal, checkin_id)
    if checkin is None:
        raise NotFound("checkin_not_found", "签到记录不存在或不属于您的机位", "No such check-in at your stations")
    return checkin


def _open_own(uow: UnitOfWork, principal: Principal, checkin_id: str) -> Checkin:
    checkin = find(uow, principal, checkin_id)
    own_station(uow, principal, checkin.station_id)
    if checkin.status != CheckinStatus.OPEN:
        raise Conflict("checkin_closed", f"序号 {checkin.sequence_no} 已结束", f"No. {checkin.sequence_no} is closed")
    return checkin


def _close(uow: UnitOfWork, checkin: Checkin, status: CheckinStatus, reason: str | None) -> Checkin:
    checkin.status, checkin.close_reason, checkin.closed_at = status, reason, utcnow()
    uow.session.add(checkin)
    uow.session.flush()  # before the station's next check-in is inserted (one open per station)
    uow.emit(CheckinClosed(checkin_id=checkin.id, station_id=checkin.station_id, school_code=checkin.school_code,
                           province_code=checkin.province_code, subject_key=checkin.subject_key,
                           sequence_no=checkin.sequence_no, status=status, reason=reason))
    return checkin


def subject_of(uow: UnitOfWork, checkin: Checkin) -> Subject | None:
    return repo.subject(uow.session, checkin.subject_key)
