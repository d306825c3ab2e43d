"""The reports' SQL: counts and sums grouped by school or class, every one through the caller's tenancy scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from services.kernel.tenancy import Principal, scoped
from services.payments.models import OFFLINE, FeeProfile, Payer, Payment, Photographed, Refund, RefundLedgerState

Key = tuple[str, str | None]  # (school_code, class_id or None for a whole school)


def _grouped(session: Session, principal: Principal, model: Any, value: Any, by_class: bool,
             school_code: str | None, *where: Any) -> dict[Key, int]:
    school = model.school_code
    klass = model.class_id if by_class else None
    columns = [school, klass] if klass is not None else [school]
    stmt = scoped(select(*columns, value).select_from(model), model, principal).where(*where).group_by(*columns)
    if school_code:
        stmt = stmt.where(school == school_code)
    found: dict[Key, int] = {}
    for row in session.execute(stmt):
        found[(row[0], row[1] if by_class else None)] = int(row[-1] or 0)
    return found


def payers(session: Session, principal: Principal, by_class: bool, school_code: str | None) -> dict[Key, int]:
    return _grouped(session, principal, Payer, func.count(), by_class, school_code)


def photographed(session: Session, principal: Principal, by_class: bool, school_code: str | None) -> dict[Key, int]:
    return _grouped(session, principal, Photographed, func.count(), by_class, school_code)


def paid(session: Session, principal: Principal, by_class: bool, school_code: str | None) -> dict[Key, int]:
    return _grouped(session, principal, Payment, func.sum(col(Payment.amount_fen)), by_class, school_code)


def paid_offline(session: Session, principal: Principal, by_class: bool, school_code: str | None) -> dict[Key, int]:
    """Of what was paid, the money staff took by hand (cash, transfer)."""
    return _grouped(session, principal, Payment, func.sum(col(Payment.amount_fen)), by_class, school_code,
                    col(Payment.provider) == OFFLINE)


def refunded(session: Session, principal: Principal, by_class: bool, school_code: str | None) -> dict[Key, int]:
    return _grouped(session, principal, Refund, func.sum(col(Refund.amount_fen)), by_class, school_code,
                    col(Refund.state) == RefundLedgerState.SUCCEEDED)


def classes(session: Session, principal: Principal, school_code: str | None) -> dict[Key, tuple[Any, Any]]:
    """Class number and name of every class with approved students in scope."""
    stmt = scoped(select(col(Payer.school_code), col(Payer.class_id), func.max(col(Payer.class_no)),
                         func.max(col(Payer.class_name))).select_from(Payer), Payer, principal)
    stmt = stmt.group_by(col(Payer.school_code), col(Payer.class_id))
    if school_code:
        stmt = stmt.where(col(Payer.school_code) == school_code)
    return {(r[0], r[1]): (r[2], r[3]) for r in session.execute(stmt)}


def fees(session: Session, principal: Principal, school_code: str | None) -> dict[str, FeeProfile]:
    """Each school's fee profile of its newest term."""
    stmt = scoped(select(FeeProfile), FeeProfile, principal).order_by(col(FeeProfile.term))
    if school_code:
        stmt = stmt.where(col(FeeProfile.school_code) == school_code)
    return {p.school_code: p for p in session.execute(stmt).scalars()}


def payments_between(session: Session, principal: Principal, since: datetime, until: datetime,
                     school_code: str | None) -> Iterator[tuple[str, datetime, int]]:
    """(provider, when paid, fen) of every ledger payment in scope paid in [since, until) — duplicates too: their
    money came in (and goes out again as a refund). A payment without the provider's time counts when recorded."""
    at = func.coalesce(col(Payment.paid_at), col(Payment.created_at))
    stmt = scoped(select(col(Payment.provider), at, col(Payment.amount_fen)).select_from(Payment), Payment,
                  principal).where(at >= since, at < until)
    if school_code:
        stmt = stmt.where(col(Payment.school_code) == school_code)
    for provider, paid_at, fen in session.execute(stmt):
        yield provider, paid_at, int(fen)


def refunds_between(session: Session, principal: Principal, since: datetime, until: datetime,
                    school_code: str | None) -> Iterator[tuple[str, datetime, int]]:
    """(provider, when it succeeded, fen) of every refund in scope that reached the payer in [since, until)."""
    at = col(Refund.succeeded_at)
    stmt = scoped(select(col(Refund.provider), at, col(Refund.amount_fen)).select_from(Refund), Refund,
                  principal).where(col(Refund.state) == RefundLedgerState.SUCCEEDED, at >= since, at < until)
    if school_code:
        stmt = stmt.where(col(Refund.school_code) == school_code)
    for provider, succeeded_at, fen in session.execute(stmt):
        yield provider, succeeded_at, int(fen)
