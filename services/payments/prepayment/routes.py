"""The school prepayment's HTTP routes (thin). Sync routes: the providers' calls run on the event loop through
orders.launch, while the unit of work stays on this thread."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW
from services.kernel.tenancy import Principal, Role
from services.kernel.uow import UnitOfWork
from services.payments.fees.schemas import FeeItem
from services.payments.models import PaymentOrder
from services.payments.orders import launch
from services.payments.orders.schemas import OrderOut, PayLaunch, RefundOut
from services.payments.prepayment import service
from services.payments.prepayment.schemas import PrepayIn, SchoolPrepaymentOut
from services.payments.provider_set import provider_set

router = ServiceRouter(prefix="/v1", tags=["payments"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem},
                              409: {"model": Problem}, 422: {"model": Problem}})

Viewer = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN, Role.PROVINCE_REVIEWER, Role.AGENCY_ADMIN))]
SchoolAdmin = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN))]
SchoolCode = Annotated[str, Path(pattern=r"^\d{5}$", description="院校代码")]
Term = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="the campaign's term; default: the newest")]


def _order_out(uow: UnitOfWork, principal: Principal, order: PaymentOrder) -> OrderOut:
    out = OrderOut.model_validate(order, from_attributes=True)
    out.refunds = [RefundOut.model_validate(r, from_attributes=True)
                   for r in service.refunds(uow, principal, order)]
    return out


def _out(uow: UnitOfWork, principal: Principal, p: service.SchoolPrepayment) -> SchoolPrepaymentOut:
    return SchoolPrepaymentOut(
        school_code=p.school_code, province_code=p.province_code, term=p.term,
        payer_mode=p.profile.payer_mode if p.profile else None, students=p.students, photographed=p.photographed,
        unit_fen=p.unit_fen,
        breakdown=[FeeItem.model_validate(i) for i in (p.profile.breakdown if p.prepaid_by_school and p.profile
                                                       else [])],
        due_fen=p.due_fen, paid_fen=p.paid_fen, refunded_fen=p.refunded_fen, outstanding_fen=p.outstanding_fen,
        order=_order_out(uow, principal, p.order) if p.order else None)


@router.get("/schools/{school_code}/prepayment", response_model=SchoolPrepaymentOut,
            summary="The school's prepayment: approved students × fee, paid, outstanding (school, province, agency)")
def read_school_prepayment(school_code: SchoolCode, principal: Viewer, uow: UoW,
                           term: Term = None) -> SchoolPrepaymentOut:
    return _out(uow, principal, service.prepayment(uow, principal, school_code, term))


@router.post("/schools/{school_code}/prepayment/pay", response_model=PayLaunch,
             summary="The school pays in advance on a PC (re-paying reuses the order's number)")
def pay_school_prepayment(school_code: SchoolCode, body: PrepayIn, principal: SchoolAdmin, request: Request,
                          uow: UoW, ctx: Context, term: Term = None) -> PayLaunch:
    order = service.prepare_payment(uow, principal, school_code, term,
                                    timedelta(minutes=ctx.settings.payments_order_ttl_minutes))
    back = f"{str(request.base_url).rstrip('/')}/prepayment?order={order.id}"
    client_ip = request.client.host if request.client else "127.0.0.1"
    launched = launch.start(provider_set(ctx.settings, ctx.runtime), uow, order, body.channel, back, client_ip)
    return PayLaunch(order=_order_out(uow, principal, order), provider=launched.provider.value,
                     channel=body.channel, redirect_url=launched.redirect_url, jsapi=None,
                     code_url=launched.code_url)


@router.post("/schools/{school_code}/prepayment/check", response_model=SchoolPrepaymentOut,
             summary="Ask the provider how the school's order stands (the page after paying; never trust the redirect)")
def check_school_prepayment(school_code: SchoolCode, principal: Viewer, uow: UoW, ctx: Context,
                            term: Term = None) -> SchoolPrepaymentOut:
    p = service.prepayment(uow, principal, school_code, term)
    if p.order is not None:
        launch.refresh(provider_set(ctx.settings, ctx.runtime), uow, p.order)
        p = service.prepayment(uow, principal, school_code, p.term)
    return _out(uow, principal, p)
