"""Rules of the make-up calendar.

Who may book: a student roster approved (present in scheduling's approved-student read model) who holds a valid
make-up certificate (roster's `roster.certificate.issued`, kept in certificate_view by pseudonym).
One seat per student (unique pseudonym); moving takes the new seat before releasing the old one, in one unit of
work, so a full window refuses the move and the old seat stays."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from services.kernel.errors import Conflict, Forbidden, NotFound, TucaiError
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.scheduling.makeup import repository as repo
from services.scheduling.models import LOCAL_TZ, CertificateView, MakeupBooking, MakeupWindow
from services.scheduling.slots.repository import own_student

PERIODS = {"am": ("08:30", "11:30"), "pm": ("14:30", "17:30")}  # seed 000's office hours


def today() -> date:
    return datetime.now(ZoneInfo(LOCAL_TZ)).date()


def create_window(uow: UnitOfWork, principal: Principal, province_code: str | None, day: date, period: str,
                  start: str | None, end: str | None, seats: int, location: str) -> MakeupWindow:
    province = principal.province if not principal.is_platform else province_code
    if not province:
        raise TucaiError("province_required", "请指定省份", "Name the province", status=422)
    start, end = start or PERIODS[period][0], end or PERIODS[period][1]
    if end <= start:
        raise TucaiError("makeup_window_invalid", "结束时间须晚于开始时间", "The end must be after the start",
                         status=422)
    window = MakeupWindow(province_code=province, date=day, period=period, start=start, end=end, seats=seats,
                          location=location, created_at=datetime.now(UTC))
    uow.session.add(window)
    return window


def list_windows(uow: UnitOfWork, principal: Principal) -> list[MakeupWindow]:
    return repo.windows(uow.session, principal)


def window_bookings(uow: UnitOfWork, principal: Principal, window_id: str) -> tuple[MakeupWindow,
                                                                                    list[MakeupBooking]]:
    return _window(uow, principal, window_id), repo.bookings(uow.session, principal, window_id)


def my_booking(uow: UnitOfWork, student: Principal) -> tuple[MakeupBooking, MakeupWindow]:
    booking = repo.own_booking(uow.session, student)
    if booking is None:
        raise NotFound("makeup_not_booked", "你还没有预约补拍", "You hold no make-up seat")
    return booking, _window(uow, student, booking.window_id)


def book(uow: UnitOfWork, student: Principal, window_id: str) -> tuple[MakeupBooking, MakeupWindow]:
    """Book a seat, or move the student's seat to `window_id`."""
    row = own_student(uow.session, student)
    if row is None:
        raise Conflict("not_approved", "资格审查通过后才能预约补拍", "Make-up seats are for approved students")
    if repo.own_certificate(uow.session, student) is None:
        raise Forbidden("makeup_certificate_required", "请先由学校开具补拍证明，再预约补拍",
                        "A make-up certificate from your school is required to book a make-up seat")
    window = _window(uow, student, window_id)
    booking = repo.own_booking(uow.session, student)
    if booking is not None and booking.window_id == window.id:
        return booking, window
    if not repo.take_seat(uow.session, window.id, today()):
        if window.date < today():
            raise Conflict("makeup_window_past", "该补拍时段已过", "This make-up window is over")
        raise Conflict("makeup_full", "该时段已约满，请选择其他时段", "This window is full; pick another")
    now = datetime.now(UTC)
    if booking is None:
        booking = MakeupBooking(window_id=window.id, province_code=row.province_code, school_code=row.school_code,
                                subject_key=row.subject_key, masked_name=row.masked_name,
                                college_name=row.college_name or "", class_name=row.class_name or "",
                                created_at=now, updated_at=now)
    else:
        repo.release_seat(uow.session, booking.window_id)
        booking.window_id, booking.updated_at = window.id, now
    uow.session.add(booking)
    uow.session.flush()  # a second booking of the same student fails here: 409 makeup_already_booked
    uow.session.refresh(window)
    return booking, window


def record_certificate(uow: UnitOfWork, number: str, subject_key: str, school_code: str, province_code: str,
                       issued_at: datetime) -> None:
    """Roster issued a certificate (applied again, it changes nothing: the number is the key)."""
    if repo.certificate_for_system(uow.session, number) is None:
        uow.session.add(CertificateView(number=number, subject_key=subject_key, school_code=school_code,
                                        province_code=province_code, issued_at=issued_at))


def cancel(uow: UnitOfWork, student: Principal) -> None:
    booking, _ = my_booking(uow, student)
    repo.release_seat(uow.session, booking.window_id)
    uow.session.delete(booking)


def _window(uow: UnitOfWork, principal: Principal, window_id: str) -> MakeupWindow:
    window = repo.window(uow.session, principal, window_id)
    if window is None:
        raise NotFound("makeup_window_not_found", "补拍时段不存在", "No such make-up window")
    return window
