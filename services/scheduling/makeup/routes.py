"""Make-up calendar routes: the agency's windows and lists; a student's own seat."""

from __future__ import annotations

from fastapi import Response

from services.kernel.auth import CurrentPrincipal
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.scheduling.allocation.instance import weekday
from services.scheduling.days.routes import Agency
from services.scheduling.makeup import service
from services.scheduling.makeup.schemas import (
    BookingIn,
    BookingOut,
    MakeupWindowIn,
    MakeupWindowList,
    MakeupWindowOut,
    WindowBookings,
)
from services.scheduling.models import LOCAL_TZ, MakeupBooking, MakeupWindow
from services.scheduling.slots.identity import StudentKey

router = ServiceRouter(prefix="/v1/makeup", tags=["makeup"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem},
                              409: {"model": Problem}})


def window_out(w: MakeupWindow) -> MakeupWindowOut:
    return MakeupWindowOut(id=w.id, province_code=w.province_code, timezone=LOCAL_TZ, date=w.date,
                           weekday=weekday(w.date), period=w.period, start=w.start, end=w.end, seats=w.seats,
                           booked=w.booked, free=max(0, w.seats - w.booked), location=w.location)


def booking_out(b: MakeupBooking, w: MakeupWindow) -> BookingOut:
    return BookingOut(id=b.id, window=window_out(w), school_code=b.school_code, masked_name=b.masked_name,
                      college_name=b.college_name, class_name=b.class_name, created_at=b.created_at,
                      updated_at=b.updated_at)


@router.get("/windows", response_model=MakeupWindowList, summary="Make-up windows of the caller's province")
def list_makeup_windows(principal: CurrentPrincipal, uow: UoW) -> MakeupWindowList:
    items = [window_out(w) for w in service.list_windows(uow, principal)]
    return MakeupWindowList(items=items, total=len(items))


@router.post("/windows", response_model=MakeupWindowOut, status_code=201, summary="Open a make-up window")
def create_makeup_window(body: MakeupWindowIn, principal: Agency, uow: UoW) -> MakeupWindowOut:
    window = service.create_window(uow, principal, body.province_code, body.date, body.period, body.start,
                                   body.end, body.seats, body.location)
    uow.session.flush()
    return window_out(window)


@router.get("/windows/{window_id}/bookings", response_model=WindowBookings, summary="Who booked a window")
def list_window_bookings(window_id: str, principal: Agency, uow: UoW) -> WindowBookings:
    window, bookings = service.window_bookings(uow, principal, window_id)
    items = [booking_out(b, window) for b in bookings]
    return WindowBookings(window=window_out(window), items=items, total=len(items))


@router.get("/bookings/me", response_model=BookingOut, summary="The student's make-up seat")
def read_my_booking(student: StudentKey, uow: UoW) -> BookingOut:
    return booking_out(*service.my_booking(uow, student))


@router.put("/bookings/me", response_model=BookingOut, summary="Book a seat, or move it to another window")
def book_makeup_seat(body: BookingIn, student: StudentKey, uow: UoW) -> BookingOut:
    return booking_out(*service.book(uow, student, body.window_id))


@router.delete("/bookings/me", status_code=204, response_class=Response, summary="Cancel the student's seat")
def cancel_makeup_seat(student: StudentKey, uow: UoW) -> Response:
    service.cancel(uow, student)
    return Response(status_code=204)
