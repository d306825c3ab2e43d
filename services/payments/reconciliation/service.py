"""Reconciliation's rules. Plain functions on a unit of work; they never commit.

A day's bill of one provider is uploaded by the agency, kept in the object store and reconciled by a job for the
agency's province: bill ↔ ledger (match.match_bill) and ledger ↔ who was photographed (match.match_photographed).
What is found is keyed, so re-running a day (a corrected bill, a late upload) updates instead of duplicating.
A person resolves each discrepancy with an action and a reason: refund (through the provider, with its own
out_refund_no, never more than was paid), mark paid (credit an order the bill shows paid, or enter a receivable
collected offline — cash or transfer — as an offline ledger entry, so reports and the next run count it) or
ignore; each resolution is audited and happens once.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import structlog

from services.kernel.blobstore import BlobStore
from services.kernel.errors import Conflict, Forbidden, NotFound, TucaiError
from services.kernel.ids import new_id
from services.kernel.jobs import enqueue
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.payments.bills import BillError, parse_bill
from services.payments.bills.columnar import BillFrame, read_wechat_bill
from services.payments.fees import repository as fees
from services.payments.models import (
    OFFLINE,
    Discrepancy,
    DiscrepancyAudit,
    DiscrepancyType,
    OrderKind,
    OrderState,
    Payment,
    ReconciliationRun,
    Refund,
    RunState,
)
from services.payments.orders import repository as orders_repo
from services.payments.orders import service as order_rules
from services.payments.providers.port import Provider
from services.payments.reconciliation import match
from services.payments.reconciliation import repository as repo

log = structlog.get_logger("tucai.payments.reconciliation")

RECONCILE_JOB = "payments.reconcile"
MAX_BILL_BYTES = 256 * 1024**2  # a day of a large campaign is a few hundred thousand rows: ~100 MB as CSV
T = DiscrepancyType
# Which resolutions make sense for which finding (ignore always does).
ACTIONS: dict[str, set[str]] = {
    T.PAID_NOT_PHOTOGRAPHED: {"refund"}, T.CLASS_OVERPAID: {"refund"}, T.SCHOOL_OVERPAID: {"refund"},
    T.DUPLICATE_PAYMENT: {"refund"}, T.STATUS_MISMATCH: {"mark_paid"}, T.PHOTOGRAPHED_UNPAID: {"mark_paid"},
}
REFUND_REASON = {T.PAID_NOT_PHOTOGRAPHED: "not_photographed", T.CLASS_OVERPAID: "class_overpaid",
                 T.SCHOOL_OVERPAID: "school_overpaid", T.DUPLICATE_PAYMENT: "duplicate_payment"}
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")

Progress = Callable[[int, int, str], None]


BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


# -- runs ----------------------------------------------------------------------------------------------------------

def _province(principal: Principal) -> str:
    if not principal.province:
        raise Forbidden("province_required", "仅限本省采集中心操作", "Only a province's agency may do this")
    return principal.province


def _bill_date(text: str) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise TucaiError("bad_bill_date", "账单日期格式应为 YYYY-MM-DD", "bill_date must be YYYY-MM-DD",
                         status=422) from None
    if day > now().astimezone(BEIJING).date():  # a bill is a Beijing day: UTC's date lags it until 08:00 there
        raise TucaiError("bad_bill_date", "账单日期不能晚于今天", "bill_date is in the future", status=422)
    return day.isoformat()


def _looks_like_bill(data: bytes) -> bool:
    """A cheap check before anything is stored: a zip (Alipay), a gzip, or text whose first line has commas."""
    if data[:2] in (b"PK", b"\x1f\x8b"):
        return True
    first = data[:4096].split(b"\n", 1)[0]
    return b"," in first and b"\x00" not in first


def start_run(uow: UnitOfWork, blobs: BlobStore, principal: Principal, provider: Provider, bill_date: str,
              filename: str, data: bytes, expected_sha1: str | None) -> ReconciliationRun:
    """Keep the bill and queue its reconciliation; the same day again re-runs the same run (unless running)."""
    province = _province(principal)
    day = _bill_date(bill_date)
    if len(data) > MAX_BILL_BYTES:
        raise TucaiError("file_too_large", "账单文件过大", "The bill file is too large", status=413)
    if not data or not _looks_like_bill(data):
        raise TucaiError("not_a_bill", "不是微信支付或支付宝的对账单文件", "Not a WeChat Pay or Alipay bill",
                         status=422)
    if expected_sha1 is not None and not _SHA1.match(expected_sha1):
        raise TucaiError("bad_sha1", "SHA1 校验值格式错误", "sha1 must be 40 hex digits", status=422)
    run = repo.run_for_day(uow.session, province, provider.value, day)
    if run is not None and run.state in (RunState.QUEUED, RunState.RUNNING):
        raise Conflict("reconciliation_running", "该日账单正在对账，请稍后再试",
                       "This day's bill is being reconciled; retry shortly")
    if run is None:
        run = ReconciliationRun(id=new_id(), province_code=province, provider=provider.value, bill_date=day,
                                blob_key="", filename="", size=0, sha256="", created_by=principal.username)
    sha = hashlib.sha256(data).hexdigest()
    run.blob_key = f"payments/bills/{province}/{provider.value}/{day}/{sha}"
    run.filename, run.size, run.sha256, run.expected_sha1 = filename[:200], len(data), sha, expected_sha1
    run.state, run.rows, run.summary_ok, run.problems, run.counts = RunState.QUEUED, 0, None, [], {}
    run.error_code, run.finished_at, run.created_by, run.created_at = None, None, principal.username, now()
    blobs.put(run.blob_key, data, content_type="application/octet-stream", metadata={"sha256": sha})
    uow.session.add(run)
    uow.session.flush()
    run.job_id = enqueue(uow, RECONCILE_JOB, {"run_id": run.id}, province=province, max_attempts=2)
    return run


def runs(uow: UnitOfWork, principal: Principal) -> list[ReconciliationRun]:
    return repo.runs_in_scope(uow.session, principal)


def run(uow: UnitOfWork, principal: Principal, run_id: str) -> ReconciliationRun:
    found = repo.run_in_scope(uow.session, principal, run_id)
    if found is None:
        raise NotFound("reconciliation_not_found", "对账记录不存在", "No such reconciliation run")
    return found


def _finish(run: ReconciliationRun, state: RunState, code: str | None = None) -> None:
    run.state, run.error_code, run.finished_at = state, code, now()


def reconcile(uow: UnitOfWork, blobs: BlobStore, run: ReconciliationRun, progress: Progress) -> dict[str, int]:
    """The job's work: parse, load the ledger, match, write. A bill that cannot be read or whose own summary
    disagrees with its rows is recorded as such and matched against nothing."""
    run.state = RunState.RUNNING
    try:
        bill = read_bill(blobs.get(run.blob_key), run.expected_sha1)
    except BillError as error:
        run.problems = [str(error)[:200]]
        _finish(run, RunState.FAILED, error.code)
        return {}
    run.rows, run.summary_ok, run.problems = bill.rows.height, bill.summary_ok, [p[:200] for p in bill.problems]
    if bill.provider != run.provider:
        run.problems = [f"this is a {bill.provider} bill, uploaded as {run.provider}"]
        _finish(run, RunState.FAILED, "provider_mismatch")
        return {}
    if not bill.summary_ok:
        _finish(run, RunState.UNTRUSTED, "summary_mismatch")
        return {}
    progress(1, 4, "账单已解析")
    findings = find(uow, run.province_code, run.provider, run.bill_date, bill.rows)
    progress(2, 4, "已比对")
    counts = write_findings(uow, run, findings)
    _finish(run, RunState.DONE)
    return counts


def read_bill(data: bytes, expected_sha1: str | None) -> BillFrame:
    """Alipay's zip through its parser (its bills are a day of one merchant: small); WeChat's trade bill, which
    can reach a million rows, column-wise."""
    if data[:2] != b"PK":
        return read_wechat_bill(data, expected_sha1)
    parsed = parse_bill(io.BytesIO(data), expected_sha1)
    return BillFrame(parsed.provider, parsed.summary_ok, match.bill_frame(parsed.rows), parsed.problems)


def find(uow: UnitOfWork, province: str, provider: str, bill_date: str, bill: pl.DataFrame) -> pl.DataFrame:
    """Load the province's ledger as frames and run both matches; bill findings first (they win a shared key)."""
    session = uow.session
    refunds = repo.refunds_frame(session, province)
    payments = repo.payments_frame(session, province, refunds)
    day = match.DayInput(provider=provider, bill_date=bill_date, bill=bill,
                         payments=payments.filter(pl.col("provider") == provider),
                         numbers=repo.numbers_frame(session, province),
                         refunds=repo.provider_refunds(refunds, provider),
                         carried_keys=repo.carried_keys(session, province, provider))
    billed = match.match_bill(day).with_columns(bill_date=pl.lit(bill_date))
    ledger = match.match_photographed(repo.orders_frame(session, province, refunds),
                                      repo.photographed_frame(session, province),
                                      repo.profiles_frame(session, province), payments)
    ledger = ledger.with_columns(bill_date=pl.lit(None, pl.String))
    return pl.concat([billed, ledger], how="vertical").unique(subset="key", keep="first", maintain_order=True)


def write_findings(uow: UnitOfWork, run: ReconciliationRun, findings: pl.DataFrame) -> dict[str, int]:
    at = now()
    rows = findings.to_dicts()
    for row in rows:
        row["school_code"] = row["school_code"] or ""
        row["detail"] = row["detail"][:200]
    repo.upsert_findings(uow.session, run.province_code, run.id, rows, at, new_id)
    cleared = repo.clear_missing(uow.session, run.province_code, run.provider, run.bill_date,
                                 {r["key"] for r in rows}, at)
    counts = Counter(f"{r['type']}.{r['state']}" for r in rows)
    run.counts = {**dict(sorted(counts.items())), "cleared": cleared, "bill_rows": run.rows}
    return run.counts


def give_up(uow: UnitOfWork, run_id: str, code: str | None) -> None:
    found = repo.run_by_id(uow.session, run_id)
    if found is not None and found.state in (RunState.QUEUED, RunState.RUNNING):
        _finish(found, RunState.FAILED, code or "job_failed")


# -- discrepancies and their resolution ------------------------------------------------------------------------------

def discrepancies(uow: UnitOfWork, principal: Principal, **filters: str | None) -> list[Discrepancy]:
    return repo.discrepancies_in_scope(uow.session, principal, **filters)


def discrepancy(uow: UnitOfWork, principal: Principal, discrepancy_id: str) -> Discrepancy:
    found = repo.discrepancy_in_scope(uow.session, principal, discrepancy_id)
    if found is None:
        raise NotFound("discrepancy_not_found", "差异记录不存在", "No such discrepancy")
    return found


def resolve(uow: UnitOfWork, principal: Principal, discrepancy_id: str, action: str, reason: str) -> Discrepancy:
    """Resolve once: the claim (a conditional UPDATE) comes first, so a replayed or concurrent request finds the
    discrepancy resolved and changes nothing; the action's effects commit with the claim or not at all."""
    found = discrepancy(uow, principal, discrepancy_id)
    if action != "ignore" and action not in ACTIONS.get(found.type, set()):
        raise TucaiError("action_not_allowed", f"此类差异不能执行「{action}」",
                         f"{action} does not apply to {found.type}", status=422)
    at = now()
    if not repo.claim_resolution(uow.session, found.id, action, reason, principal.username, at):
        raise Conflict("discrepancy_already_resolved", "该差异已处理", "This discrepancy is already resolved")
    refund = _refund(uow, found) if action == "refund" else None
    if action == "mark_paid" and found.type == T.STATUS_MISMATCH:
        _credit_from_bill(uow, found)
    elif action == "mark_paid" and found.type == T.PHOTOGRAPHED_UNPAID:
        _collect_offline(uow, found, principal.username)
    repo.add_audit(uow.session, DiscrepancyAudit(
        id=new_id(), discrepancy_id=found.id, province_code=found.province_code, school_code=found.school_code,
        action=action, reason=reason, actor=principal.username, refund_id=refund.id if refund else None, at=at))
    if refund is not None:
        found.refund_id = refund.id
        uow.session.add(found)
    uow.session.flush()
    uow.session.refresh(found)
    log.info("discrepancy_resolved", id=found.id, type=found.type, action=action, by=principal.username)
    return found


def entered_payment(uow: UnitOfWork, found: Discrepancy) -> Payment | None:
    """The ledger entry a mark-paid resolution entered: the bill's transaction, or the money taken offline."""
    if found.resolution != "mark_paid":
        return None
    if found.type == T.PHOTOGRAPHED_UNPAID:
        return orders_repo.payment_by_txn(uow.session, OFFLINE, f"OFFLINE-{found.id}")
    if found.provider and found.provider_txn:
        return orders_repo.payment_by_txn(uow.session, found.provider, found.provider_txn)
    return None


def _collect_offline(uow: UnitOfWork, found: Discrepancy, actor: str) -> None:
    """A receivable the school or agency took by hand: an offline ledger entry OFFLINE-<discrepancy id> for the
    student (their order credited, or created paid) or the class (its order credited, created, or grown by the
    students not yet paid for). The discrepancy then names the order."""
    session = uow.session
    if found.subject_key:
        payer = repo.payer_of(session, found.subject_key)
        term = repo.photographed_term(session, found.subject_key) or (payer.term if payer else None)
        if not term:
            raise Conflict("cannot_mark_paid", "找不到该学生的缴费信息", "No fee record for this student")
        order = repo.owner_order(session, OrderKind.STUDENT, term, found.subject_key)
        collection = order_rules.OfflineCollection(
            kind=OrderKind.STUDENT, owner_key=found.subject_key, province_code=found.province_code,
            school_code=found.school_code, class_id=found.class_id, class_no=payer.class_no if payer else None,
            subject_key=found.subject_key, term=term, amount_fen=found.amount_fen, quantity=1, actor=actor,
            reference=found.id)
    else:
        term = repo.class_term(session, found.class_id or "")
        profile = fees.profile_for_system(session, found.school_code, term) if term else None
        unit = profile.amount_fen if profile else 0
        if not found.class_id or not term or unit <= 0 or found.amount_fen % unit:
            raise Conflict("cannot_mark_paid", "应收金额与收费标准不符，请重新对账",
                           "The amount due no longer matches the fee; reconcile again")
        order = (repo.lock_order(session, found.order_id) if found.order_id
                 else repo.owner_order(session, OrderKind.CLASS, term, found.class_id))
        collection = order_rules.OfflineCollection(
            kind=OrderKind.CLASS, owner_key=found.class_id, province_code=found.province_code,
            school_code=found.school_code, class_id=found.class_id, class_no=repo.class_no(session, found.class_id),
            subject_key=None, term=term, amount_fen=found.amount_fen, quantity=found.amount_fen // unit,
            actor=actor, reference=found.id)
    order, _ = order_rules.collect_offline(uow, order, collection)
    found.order_id, found.out_trade_no = order.id, order.out_trade_no
    session.add(found)


def _refund(uow: UnitOfWork, found: Discrepancy) -> Refund:
    """Refund what is due, from the right payment, never more than is left of it (the order row is locked)."""
    order = repo.lock_order(uow.session, found.order_id or "")
    if order is None:
        raise Conflict("nothing_to_refund", "找不到可退款的订单", "No order to refund")
    payments = repo.order_payments(uow.session, order.id)
    if found.type == T.DUPLICATE_PAYMENT:
        payment = next((p for p in payments if p.provider_txn == found.provider_txn), None)
        if payment is None:  # the bill's second payment never reached us: enter it, which refunds it
            return _enter_duplicate(uow, found)
    else:
        payment = next((p for p in payments if not p.duplicate and p.provider_txn == order.provider_txn), None)
    if payment is None or order.state not in (OrderState.PAID, OrderState.REFUNDED):
        raise Conflict("nothing_to_refund", "该订单没有可退款的支付", "The order has no payment to refund")
    left = payment.amount_fen - repo.live_refunded(uow.session, payment.id)
    amount = min(found.amount_fen, left)
    if amount <= 0:
        raise Conflict("nothing_to_refund", "该笔支付已全部退款", "This payment is refunded in full already")
    return order_rules.request_refund(uow, order, payment.id, payment.provider, payment.out_trade_no, amount,
                                      payment.amount_fen, REFUND_REASON[T(found.type)])


def _enter_duplicate(uow: UnitOfWork, found: Discrepancy) -> Refund:
    outcome = _credit(uow, found)
    if outcome != "duplicate_payment":
        raise Conflict("nothing_to_refund", "该笔支付不是重复支付", "This payment is not a duplicate")
    refund = repo.refund_for_txn(uow.session, found.provider or "", found.provider_txn or "")
    assert refund is not None
    return refund


def _credit_from_bill(uow: UnitOfWork, found: Discrepancy) -> None:
    outcome = _credit(uow, found)
    if outcome not in ("credited", "already_applied"):
        raise Conflict("cannot_mark_paid", "订单状态已变化，请重新对账", "The order changed; reconcile again")


def _credit(uow: UnitOfWork, found: Discrepancy) -> str:
    """Credit the bill's transaction through the orders' once-only path (as a verified query result would)."""
    order = repo.lock_order(uow.session, found.order_id or "")
    if order is None or not found.provider_txn or found.bill_fen is None or not found.provider:
        raise Conflict("cannot_mark_paid", "该差异没有可入账的交易", "No transaction to credit")
    try:
        return order_rules.credit_payment(uow, order, found.provider, found.provider_txn,
                                          found.out_trade_no or order.out_trade_no, found.bill_fen, None)
    except order_rules.AmountMismatch:
        raise Conflict("amount_mismatch", "账单金额与订单金额不符，不能入账",
                       "The bill's amount differs from the order's") from None
