"""Payments' tables (one metadata; the kernel adds outbox and inbox). Payers are approved students known by
pseudonym: who may owe the capture fee. Money is integer fen; times are UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.kernel.db import UTCDateTime, new_registry
from services.kernel.events.outbox import add_event_tables
from services.kernel.tenancy import TenantScoped
from services.roster.projection import ApprovedStudent


class PaymentsTable(SQLModel, registry=new_registry()):
    pass


metadata = PaymentsTable.metadata
outbox, inbox = add_event_tables(metadata)


class Payer(PaymentsTable, ApprovedStudent, table=True):
    """Who may owe the capture fee (roster's projection); nothing of payments' own yet."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _at() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


def _maybe_at() -> Any:
    return Field(default=None, sa_type=UTCDateTime)


class OrderKind(StrEnum):
    STUDENT = "student"  # one student pays their own fee before capture
    CLASS = "class"  # the class monitor pays for the photographed count after capture
    SCHOOL = "school"  # the school prepays


# The ledger's provider for money staff took by hand (cash, bank transfer): it is in no provider's bill and no
# provider can refund it. Its transaction ids are "OFFLINE-<reference>".
OFFLINE = "offline"


class PayerMode(StrEnum):
    STUDENT = "student"
    CLASS = "class"
    SCHOOL = "school"


class OrderState(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    CLOSED = "closed"
    REFUNDED = "refunded"


class RefundLedgerState(StrEnum):
    PENDING = "pending"  # recorded, not yet accepted by the provider
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the provider refused or closed it: needs a person


class FeeProfile(PaymentsTable, TenantScoped, table=True):
    """What a school's students pay this term, and who pays it. Money in fen."""

    __tablename__ = "fee_profile"
    __table_args__ = (UniqueConstraint("school_code", "term"),)
    __student_access__ = "school"  # a student may read the fee of their own school

    id: str = Field(primary_key=True, max_length=32)
    province_code: str = Field(index=True, max_length=2)
    school_code: str = Field(index=True, max_length=5)
    term: str = Field(max_length=7)
    amount_fen: int
    breakdown: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    payer_mode: str = Field(max_length=12)
    updated_by: str = Field(max_length=64)
    updated_at: datetime = _at()


class PaymentOrder(PaymentsTable, TenantScoped, table=True):
    """One order per owner (student, class or school) and term. `out_trade_no` is the number the providers know;
    re-paying reuses it, and only an order closed unpaid gets a new one (the old ones stay in trade_number)."""

    __tablename__ = "payment_order"
    __table_args__ = (UniqueConstraint("kind", "term", "owner_key"),)
    __subject_column__ = "subject_key"

    id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(max_length=12)
    owner_key: str = Field(max_length=40)  # subject_key / class_id / school_code
    province_code: str = Field(index=True, max_length=2)
    school_code: str = Field(index=True, max_length=5)
    class_id: str | None = Field(default=None, index=True, max_length=32)
    class_no: str | None = Field(default=None, max_length=40)
    subject_key: str | None = Field(default=None, index=True, max_length=40)
    term: str = Field(max_length=7)
    description: str = Field(max_length=120)
    amount_fen: int
    unit_fen: int
    quantity: int = 1  # students covered (the photographed count of a class order)
    out_trade_no: str = Field(unique=True, max_length=32)
    state: str = Field(default=OrderState.PENDING, index=True, max_length=12)
    opened_at: str = Field(default="", max_length=40)  # providers the current number was opened at: "wechat,alipay"
    channel: str | None = Field(default=None, max_length=16)
    launched_at: datetime | None = _maybe_at()
    expires_at: datetime | None = _maybe_at()
    paid_provider: str | None = Field(default=None, max_length=12)
    provider_txn: str | None = Field(default=None, max_length=64)
    paid_at: datetime | None = _maybe_at()
    closed_at: datetime | None = _maybe_at()
    created_at: datetime = _at()
    updated_at: datetime = _at()


class TradeNumber(PaymentsTable, table=True):
    """Every out_trade_no an order ever had: a late notification on an old number still finds its order."""

    __tablename__ = "trade_number"

    out_trade_no: str = Field(primary_key=True, max_length=32)
    order_id: str = Field(index=True, max_length=32)
    created_at: datetime = _at()


class Payment(PaymentsTable, TenantScoped, table=True):
    """One provider transaction credited or found: the payment ledger. A duplicate is kept and refunded. Money
    staff took offline is here too (provider OFFLINE), with who recorded it."""

    __tablename__ = "payment"
    __table_args__ = (UniqueConstraint("provider", "provider_txn"),)

    id: str = Field(primary_key=True, max_length=32)
    order_id: str = Field(index=True, max_length=32)
    province_code: str = Field(index=True, max_length=2)
    school_code: str = Field(index=True, max_length=5)
    class_id: str | None = Field(default=None, max_length=32)
    provider: str = Field(max_length=12)
    provider_txn: str = Field(max_length=64)
    out_trade_no: str = Field(max_length=32)
    amount_fen: int
    duplicate: bool = False
    paid_at: datetime | None = _maybe_at()
    recorded_by: str | None = Field(default=None, max_length=64)  # the staff member who took an offline payment
    created_at: datetime = _at()


class Refund(PaymentsTable, TenantScoped, table=True):
    """One refund, one number: retrying with the same out_refund_no refunds once at either provider."""

    __tablename__ = "refund"

    id: str = Field(primary_key=True, max_length=32)
    order_id: str = Field(index=True, max_length=32)
    payment_id: str = Field(index=True, max_length=32)
    province_code: str = Field(index=True, max_length=2)
    school_code: str = Field(index=True, max_length=5)
    class_id: str | None = Field(default=None, max_length=32)
    provider: str = Field(max_length=12)
    out_trade_no: str = Field(max_length=32)
    out_refund_no: str = Field(unique=True, max_length=32)
    amount_fen: int
    total_fen: int
    reason: str = Field(max_length=40)  # duplicate_payment / not_photographed / class_overpaid / school_overpaid
    state: str = Field(default=RefundLedgerState.PENDING, index=True, max_length=12)
    provider_refund_id: str | None = Field(default=None, max_length=64)
    error_code: str | None = Field(default=None, max_length=80)
    succeeded_at: datetime | None = _maybe_at()
    created_at: datetime = _at()
    updated_at: datetime = _at()


class NotificationLog(PaymentsTable, table=True):
    """Every notification received: accepted ones once per (provider, notification_id), rejected ones with their
    code. The unique key is the first of the two deduplications (the order's state is the second)."""

    __tablename__ = "notification_log"
    __table_args__ = (UniqueConstraint("provider", "notification_id"),)

    id: str = Field(primary_key=True, max_length=32)
    provider: str = Field(max_length=12)
    notification_id: str | None = Field(default=None, max_length=64)
    out_trade_no: str | None = Field(default=None, max_length=64)
    kind: str | None = Field(default=None, max_length=12)
    outcome: str = Field(max_length=24)  # credited / duplicate_payment / already_applied / refund / rejected
    reject_code: str | None = Field(default=None, max_length=40)
    received_at: datetime = _at()


class Photographed(PaymentsTable, TenantScoped, table=True):
    """Students photographed (capture's accepted photos): what a class settlement counts."""

    __tablename__ = "photographed"

    subject_key: str = Field(primary_key=True, max_length=40)
    province_code: str = Field(index=True, max_length=2)
    school_code: str = Field(index=True, max_length=5)
    class_id: str | None = Field(default=None, index=True, max_length=32)
    term: str = Field(max_length=7)
    photographed_at: datetime = _at()


class RunState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    UNTRUSTED = "untrusted"  # the bill's own summary disagrees with its rows: nothing was matched against it
    FAILED = "failed"  # the file is not a bill we can read (code in error_code)


class ReconciliationRun(PaymentsTable, TenantScoped, table=True):
    """One provider's bill of one day, reconciled for one province. Re-uploading the day re-runs the same row
    (discrepancies are keyed, so a re-run updates them instead of adding copies)."""

    __tablename__ = "reconciliation_run"
    __table_args__ = (UniqueConstraint("province_code", "provider", "bill_date"),)
    __tenant_level__ = "province"

    id: str = Field(primary_key=True, max_length=32)
    province_code: str = Field(index=True, max_length=2)
    provider: str = Field(max_length=12)
    bill_date: str = Field(max_length=10)  # YYYY-MM-DD, the providers' (Beijing) day
    state: str = Field(default=RunState.QUEUED, max_length=12)
    blob_key: str = Field(max_length=200)
    filename: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64)
    expected_sha1: str | None = Field(default=None, max_length=40)
    job_id: str | None = Field(default=None, max_length=32)
    rows: int = 0
    summary_ok: bool | None = None
    problems: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error_code: str | None = Field(default=None, max_length=40)
    created_by: str = Field(max_length=64)
    created_at: datetime = _at()
    finished_at: datetime | None = _maybe_at()


class DiscrepancyType(StrEnum):
    PROVIDER_ONLY = "provider_only"  # in the provider's bill, unknown here
    PLATFORM_ONLY = "platform_only"  # credited here, missing from the bill (carried one day first)
    AMOUNT_MISMATCH = "amount_mismatch"
    STATUS_MISMATCH = "status_mismatch"  # the bill says paid/refunded, our order or refund says otherwise
    DUPLICATE_PAYMENT = "duplicate_payment"  # a second transaction for an order, not refunded
    PAID_NOT_PHOTOGRAPHED = "paid_not_photographed"  # refund due
    PHOTOGRAPHED_UNPAID = "photographed_unpaid"  # receivable
    CLASS_OVERPAID = "class_overpaid"  # a class paid for more students than were photographed: refund due
    SCHOOL_OVERPAID = "school_overpaid"  # a school prepaid for more students than were photographed: refund due


class DiscrepancyState(StrEnum):
    OPEN = "open"
    CARRIED = "carried"  # waiting for the next day's bill (a payment near midnight lands in tomorrow's bill)
    CLEARED = "cleared"  # a later run no longer found it (the late bill row came, the student was photographed)
    RESOLVED = "resolved"  # a person decided (action + reason), audited


class Discrepancy(PaymentsTable, TenantScoped, table=True):
    """One thing the three-way match found. `key` names it stably (type + provider + transaction, or order,
    or student), so re-running a day updates it and a resolved one stays resolved."""

    __tablename__ = "discrepancy"
    __table_args__ = (UniqueConstraint("province_code", "key"),)

    id: str = Field(primary_key=True, max_length=32)
    key: str = Field(max_length=160)
    type: str = Field(index=True, max_length=24)
    state: str = Field(default=DiscrepancyState.OPEN, index=True, max_length=12)
    province_code: str = Field(index=True, max_length=2)
    school_code: str = Field(index=True, max_length=5)  # "" when the bill row matches no order of ours
    class_id: str | None = Field(default=None, max_length=32)
    subject_key: str | None = Field(default=None, max_length=40)
    provider: str | None = Field(default=None, max_length=12)
    bill_date: str | None = Field(default=None, max_length=10)  # the day whose run found (or carried) it
    run_id: str | None = Field(default=None, max_length=32)
    order_id: str | None = Field(default=None, max_length=32)
    out_trade_no: str | None = Field(default=None, max_length=64)
    provider_txn: str | None = Field(default=None, max_length=64)
    out_refund_no: str | None = Field(default=None, max_length=64)
    ours_fen: int | None = None  # what our ledger says
    bill_fen: int | None = None  # what the bill says
    amount_fen: int = 0  # what is due: a refund (to give back) or a receivable (to collect), in fen
    detail: str = Field(default="", max_length=200)
    resolution: str | None = Field(default=None, max_length=12)  # refund / mark_paid / ignore
    reason: str | None = Field(default=None, max_length=200)
    resolved_by: str | None = Field(default=None, max_length=64)
    resolved_at: datetime | None = _maybe_at()
    refund_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = _at()
    updated_at: datetime = _at()


class DiscrepancyAudit(PaymentsTable, TenantScoped, table=True):
    """Who did what to a discrepancy, when and why (append-only)."""

    __tablename__ = "discrepancy_audit"

    id: str = Field(primary_key=True, max_length=32)
    discrepancy_id: str = Field(index=True, max_length=32)
    province_code: str = Field(index=True, max_length=2)
    school_code: str = Field(max_length=5)
    action: str = Field(max_length=12)
    reason: str = Field(max_length=200)
    actor: str = Field(max_length=64)
    refund_id: str | None = Field(default=None, max_length=32)
    at: datetime = _at()
