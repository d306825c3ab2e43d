"""The school's prepayment rules. Plain functions on a unit of work; they never commit.

A school whose fee profile names the school as payer pays for its approved students in advance: one order per
school and term (kind "school", owner the school code), priced at approved students × the fee. Paying again
while it is pending reuses its number (a changed count is a changed amount, hence a new number, as for a class);
once paid it is not paid again: students approved later, and students photographed beyond those prepaid, are a
receivable found by reconciliation, and prepaid students never photographed a refund due to the school.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from services.kernel.errors import Conflict, Forbidden, NotFound
from services.kernel.tenancy import SCHOOL_ROLES, Principal
from services.kernel.uow import UnitOfWork
from services.payments.models import FeeProfile, OrderKind, OrderState, PayerMode, PaymentOrder, Refund
from services.payments.orders import service as order_rules
from services.payments.prepayment import repository as repo


@dataclass(frozen=True)
class SchoolPrepayment:
    school_code: str
    province_code: str
    term: str
    students: int  # approved students of the school this term
    photographed: int
    profile: FeeProfile | None
    order: PaymentOrder | None
    refunded_fen: int

    @property
    def prepaid_by_school(self) -> bool:
        return self.profile is not None and self.profile.payer_mode == PayerMode.SCHOOL

    @property
    def unit_fen(self) -> int | None:
        return self.profile.amount_fen if self.profile is not None and self.prepaid_by_school else None

    @property
    def due_fen(self) -> int:
        return self.students * (self.unit_fen or 0)

    @property
    def paid_fen(self) -> int:
        paid = self.order is not None and self.order.state in (OrderState.PAID, OrderState.REFUNDED)
        return self.order.amount_fen if paid and self.order is not None else 0

    @property
    def outstanding_fen(self) -> int:
        return max(self.due_fen - self.paid_fen, 0)


def _not_found() -> NotFound:
    return NotFound("school_not_found", "未找到该校本届的收费标准或已审核学生",
                    "No fee profile and no approved students of this school in your scope")


def prepayment(uow: UnitOfWork, principal: Principal, school_code: str, term: str | None) -> SchoolPrepayment:
    """The school's amount due, paid and outstanding for `term` (by default the newest term the school prepays,
    else its newest fee profile's, else its approved students' newest). A school's own staff see only their
    school; the province and the agency see their province's schools (other schools are not found)."""
    if principal.role in SCHOOL_ROLES and principal.school != school_code:
        raise Forbidden("school_out_of_scope", "无权查看其他学校的缴费信息", "This school is outside your scope")
    session = uow.session
    profiles = repo.profiles(session, principal, school_code)
    terms = repo.payer_terms(session, principal, school_code)
    if term is None:
        prepaying = [p.term for p in profiles if p.payer_mode == PayerMode.SCHOOL]
        candidates = prepaying or [p.term for p in profiles] or sorted(terms)
        if not candidates:
            raise _not_found()
        term = candidates[-1]
    profile = next((p for p in profiles if p.term == term), None)
    province, students = terms.get(term, (None, 0))
    province = province or (profile.province_code if profile else None)
    if province is None:
        raise _not_found()
    order = repo.school_order(session, principal, school_code, term)
    return SchoolPrepayment(school_code=school_code, province_code=province, term=term, students=students,
                            photographed=repo.photographed_count(session, principal, school_code, term),
                            profile=profile, order=order,
                            refunded_fen=repo.refunded_fen(session, principal, order.id) if order else 0)


def prepare_payment(uow: UnitOfWork, principal: Principal, school_code: str, term: str | None,
                    ttl: timedelta) -> PaymentOrder:
    """The school's order, ready to (re)launch: created at approved students × fee, or the pending one again."""
    due = prepayment(uow, principal, school_code, term)
    profile = order_rules.priced(due.profile, PayerMode.SCHOOL)
    if due.students == 0 or profile.amount_fen == 0:
        raise Conflict("nothing_to_pay", "本校尚无已审核通过的学生，无需缴费", "No approved student to pay for yet")
    owner = order_rules.OrderOwner(OrderKind.SCHOOL, school_code, due.province_code, school_code, due.term)
    return order_rules.ensure_order(uow, principal, owner, due.due_fen, profile.amount_fen, due.students,
                                    f"{due.term}届毕业生图像采集费（学校统缴 {due.students} 人）", ttl,
                                    order_rules.now())


def refunds(uow: UnitOfWork, principal: Principal, order: PaymentOrder) -> list[Refund]:
    return repo.refunds(uow.session, principal, order.id)
