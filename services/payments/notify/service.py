"""Applying a verified notification. Plain functions on a unit of work; they never commit.

The first statement is the INSERT of the notification id (ON CONFLICT DO NOTHING): a replay stops there, and the
write comes first so that SQLite serialises concurrent deliveries instead of failing them. The order's state is
the second guard (a conditional UPDATE in orders.repository.credit)."""

from __future__ import annotations

import structlog

from services.kernel.uow import UnitOfWork
from services.payments.orders import repository as orders
from services.payments.orders import service as order_rules
from services.payments.providers.port import NotificationKind, RefundState, TradeState, VerifiedNotification

log = structlog.get_logger("tucai.payments.notify")


def apply(uow: UnitOfWork, n: VerifiedNotification) -> str:
    provider = n.provider.value
    if not orders.log_notification(uow.session, provider, n.notification_id, n.out_trade_no, n.kind.value,
                                   "received"):
        return "replayed"
    outcome = _apply(uow, n)
    orders.set_log_outcome(uow.session, provider, n.notification_id, outcome)
    return outcome


def _apply(uow: UnitOfWork, n: VerifiedNotification) -> str:
    order = orders.order_by_trade_no(uow.session, n.out_trade_no)
    if order is None:
        log.warning("notification_for_unknown_order", provider=n.provider.value, out_trade_no=n.out_trade_no)
        return "unknown_order"
    if n.kind is NotificationKind.PAYMENT:
        if n.trade_state is not TradeState.PAID or not n.provider_txn:
            return "ignored"
        return order_rules.credit_payment(uow, order, n.provider.value, n.provider_txn, n.out_trade_no,
                                          n.amount_fen if n.amount_fen is not None else -1, n.occurred_at)
    if n.kind is NotificationKind.REFUND:
        # Matched by our own refund number. Alipay's refund_fee is CUMULATIVE over the trade, so the amount of
        # this refund is ours, never the notification's.
        refund = orders.refund_by_number(uow.session, n.out_refund_no or "")
        if refund is None:
            log.warning("notification_for_unknown_refund", out_refund_no=n.out_refund_no)
            return "unknown_refund"
        ok = n.refund_state is RefundState.SUCCESS
        settled = order_rules.refund_settled(uow, refund, ok, None, None if ok else str(n.refund_state))
        return "refund_settled" if settled else "refund_already_settled"
    if order.out_trade_no == n.out_trade_no and order_rules.close_expired(uow, order):
        return "closed"
    return "ignored"


def rejected(uow: UnitOfWork, provider: str, code: str, out_trade_no: str | None = None) -> None:
    """A refused notification is logged (never deduplicated: each attempt is a row)."""
    orders.log_notification(uow.session, provider, None, out_trade_no, None, "rejected", code)
