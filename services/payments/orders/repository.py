"""All of the orders feature's SQL. Crediting is one conditional UPDATE (… WHERE state IN pending/closed), so
concurrent notifications and queries settle on the database: exactly one of them credits."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import CursorResult, Update, bindparam, func, select, update
from sqlmodel import Session, col

from services.kernel.db import dialect_insert, table_of
from services.kernel.errors import register_conflict
from services.kernel.ids import new_id
from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.tenancy import Principal, scoped, unscoped_for_system
from services.payments.models import (
    NotificationLog,
    OrderState,
    Payer,
    Payment,
    PaymentOrder,
    Photographed,
    Refund,
    RefundLedgerState,
    TradeNumber,
)

register_conflict("payment_order", "order_exists", "该订单已存在，请刷新后重试", "The order exists; reload and retry")
register_conflict("refund", "refund_exists", "该退款已登记", "The refund is already recorded")

ORDERS = table_of(PaymentOrder)
PAYMENTS = table_of(Payment)
REFUNDS = table_of(Refund)
LOG = table_of(NotificationLog)
NUMBERS = table_of(TradeNumber)


# -- reads ---------------------------------------------------------------------------------------------------------

def payer_in_scope(session: Session, principal: Principal, subject_key: str) -> Payer | None:
    """A payer row in the caller's scope (a student sees only their own, by the key in their token)."""
    return get_scoped(session, principal, Payer, subject_key=subject_key)


def class_payers(session: Session, principal: Principal, class_id: str) -> list[Payer]:
    return list_scoped(session, principal, Payer, Payer.roster_order, class_id=class_id)


def photographed_count(session: Session, principal: Principal, class_id: str, term: str) -> int:
    stmt = scoped(select(func.count()).select_from(Photographed), Photographed, principal)
    stmt = stmt.where(col(Photographed.class_id) == class_id, col(Photographed.term) == term)
    return int(session.execute(stmt).scalar_one())


def order_for_owner(session: Session, principal: Principal, kind: str, term: str, owner_key: str,
                    ) -> PaymentOrder | None:
    return get_scoped(session, principal, PaymentOrder, kind=kind, term=term, owner_key=owner_key)


def order_in_scope(session: Session, principal: Principal, order_id: str) -> PaymentOrder | None:
    return get_scoped(session, principal, PaymentOrder, id=order_id)


def orders_in_scope(session: Session, principal: Principal, **filters: Any) -> list[PaymentOrder]:
    return list_scoped(session, principal, PaymentOrder, col(PaymentOrder.created_at).desc(), **filters)


def order_by_id(session: Session, order_id: str) -> PaymentOrder | None:
    return get_system(session, PaymentOrder, id=order_id)


def order_by_trade_no(session: Session, out_trade_no: str) -> PaymentOrder | None:
    """System read (notifications): any number the order ever had; one query."""
    order: PaymentOrder | None = session.execute(_order_by_number(), {"out_trade_no": out_trade_no}).scalars().first()
    return order


def orders_to_sweep(session: Session, launched_before: datetime, now: datetime, limit: int) -> list[PaymentOrder]:
    """Pending orders that should have heard from the provider by now, or have expired (system)."""
    stmt = unscoped_for_system(select(PaymentOrder)).where(
        col(PaymentOrder.state) == OrderState.PENDING,
        (col(PaymentOrder.launched_at) <= launched_before) | (col(PaymentOrder.expires_at) <= now),
    ).order_by(col(PaymentOrder.created_at)).limit(limit)
    return list(session.execute(stmt).scalars())


def refunds_to_follow(session: Session, limit: int) -> list[Refund]:
    stmt = unscoped_for_system(select(Refund)).where(
        col(Refund.state).in_([RefundLedgerState.PENDING, RefundLedgerState.PROCESSING])).limit(limit)
    return list(session.execute(stmt).scalars())


def refund_by_id(session: Session, refund_id: str) -> Refund | None:
    return get_system(session, Refund, id=refund_id)


def refund_by_number(session: Session, out_refund_no: str) -> Refund | None:
    return get_system(session, Refund, out_refund_no=out_refund_no)


def payments_of(session: Session, order_id: str) -> list[Payment]:
    stmt = unscoped_for_system(select(Payment)).where(col(Payment.order_id) == order_id).order_by(
        col(Payment.created_at))
    return list(session.execute(stmt).scalars())


def payment_by_txn(session: Session, provider: str, provider_txn: str) -> Payment | None:
    return get_system(session, Payment, provider=provider, provider_txn=provider_txn)


def refunds_of(session: Session, order_id: str) -> list[Refund]:
    stmt = unscoped_for_system(select(Refund)).where(col(Refund.order_id) == order_id)
    return list(session.execute(stmt).scalars())


# -- writes --------------------------------------------------------------------------------------------------------

def add_order(session: Session, order: PaymentOrder) -> None:
    session.add(order)
    session.add(TradeNumber(out_trade_no=order.out_trade_no, order_id=order.id))
    session.flush()


def renumber(session: Session, order: PaymentOrder, out_trade_no: str) -> None:
    order.out_trade_no, order.opened_at, order.launched_at, order.channel = out_trade_no, "", None, None
    session.add(TradeNumber(out_trade_no=out_trade_no, order_id=order.id))
    session.add(order)
    session.flush()


# The statements of a notification, built once per dialect with bind parameters: a notification runs eight
# statements, and building each anew (values, coercions, the cache key) cost more than executing it.

@cache
def _log_insert(dialect: str) -> Any:
    names = ("id", "provider", "notification_id", "out_trade_no", "kind", "outcome", "reject_code")
    values: dict[str, Any] = {name: bindparam(name) for name in names}
    # RETURNING, not rowcount: SQLite's driver reports a stale rowcount for an INSERT that did nothing.
    return (dialect_insert(dialect, LOG).values(**values, received_at=func.now())
            .on_conflict_do_nothing(index_elements=[LOG.c.provider, LOG.c.notification_id]).returning(LOG.c.id))


@cache
def _log_outcome() -> Update:
    return (update(LOG).where(LOG.c.provider == bindparam("p_provider"),
                              LOG.c.notification_id == bindparam("p_notification_id"))
            .values(outcome=bindparam("outcome")))


@cache
def _credit() -> Update:
    return (update(ORDERS).where(ORDERS.c.id == bindparam("order_id"),
                                 ORDERS.c.state.in_([OrderState.PENDING, OrderState.CLOSED]))
            .values(state=OrderState.PAID, paid_provider=bindparam("provider"),
                    provider_txn=bindparam("provider_txn"), paid_at=bindparam("paid_at"),
                    updated_at=bindparam("now")))


_PAYMENT_COLUMNS = ("id", "order_id", "province_code", "school_code", "class_id", "provider", "provider_txn",
                    "out_trade_no", "amount_fen", "duplicate", "paid_at", "recorded_by")


@cache
def _payment_insert(dialect: str) -> Any:
    return (dialect_insert(dialect, PAYMENTS).values(**{name: bindparam(name) for name in _PAYMENT_COLUMNS},
                                                     created_at=func.now())
            .on_conflict_do_nothing(index_elements=[PAYMENTS.c.provider, PAYMENTS.c.provider_txn])
            .returning(PAYMENTS.c.id))


@cache
def _order_by_number() -> Any:
    return unscoped_for_system(select(PaymentOrder).join(TradeNumber, col(TradeNumber.order_id) == PaymentOrder.id)
                               .where(col(TradeNumber.out_trade_no) == bindparam("out_trade_no")))


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def log_notification(session: Session, provider: str, notification_id: str | None, out_trade_no: str | None,
                     kind: str | None, outcome: str, reject_code: str | None = None) -> bool:
    """Record a notification; False when this (provider, notification_id) was recorded before (a replay)."""
    return session.execute(_log_insert(_dialect(session)), {
        "id": new_id(), "provider": provider, "notification_id": notification_id, "out_trade_no": out_trade_no,
        "kind": kind, "outcome": outcome, "reject_code": reject_code}).first() is not None


def set_log_outcome(session: Session, provider: str, notification_id: str, outcome: str) -> None:
    session.execute(_log_outcome(), {"p_provider": provider, "p_notification_id": notification_id,
                                     "outcome": outcome})


def credit(session: Session, order_id: str, provider: str, provider_txn: str | None, paid_at: datetime,
           now: datetime) -> bool:
    """Mark the order paid if (and only if) nobody did yet: one conditional UPDATE, row-locked on PostgreSQL."""
    return _updated_one(session, _credit(), {"order_id": order_id, "provider": provider,
                                             "provider_txn": provider_txn, "paid_at": paid_at, "now": now})


def add_payment(session: Session, order: PaymentOrder, provider: str, provider_txn: str, out_trade_no: str,
                amount_fen: int, paid_at: datetime | None, duplicate: bool,
                recorded_by: str | None = None) -> str | None:
    """The ledger row of one provider transaction; None if this transaction is already in the ledger."""
    payment_id = new_id()
    inserted = session.execute(_payment_insert(_dialect(session)), {
        "id": payment_id, "order_id": order.id, "province_code": order.province_code,
        "school_code": order.school_code, "class_id": order.class_id, "provider": provider,
        "provider_txn": provider_txn, "out_trade_no": out_trade_no, "amount_fen": amount_fen,
        "duplicate": duplicate, "paid_at": paid_at, "recorded_by": recorded_by}).first()
    return payment_id if inserted is not None else None


def add_refund(session: Session, refund: Refund) -> None:
    session.add(refund)
    session.flush()


def move_refund(session: Session, refund_id: str, to: RefundLedgerState, now: datetime, **values: Any) -> bool:
    """Advance a refund that is still open; False if it was already settled (a replayed notification)."""
    return _updated_one(session, update(REFUNDS).where(
        REFUNDS.c.id == refund_id, REFUNDS.c.state.in_([RefundLedgerState.PENDING, RefundLedgerState.PROCESSING]))
        .values(state=to, updated_at=now, **values))


def close_order(session: Session, order_id: str, out_trade_no: str, now: datetime) -> bool:
    return _updated_one(session, update(ORDERS).where(
        ORDERS.c.id == order_id, ORDERS.c.out_trade_no == out_trade_no, ORDERS.c.state == OrderState.PENDING)
        .values(state=OrderState.CLOSED, closed_at=now, updated_at=now))


def mark_refunded(session: Session, order_id: str, now: datetime) -> bool:
    return _updated_one(session, update(ORDERS).where(ORDERS.c.id == order_id, ORDERS.c.state == OrderState.PAID)
                        .values(state=OrderState.REFUNDED, updated_at=now))


def _updated_one(session: Session, stmt: Update, params: dict[str, Any] | None = None) -> bool:
    """Run a conditional UPDATE of one row by id; whether it changed that row. DML executes to a CursorResult
    (the result with rowcount), though Session.execute is typed to return any Result."""
    result = cast("CursorResult[*tuple[Any, ...]]", session.execute(stmt, params))
    return result.rowcount == 1


def touch_launch(session: Session, order: PaymentOrder, provider: str, channel: str, now: datetime) -> None:
    opened = set(filter(None, order.opened_at.split(",")))
    opened.add(provider)
    order.opened_at, order.channel, order.launched_at = ",".join(sorted(opened)), channel, now
    order.updated_at = now
    session.add(order)
    session.flush()
