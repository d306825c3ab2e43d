"""The orders' rules. Plain functions on a unit of work; they never commit.

A student order is one per student and term; paying again reuses its number while it is pending, and only an
order closed unpaid gets a new number. Crediting (notification or query) is exactly once per order; a second
provider transaction for an order already paid is kept in the ledger as a duplicate and refunded under its own
out_refund_no (retry-safe at both providers).

Money staff took by hand (cash, a bank transfer) is a ledger entry too, provider OFFLINE, so reports and
reconciliation count it; no provider can give it back, so a refund of it through a provider is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlmodel import Session

from services.kernel.errors import Conflict, NotFound, TucaiError
from services.kernel.ids import new_id
from services.kernel.jobs import enqueue
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.payments.events import OrderClosed, OrderPaid, RefundSucceeded
from services.payments.fees import repository as fees
from services.payments.models import (
    OFFLINE,
    FeeProfile,
    OrderKind,
    OrderState,
    Payer,
    PayerMode,
    PaymentOrder,
    Refund,
    RefundLedgerState,
)
from services.payments.orders import repository as repo
from services.payments.providers import order_numbers

log = structlog.get_logger("tucai.payments.orders")

REFUND_JOB = "payments.refund"
PREFIX = {OrderKind.STUDENT: "STU", OrderKind.CLASS: "CLS", OrderKind.SCHOOL: "SCH"}


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StudentFee:
    payer: Payer
    profile: FeeProfile | None
    order: PaymentOrder | None


@dataclass(frozen=True)
class ClassSettlement:
    class_id: str
    class_no: str | None
    class_name: str | None
    school_code: str
    term: str
    students: int
    photographed: int
    profile: FeeProfile | None
    order: PaymentOrder | None

    @property
    def amount_fen(self) -> int:
        return self.photographed * self.profile.amount_fen if self.profile else 0


def _not_payer() -> NotFound:
    return NotFound("payer_not_found", "未找到你的缴费信息（学生尚未通过审核；通过后请重新登录）",
                    "No fee is due from you (not an approved student yet; sign in again once approved)")


def student_fee(session: Session, principal: Principal) -> StudentFee:
    """`principal` is the student with subject = their subject_key (resolved from roster by the route)."""
    payer = repo.payer_in_scope(session, principal, principal.subject_key or "")
    if payer is None:
        raise _not_payer()
    profile = fees.profile_for_system(session, payer.school_code, payer.term)
    order = repo.order_for_owner(session, principal, OrderKind.STUDENT, payer.term, payer.subject_key)
    return StudentFee(payer, profile, order)


def priced(profile: FeeProfile | None, mode: PayerMode) -> FeeProfile:
    """The fee profile an order of `mode` is priced at; refused when none is set or another payer pays it."""
    if profile is None:
        raise NotFound("fee_profile_missing", "本校本届尚未设置收费标准", "No fee is set for this school and term")
    if profile.payer_mode != mode:
        zh = {PayerMode.CLASS: "本校由班级统一缴费，无需个人缴费", PayerMode.SCHOOL: "本校由学校统一缴费，无需个人缴费",
              PayerMode.STUDENT: "本校由学生个人缴费"}[PayerMode(profile.payer_mode)]
        raise Conflict("fee_paid_by_other", zh, f"This fee is paid by the {profile.payer_mode}, not here")
    return profile


@dataclass(frozen=True)
class OrderOwner:
    """Whose order it is (a student, a class or a school) and the facts the order copies from them."""

    kind: OrderKind
    key: str  # subject_key / class_id / school_code
    province_code: str
    school_code: str
    term: str
    class_id: str | None = None
    class_no: str | None = None
    subject_key: str | None = None


def _owner(kind: OrderKind, key: str, payer: Payer) -> OrderOwner:
    return OrderOwner(kind, key, payer.province_code, payer.school_code, payer.term, payer.class_id, payer.class_no,
                      payer.subject_key if kind is OrderKind.STUDENT else None)


def ensure_order(uow: UnitOfWork, principal: Principal, owner: OrderOwner, amount_fen: int, unit_fen: int,
                 quantity: int, description: str, ttl: timedelta, at: datetime) -> PaymentOrder:
    """Get or create the owner's order for the term, ready to (re)launch: pending, with a live number."""
    kind = owner.kind
    order = repo.order_for_owner(uow.session, principal, kind, owner.term, owner.key)
    if order is None:
        order = PaymentOrder(
            id=new_id(), kind=kind, owner_key=owner.key, province_code=owner.province_code,
            school_code=owner.school_code, class_id=owner.class_id, class_no=owner.class_no,
            subject_key=owner.subject_key, term=owner.term,
            description=description, amount_fen=amount_fen, unit_fen=unit_fen, quantity=quantity,
            out_trade_no=order_numbers.make(PREFIX[kind], at), expires_at=at + ttl, created_at=at, updated_at=at)
        repo.add_order(uow.session, order)
        return order
    if order.state in (OrderState.PAID, OrderState.REFUNDED):
        raise Conflict("order_already_paid", "该订单已支付，请勿重复缴费", "This order is already paid")
    expired = order.expires_at is not None and order.expires_at <= at
    if order.state == OrderState.CLOSED or order.amount_fen != amount_fen or (expired and not order.launched_at):
        # A closed number cannot be paid again at WeChat, and a changed amount is a different order for both
        # providers: a new number (the old ones stay known, so a late payment on them is still found).
        order.state, order.amount_fen = OrderState.PENDING, amount_fen
        order.unit_fen, order.quantity = unit_fen, quantity
        order.expires_at, order.closed_at = at + ttl, None
        repo.renumber(uow.session, order, order_numbers.make(PREFIX[kind], at))
    elif expired:
        raise Conflict("order_expiring", "订单已过期，正在关闭，请稍后重试",
                       "The order expired and is being closed; retry shortly")
    return order


def prepare_student_payment(uow: UnitOfWork, principal: Principal, ttl: timedelta) -> PaymentOrder:
    fee = student_fee(uow.session, principal)
    profile = priced(fee.profile, PayerMode.STUDENT)
    if profile.amount_fen <= 0:
        raise Conflict("nothing_to_pay", "本次采集免费，无需缴费", "There is nothing to pay")
    return ensure_order(uow, principal, _owner(OrderKind.STUDENT, fee.payer.subject_key, fee.payer),
                        profile.amount_fen, profile.amount_fen, 1, "毕业证图像采集费", ttl, now())


def class_settlement(uow: UnitOfWork, principal: Principal) -> ClassSettlement:
    if not principal.klass:
        raise NotFound("class_not_found", "未找到你负责的班级", "You are not the monitor of a class")
    payers = repo.class_payers(uow.session, principal, principal.klass)
    if not payers:
        raise NotFound("class_not_found", "该班级尚无已审核学生", "The class has no approved students yet")
    first = payers[0]
    profile = fees.profile_for_system(uow.session, first.school_code, first.term)
    count = repo.photographed_count(uow.session, principal, principal.klass, first.term)
    order = repo.order_for_owner(uow.session, principal, OrderKind.CLASS, first.term, principal.klass)
    return ClassSettlement(principal.klass, first.class_no, first.class_name, first.school_code, first.term,
                           len(payers), count, profile, order)


def prepare_class_payment(uow: UnitOfWork, principal: Principal, ttl: timedelta) -> PaymentOrder:
    settlement = class_settlement(uow, principal)
    profile = priced(settlement.profile, PayerMode.CLASS)
    if settlement.photographed == 0 or profile.amount_fen == 0:
        raise Conflict("nothing_to_pay", "尚无已拍摄的学生，无需结算", "No student was photographed yet")
    payer = repo.class_payers(uow.session, principal, settlement.class_id)[0]
    return ensure_order(uow, principal, _owner(OrderKind.CLASS, settlement.class_id, payer), settlement.amount_fen,
                        profile.amount_fen, settlement.photographed,
                        f"{settlement.class_name or settlement.class_no or '班级'}图像采集费结算", ttl, now())


def record_launch(uow: UnitOfWork, order: PaymentOrder, provider: str, channel: str) -> None:
    repo.touch_launch(uow.session, order, provider, channel, now())


def orders(uow: UnitOfWork, principal: Principal, school_code: str | None, kind: str | None,
           state: str | None) -> list[PaymentOrder]:
    return repo.orders_in_scope(uow.session, principal, school_code=school_code, kind=kind, state=state)


def order(uow: UnitOfWork, principal: Principal, order_id: str) -> PaymentOrder:
    found = repo.order_in_scope(uow.session, principal, order_id)
    if found is None:
        raise NotFound("order_not_found", "订单不存在", "No such order")
    return found


# -- crediting (notifications and queries) -------------------------------------------------------------------------

class AmountMismatch(TucaiError):
    """A genuine provider message for another amount than our order: never credited, always looked at."""


def credit_payment(uow: UnitOfWork, order: PaymentOrder, provider: str, provider_txn: str, out_trade_no: str,
                   amount_fen: int, paid_at: datetime | None) -> str:
    """Apply one verified payment exactly once; returns the outcome (credited / duplicate_payment /
    already_applied). The caller has already claimed the notification id (or query id)."""
    if amount_fen != order.amount_fen:
        raise AmountMismatch("amount_mismatch", "通知金额与订单不符", "Notified amount differs from the order")
    at = now()
    credited = repo.credit(uow.session, order.id, provider, provider_txn, paid_at or at, at)
    payment_id = repo.add_payment(uow.session, order, provider, provider_txn, out_trade_no, amount_fen, paid_at,
                                  duplicate=not credited)
    if credited:
        # The UPDATE changed only these columns: they reload when next read, the event's facts need no query.
        uow.session.expire(order, ["state", "paid_provider", "provider_txn", "paid_at", "updated_at"])
        uow.emit(OrderPaid(order_id=order.id, kind=order.kind, province_code=order.province_code,
                           school_code=order.school_code, class_id=order.class_id, subject_key=order.subject_key,
                           term=order.term, out_trade_no=out_trade_no, provider=provider,
                           amount_fen=amount_fen, quantity=order.quantity, paid_at=paid_at))
        return "credited"
    if payment_id is None:
        return "already_applied"  # the same transaction, known already (e.g. credited by a query first)
    # A second transaction for an order already paid: keep it in the ledger and give the money back.
    log.warning("duplicate_payment", order_id=order.id, provider=provider, out_trade_no=out_trade_no)
    request_refund(uow, order, payment_id, provider, out_trade_no, amount_fen, amount_fen, "duplicate_payment")
    return "duplicate_payment"


def request_refund(uow: UnitOfWork, order: PaymentOrder, payment_id: str, provider: str, out_trade_no: str,
                   amount_fen: int, total_fen: int, reason: str) -> Refund:
    """One refund ledger entry with its own number; a job asks the provider (and retries with that number)."""
    if provider == OFFLINE:
        raise Conflict("offline_refund", "该款项为线下收取（现金或转账），不能通过支付渠道退款，请线下退还",
                       "This payment was taken offline (cash or transfer); no payment provider can refund it: "
                       "give it back offline")
    at = now()
    refund = Refund(id=new_id(), order_id=order.id, payment_id=payment_id, province_code=order.province_code,
                    school_code=order.school_code, class_id=order.class_id, provider=provider,
                    out_trade_no=out_trade_no, out_refund_no=order_numbers.make("RF", at), amount_fen=amount_fen,
                    total_fen=total_fen, reason=reason, created_at=at, updated_at=at)
    repo.add_refund(uow.session, refund)
    enqueue(uow, REFUND_JOB, {"refund_id": refund.id}, province=order.province_code, school=order.school_code,
            max_attempts=5)
    return refund


def refund_settled(uow: UnitOfWork, refund: Refund, succeeded: bool, provider_refund_id: str | None,
                   error_code: str | None = None) -> bool:
    """Settle an open refund once (response, query or notification, whichever comes first)."""
    at = now()
    state = RefundLedgerState.SUCCEEDED if succeeded else RefundLedgerState.FAILED
    if not repo.move_refund(uow.session, refund.id, state, at, provider_refund_id=provider_refund_id,
                            error_code=error_code, succeeded_at=at if succeeded else None):
        return False
    if succeeded:
        order = repo.order_by_id(uow.session, refund.order_id)
        assert order is not None
        if refund.reason != "duplicate_payment" and refund.amount_fen >= order.amount_fen:
            repo.mark_refunded(uow.session, order.id, at)
        uow.emit(RefundSucceeded(order_id=order.id, kind=order.kind, province_code=order.province_code,
                                 school_code=order.school_code, class_id=order.class_id,
                                 subject_key=order.subject_key, term=order.term, out_refund_no=refund.out_refund_no,
                                 amount_fen=refund.amount_fen, reason=refund.reason))
    return True


# -- money taken offline ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OfflineCollection:
    """Staff took `amount_fen` by hand for `quantity` students of one owner (a student, or a class) and term."""

    kind: OrderKind
    owner_key: str  # subject_key / class_id
    province_code: str
    school_code: str
    class_id: str | None
    class_no: str | None
    subject_key: str | None
    term: str
    amount_fen: int
    quantity: int
    actor: str  # who took it
    reference: str  # what it settles (a discrepancy id): the transaction is OFFLINE-<reference>, entered once


def collect_offline(uow: UnitOfWork, order: PaymentOrder | None, c: OfflineCollection) -> tuple[PaymentOrder, str]:
    """Enter money taken offline against the owner's order (locked by the caller; created paid if there is none):
    an unpaid order is credited through the same once-only UPDATE as a provider's payment; a class order already
    paid for fewer students than were photographed grows by the students now paid for. Returns the order and the
    ledger entry's id."""
    if c.amount_fen <= 0 or c.quantity <= 0:
        raise Conflict("nothing_to_collect", "没有应收金额", "There is nothing to collect")
    at = now()
    txn = f"OFFLINE-{c.reference}"
    if order is None:
        order = PaymentOrder(
            id=new_id(), kind=c.kind, owner_key=c.owner_key, province_code=c.province_code,
            school_code=c.school_code, class_id=c.class_id, class_no=c.class_no, subject_key=c.subject_key,
            term=c.term, description="图像采集费（线下收取）", amount_fen=c.amount_fen,
            unit_fen=c.amount_fen // c.quantity, quantity=c.quantity,
            out_trade_no=order_numbers.make(PREFIX[c.kind], at), created_at=at, updated_at=at)
        repo.add_order(uow.session, order)
    if order.state in (OrderState.PENDING, OrderState.CLOSED):
        # What is collected is what is owed now (an unpaid order may carry an older count or fee).
        order.amount_fen, order.quantity, order.unit_fen = c.amount_fen, c.quantity, c.amount_fen // c.quantity
        order.updated_at = at
        uow.session.add(order)
        uow.session.flush()
        if not repo.credit(uow.session, order.id, OFFLINE, txn, at, at):
            raise Conflict("order_already_paid", "订单已支付，请重新对账", "The order is paid already; reconcile again")
        uow.session.refresh(order)
        uow.emit(OrderPaid(order_id=order.id, kind=order.kind, province_code=order.province_code,
                           school_code=order.school_code, class_id=order.class_id, subject_key=order.subject_key,
                           term=order.term, out_trade_no=order.out_trade_no, provider=OFFLINE,
                           amount_fen=c.amount_fen, quantity=order.quantity, paid_at=at))
    elif order.state == OrderState.PAID and order.kind == OrderKind.CLASS:
        order.quantity += c.quantity
        order.amount_fen += c.amount_fen
        order.updated_at = at
        uow.session.add(order)
    else:
        raise Conflict("order_already_paid", "订单已支付或已退款，请重新对账",
                       "The order is paid or refunded already; reconcile again")
    payment_id = repo.add_payment(uow.session, order, OFFLINE, txn, order.out_trade_no, c.amount_fen, at,
                                  duplicate=False, recorded_by=c.actor)
    if payment_id is None:
        raise Conflict("offline_payment_exists", "这笔线下收款已入账", "This offline payment is entered already")
    uow.session.flush()
    log.info("offline_payment", order_id=order.id, amount_fen=c.amount_fen, by=c.actor)
    return order, payment_id


def close_expired(uow: UnitOfWork, order: PaymentOrder) -> bool:
    if not repo.close_order(uow.session, order.id, order.out_trade_no, now()):
        return False
    uow.emit(OrderClosed(order_id=order.id, kind=order.kind, province_code=order.province_code,
                         school_code=order.school_code, class_id=order.class_id, subject_key=order.subject_key,
                         term=order.term, out_trade_no=order.out_trade_no))
    return True
