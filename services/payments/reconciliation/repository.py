"""All of reconciliation's SQL: the ledger read column-wise into polars frames (system reads: the job runs for a
province, no user drives it), runs and discrepancies read through the tenancy scope, and the discrepancy upsert."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import polars as pl
from sqlalchemy import CursorResult, Table, func, select, update
from sqlmodel import Session, col
from sqlmodel import select as select_rows

from services.kernel.db import table_of, upsert_insert
from services.kernel.errors import register_conflict
from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.tenancy import Principal, unscoped_for_system
from services.payments.models import (
    Discrepancy,
    DiscrepancyAudit,
    DiscrepancyState,
    FeeProfile,
    Payer,
    Payment,
    PaymentOrder,
    Photographed,
    ReconciliationRun,
    Refund,
    RefundLedgerState,
    TradeNumber,
)
from services.payments.reconciliation import match

register_conflict("reconciliation_run", "reconciliation_exists", "该日账单正在对账，请稍后再试",
                  "This day's bill is being reconciled; retry shortly")

DISCREPANCIES = table_of(Discrepancy)
ORDERS = table_of(PaymentOrder)
PAYMENTS = table_of(Payment)
REFUNDS = table_of(Refund)
NUMBERS = table_of(TradeNumber)
OPEN_STATES = (DiscrepancyState.OPEN, DiscrepancyState.CARRIED)
PHOTOGRAPHED = table_of(Photographed)
PROFILES = table_of(FeeProfile)


def _rows(session: Session, table: Table, province: str, names: str, *where: Any) -> list[tuple[Any, ...]]:
    """A province's rows of `table`, only the columns named (space-separated), as plain tuples (system read)."""
    stmt = select(*(table.c[name] for name in names.split())).where(table.c.province_code == province, *where)
    return [tuple(row) for row in session.execute(unscoped_for_system(stmt)).all()]


def _beijing_day(column: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone("Asia/Shanghai").dt.strftime("%Y-%m-%d")


UTC_TIME = pl.Datetime("us", "UTC")


# -- the ledger as frames ------------------------------------------------------------------------------------------

def refunds_frame(session: Session, province: str) -> pl.DataFrame:
    """Every refund of the province that is not failed (money given back or on its way)."""
    rows = _rows(session, REFUNDS, province, "id payment_id order_id provider out_refund_no amount_fen state "
                 "succeeded_at created_at school_code class_id", REFUNDS.c.state != RefundLedgerState.FAILED)
    return pl.DataFrame(rows, orient="row", schema={
        "refund_id": pl.String, "payment_id": pl.String, "order_id": pl.String, "provider": pl.String,
        "out_refund_no": pl.String, "amount_fen": pl.Int64, "state": pl.String, "succeeded_at": UTC_TIME,
        "created_at": UTC_TIME, "school_code": pl.String, "class_id": pl.String})


def payments_frame(session: Session, province: str, refunds: pl.DataFrame) -> pl.DataFrame:
    rows = _rows(session, PAYMENTS, province, "id order_id provider provider_txn out_trade_no amount_fen paid_at "
                 "created_at school_code class_id duplicate")
    raw = pl.DataFrame(rows, orient="row", schema={
        "payment_id": pl.String, "order_id": pl.String, "provider": pl.String, "provider_txn": pl.String,
        "out_trade_no": pl.String, "amount_fen": pl.Int64, "paid_at": UTC_TIME, "created_at": UTC_TIME,
        "school_code": pl.String, "class_id": pl.String, "duplicate": pl.Boolean})
    refunded = refunds.group_by("payment_id").agg(pl.col("amount_fen").sum().alias("refunded_fen"))
    return (raw.join(refunded, on="payment_id", how="left")
            .with_columns(_beijing_day("paid_at").fill_null(_beijing_day("created_at")).alias("paid_day"),
                          pl.col("refunded_fen").fill_null(0))
            .select(list(match.PAYMENT_SCHEMA)))


def numbers_frame(session: Session, province: str) -> pl.DataFrame:
    """Every number an order of the province ever had, with the order's state and credited transaction."""
    stmt = select(NUMBERS.c.out_trade_no, ORDERS.c.id, ORDERS.c.state, ORDERS.c.provider_txn, ORDERS.c.school_code,
                  ORDERS.c.class_id, ORDERS.c.subject_key).join(ORDERS, ORDERS.c.id == NUMBERS.c.order_id)
    rows = session.execute(unscoped_for_system(stmt.where(ORDERS.c.province_code == province))).all()
    return match.frame((tuple(r) for r in rows), match.NUMBER_SCHEMA)


def orders_frame(session: Session, province: str, refunds: pl.DataFrame) -> pl.DataFrame:
    rows = _rows(session, ORDERS, province, "id kind state subject_key class_id school_code term amount_fen unit_fen "
                 "quantity")
    schema = {k: v for k, v in match.ORDER_SCHEMA.items() if k != "refunded_fen"}
    # Duplicates are refunded from the duplicate transaction: they do not reduce what the order itself paid.
    duplicates = match.frame(_rows(session, PAYMENTS, province, "id", PAYMENTS.c.duplicate), {"payment_id": pl.String})
    refunded = (refunds.join(duplicates, on="payment_id", how="anti")
                .group_by("order_id").agg(pl.col("amount_fen").sum().alias("refunded_fen")))
    return (match.frame(rows, schema).join(refunded, on="order_id", how="left")
            .with_columns(pl.col("refunded_fen").fill_null(0)))


def photographed_frame(session: Session, province: str) -> pl.DataFrame:
    return match.frame(_rows(session, PHOTOGRAPHED, province, "subject_key school_code class_id term"),
                       match.PHOTOGRAPHED_SCHEMA)


def profiles_frame(session: Session, province: str) -> pl.DataFrame:
    return match.frame(_rows(session, PROFILES, province, "school_code term amount_fen payer_mode"),
                       match.PROFILE_SCHEMA)


def provider_refunds(refunds: pl.DataFrame, provider: str) -> pl.DataFrame:
    """Refunds of one provider in match.REFUND_SCHEMA (dated by success, else by request, Beijing day)."""
    return (refunds.filter(pl.col("provider") == provider)
            .with_columns(_beijing_day("succeeded_at").fill_null(_beijing_day("created_at")).alias("day"))
            .select(list(match.REFUND_SCHEMA)))


def carried_keys(session: Session, province: str, provider: str) -> frozenset[str]:
    rows = session.execute(unscoped_for_system(select(DISCREPANCIES.c.key).where(
        DISCREPANCIES.c.province_code == province, DISCREPANCIES.c.provider == provider,
        DISCREPANCIES.c.state == DiscrepancyState.CARRIED))).scalars()
    return frozenset(rows)


# -- runs ----------------------------------------------------------------------------------------------------------

def run_in_scope(session: Session, principal: Principal, run_id: str) -> ReconciliationRun | None:
    return get_scoped(session, principal, ReconciliationRun, id=run_id)


def runs_in_scope(session: Session, principal: Principal) -> list[ReconciliationRun]:
    return list_scoped(session, principal, ReconciliationRun, col(ReconciliationRun.bill_date).desc())


def run_for_day(session: Session, province: str, provider: str, bill_date: str) -> ReconciliationRun | None:
    return get_system(session, ReconciliationRun, province_code=province, provider=provider, bill_date=bill_date)


def run_by_id(session: Session, run_id: str) -> ReconciliationRun | None:
    return get_system(session, ReconciliationRun, id=run_id)


# -- discrepancies -------------------------------------------------------------------------------------------------

def discrepancy_in_scope(session: Session, principal: Principal, discrepancy_id: str) -> Discrepancy | None:
    return get_scoped(session, principal, Discrepancy, id=discrepancy_id)


def discrepancies_in_scope(session: Session, principal: Principal, **filters: Any) -> list[Discrepancy]:
    return list_scoped(session, principal, Discrepancy, col(Discrepancy.created_at).desc(), col(Discrepancy.key),
                       **filters)


def upsert_findings(session: Session, province: str, run_id: str, findings: list[dict[str, Any]], at: datetime,
                    new_id: Any) -> None:
    """Insert new findings; refresh the amounts and state of ones still open or carried (or cleared before and
    found again); never touch a resolved one."""
    for start in range(0, len(findings), 500):
        batch = [{**f, "id": new_id(), "province_code": province, "run_id": run_id, "created_at": at,
                  "updated_at": at} for f in findings[start:start + 500]]
        stmt = upsert_insert(session, DISCREPANCIES).values(batch)
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=[DISCREPANCIES.c.province_code, DISCREPANCIES.c.key],
            set_={"state": excluded.state, "ours_fen": excluded.ours_fen, "bill_fen": excluded.bill_fen,
                  "amount_fen": excluded.amount_fen, "run_id": excluded.run_id, "bill_date": excluded.bill_date,
                  "updated_at": excluded.updated_at},
            where=DISCREPANCIES.c.state != DiscrepancyState.RESOLVED)
        session.execute(stmt)


def clear_missing(session: Session, province: str, provider: str, bill_date: str, found: set[str],
                  at: datetime) -> int:
    """What this run no longer finds is cleared: the ledger-wide findings (no bill date: photographed, duplicates
    kept in the ledger), and this provider's findings of this day or carried from an earlier one."""
    d = DISCREPANCIES.c
    this_bill = (d.provider == provider) & ((d.bill_date == bill_date) | (d.state == DiscrepancyState.CARRIED))
    stmt = select(d.id, d.key).where(d.province_code == province, d.state.in_(OPEN_STATES),
                                     d.bill_date.is_(None) | this_bill)
    gone = [row.id for row in session.execute(unscoped_for_system(stmt)) if row.key not in found]
    for start in range(0, len(gone), 500):
        session.execute(update(DISCREPANCIES).where(d.id.in_(gone[start:start + 500]))
                        .values(state=DiscrepancyState.CLEARED, updated_at=at))
    return len(gone)


def claim_resolution(session: Session, discrepancy_id: str, action: str, reason: str, actor: str,
                     at: datetime) -> bool:
    """Mark an open or carried discrepancy resolved: one conditional UPDATE, so of two concurrent resolutions
    (a double click, a replayed request) exactly one wins, and the winner holds the row until it commits."""
    result = cast("CursorResult[*tuple[Any, ...]]", session.execute(
        update(DISCREPANCIES).where(DISCREPANCIES.c.id == discrepancy_id, DISCREPANCIES.c.state.in_(OPEN_STATES))
        .values(state=DiscrepancyState.RESOLVED, resolution=action, reason=reason, resolved_by=actor,
                resolved_at=at, updated_at=at)))
    return result.rowcount == 1


def add_audit(session: Session, audit: DiscrepancyAudit) -> None:
    session.add(audit)
    session.flush()


def lock_order(session: Session, order_id: str) -> PaymentOrder | None:
    """The order, row-locked on PostgreSQL (FOR UPDATE; SQLite serialises writers anyway): refunds of one order
    are decided one at a time, so together they never exceed what was paid."""
    stmt = unscoped_for_system(select_rows(PaymentOrder).where(col(PaymentOrder.id) == order_id)).with_for_update()
    return session.exec(stmt).first()


def owner_order(session: Session, kind: str, term: str, owner_key: str) -> PaymentOrder | None:
    """A student's or class's order of a term, row-locked like lock_order (system read: the caller checked the
    discrepancy's scope)."""
    stmt = unscoped_for_system(select_rows(PaymentOrder).where(
        col(PaymentOrder.kind) == kind, col(PaymentOrder.term) == term, col(PaymentOrder.owner_key) == owner_key))
    return session.exec(stmt.with_for_update()).first()


def payer_of(session: Session, subject_key: str) -> Payer | None:
    return get_system(session, Payer, subject_key=subject_key)


def photographed_term(session: Session, subject_key: str) -> str | None:
    found = get_system(session, Photographed, subject_key=subject_key)
    return found.term if found and found.term else None


def class_term(session: Session, class_id: str) -> str | None:
    """The newest term a student of the class was photographed in."""
    stmt = select(func.max(PHOTOGRAPHED.c.term)).where(PHOTOGRAPHED.c.class_id == class_id)
    return session.execute(unscoped_for_system(stmt)).scalar_one_or_none() or None


def class_no(session: Session, class_id: str) -> str | None:
    stmt = select(func.max(table_of(Payer).c.class_no)).where(table_of(Payer).c.class_id == class_id)
    return session.execute(unscoped_for_system(stmt)).scalar_one_or_none()


def live_refunded(session: Session, payment_id: str) -> int:
    """What is refunded or being refunded from one payment (failed refunds gave nothing back)."""
    stmt = select(func.coalesce(func.sum(REFUNDS.c.amount_fen), 0)).where(
        REFUNDS.c.payment_id == payment_id, REFUNDS.c.state != RefundLedgerState.FAILED)
    return int(session.execute(unscoped_for_system(stmt)).scalar_one())


def order_payments(session: Session, order_id: str) -> list[Payment]:
    stmt = unscoped_for_system(select_rows(Payment)).where(col(Payment.order_id) == order_id).order_by(
        col(Payment.created_at))
    return list(session.exec(stmt))


def refund_for_txn(session: Session, provider: str, provider_txn: str) -> Refund | None:
    """The refund of one provider transaction of our ledger (a duplicate's automatic refund)."""
    stmt = unscoped_for_system(select_rows(Refund)).join(Payment, col(Payment.id) == col(Refund.payment_id)).where(
        col(Payment.provider) == provider, col(Payment.provider_txn) == provider_txn)
    return session.exec(stmt).first()
