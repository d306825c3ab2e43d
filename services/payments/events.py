"""Events payments publishes (its public contract). Money is integer fen; ids are opaque."""

from __future__ import annotations

from datetime import datetime

from services.kernel.events.event import Event


class PaymentEvent(Event):
    order_id: str
    kind: str  # student / class / school
    province_code: str
    school_code: str
    class_id: str | None
    subject_key: str | None  # the student of a student order
    term: str


class OrderPaid(PaymentEvent):
    """An order was credited once (from a verified notification or a query): the student or class has paid."""

    TYPE = "payments.order.paid"

    out_trade_no: str
    provider: str
    amount_fen: int
    quantity: int
    paid_at: datetime | None


class OrderClosed(PaymentEvent):
    """An order expired unpaid and was closed at the providers."""

    TYPE = "payments.order.closed"

    out_trade_no: str


class RefundSucceeded(PaymentEvent):
    """A refund reached the payer (duplicate payment, paid but not photographed, class overpayment)."""

    TYPE = "payments.refund.succeeded"

    out_refund_no: str
    amount_fen: int
    reason: str
