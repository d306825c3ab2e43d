"""All SQL of the make-up calendar. Seats move only in single conditional statements: `booked + 1 WHERE booked <
seats` is atomic on SQLite (one writer) and on PostgreSQL (the row lock re-checks the condition), so concurrent
bookings can never take more seats than there are."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col

from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.tenancy import Principal
from services.scheduling.models import CertificateView, MakeupBooking, MakeupWindow


def window(session: Session, principal: Principal, window_id: str) -> MakeupWindow | None:
    return get_scoped(session, principal, MakeupWindow, id=window_id)


def windows(session: Session, principal: Principal) -> list[MakeupWindow]:
    return list_scoped(session, principal, MakeupWindow, MakeupWindow.date, MakeupWindow.period)


def bookings(session: Session, principal: Principal, window_id: str) -> list[MakeupBooking]:
    return list_scoped(session, principal, MakeupBooking, MakeupBooking.created_at, window_id=window_id)


def own_booking(session: Session, student: Principal) -> MakeupBooking | None:
    return get_scoped(session, student, MakeupBooking, subject_key=student.subject_key)


def take_seat(session: Session, window_id: str, not_before: date) -> bool:
    # DML executes to a CursorResult (the result with rowcount), though Session.execute is typed to return any Result.
    result = cast("CursorResult[*tuple[Any, ...]]", session.execute(
        update(MakeupWindow)
        .where(col(MakeupWindow.id) == window_id, col(MakeupWindow.booked) < MakeupWindow.seats,
               col(MakeupWindow.date) >= not_before)
        .values(booked=col(MakeupWindow.booked) + 1)))
    return bool(result.rowcount)


def release_seat(session: Session, window_id: str) -> None:
    session.execute(update(MakeupWindow)
                    .where(col(MakeupWindow.id) == window_id, col(MakeupWindow.booked) > 0)
                    .values(booked=col(MakeupWindow.booked) - 1))


def own_certificate(session: Session, student: Principal) -> CertificateView | None:
    """The student's own valid certificate (the scope narrows certificate_view to their pseudonym)."""
    return get_scoped(session, student, CertificateView, subject_key=student.subject_key, revoked=False)


def certificate_for_system(session: Session, number: str) -> CertificateView | None:
    return get_system(session, CertificateView, number=number)
