"""All of the prepayment feature's SQL; every read goes through the caller's tenancy scope."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from services.kernel.queries import get_scoped, list_scoped
from services.kernel.tenancy import Principal, scoped
from services.payments.models import (
    FeeProfile,
    OrderKind,
    Payer,
    PaymentOrder,
    Photographed,
    Refund,
    RefundLedgerState,
)


def profiles(session: Session, principal: Principal, school_code: str) -> list[FeeProfile]:
    """The school's fee profiles in scope, oldest term first."""
    return list_scoped(session, principal, FeeProfile, col(FeeProfile.term), school_code=school_code)


def payer_terms(session: Session, principal: Principal, school_code: str) -> dict[str, tuple[str, int]]:
    """Per term: the school's province and how many approved students it has (roster's read model)."""
    stmt = scoped(select(col(Payer.term), func.max(col(Payer.province_code)), func.count()).select_from(Payer),
                  Payer, principal)
    stmt = stmt.where(col(Payer.school_code) == school_code).group_by(col(Payer.term))
    return {row[0]: (row[1], int(row[2])) for row in session.execute(stmt)}


def photographed_count(session: Session, principal: Principal, school_code: str, term: str) -> int:
    stmt = scoped(select(func.count()).select_from(Photographed), Photographed, principal)
    stmt = stmt.where(col(Photographed.school_code) == school_code, col(Photographed.term) == term)
    return int(session.execute(stmt).scalar_one())


def school_order(session: Session, principal: Principal, school_code: str, term: str) -> PaymentOrder | None:
    return get_scoped(session, principal, PaymentOrder, kind=OrderKind.SCHOOL, term=term, owner_key=school_code)


def refunds(session: Session, principal: Principal, order_id: str) -> list[Refund]:
    return list_scoped(session, principal, Refund, col(Refund.created_at), order_id=order_id)


def refunded_fen(session: Session, principal: Principal, order_id: str) -> int:
    """What came back to the school from the order's own payment (a duplicate's refund returns the duplicate)."""
    stmt = scoped(select(func.coalesce(func.sum(col(Refund.amount_fen)), 0)).select_from(Refund), Refund, principal)
    stmt = stmt.where(col(Refund.order_id) == order_id, col(Refund.state) == RefundLedgerState.SUCCEEDED,
                      col(Refund.reason) != "duplicate_payment")
    return int(session.execute(stmt).scalar_one())
