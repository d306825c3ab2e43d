"""The orders' HTTP routes (thin). Sync routes: the providers' async calls run on the event loop through
anyio.from_thread (orders.launch.start / refresh), while the unit of work stays on this thread."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.reads import ReadSession
from services.kernel.responses import model_response
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, ServiceContext, UoW, context_of
from services.kernel.tenancy import Principal, Role
from services.kernel.uow import UnitOfWork
from services.payments.fees.schemas import FeeItem
from services.payments.models import PaymentOrder
from services.payments.orders import launch, service
from services.payments.orders import repository as repo
from services.payments.orders.schemas import (
    ClassSettlementOut,
    MyFee,
    OrderList,
    OrderOut,
    PayIn,
    PayLaunch,
    PaymentOut,
    RefundOut,
)
from services.payments.provider_set import provider_set

router = ServiceRouter(prefix="/v1", tags=["payments"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem},
                              409: {"model": Problem}})

StudentCaller = Annotated[Principal, Depends(require_roles(Role.STUDENT))]
Monitor = Annotated[Principal, Depends(require_roles(Role.CLASS_MONITOR))]
FeeStaff = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN, Role.SCHOOL_ADMIN, Role.CLASS_MONITOR))]


def _order_out(session: Session, order: PaymentOrder) -> OrderOut:
    out = OrderOut.model_validate(order, from_attributes=True)
    out.payments = [PaymentOut.model_validate(p, from_attributes=True) for p in repo.payments_of(session, order.id)]
    out.refunds = [RefundOut.model_validate(r, from_attributes=True) for r in repo.refunds_of(session, order.id)]
    return out


def _my_fee(session: Session, principal: Principal) -> MyFee:
    fee = service.student_fee(session, principal)
    return MyFee(masked_name=fee.payer.masked_name, school_code=fee.payer.school_code, term=fee.payer.term,
                 fee_fen=fee.profile.amount_fen if fee.profile else None,
                 breakdown=[FeeItem.model_validate(i) for i in (fee.profile.breakdown if fee.profile else [])],
                 payer_mode=fee.profile.payer_mode if fee.profile else None,
                 order=_order_out(session, fee.order) if fee.order else None)


def _my_fee_read(reads: ReadSession, principal: Principal) -> MyFee:
    return _my_fee(reads.orm, principal)


def _launch(order: PaymentOrder, body: PayIn, request: Request, uow: UoW, ctx: ServiceContext,
            result_path: str) -> PayLaunch:
    back = f"{str(request.base_url).rstrip('/')}{result_path}?order={order.id}"
    client_ip = request.client.host if request.client else "127.0.0.1"
    launched = launch.start(provider_set(ctx.settings, ctx.runtime), uow, order, body.channel, back, client_ip,
                            body.openid)
    return PayLaunch(order=_order_out(uow.session, order), provider=launched.provider.value, channel=body.channel,
                     redirect_url=launched.redirect_url, jsapi=launched.jsapi, code_url=launched.code_url)


def _ttl(ctx: ServiceContext) -> timedelta:
    return timedelta(minutes=ctx.settings.payments_order_ttl_minutes)


@router.get("/orders/me", response_model=MyFee, summary="The signed-in student's fee and order")
async def read_my_order(principal: StudentCaller, request: Request) -> Response:
    # The payment-day hot read: on the event loop, no worker thread (services.kernel.reads).
    return model_response(await context_of(request).read(_my_fee_read, principal))


@router.post("/orders/me/pay", response_model=PayLaunch,
             summary="Pay the student's fee: what the phone opens (re-paying reuses the order's number)")
def pay_my_order(body: PayIn, principal: StudentCaller, request: Request, uow: UoW, ctx: Context) -> PayLaunch:
    order = service.prepare_student_payment(uow, principal, _ttl(ctx))
    return _launch(order, body, request, uow, ctx, "/m/pay/result")


@router.post("/orders/me/check", response_model=MyFee,
             summary="Ask the provider how the student's order stands (the result page; never trust the redirect)")
def check_my_order(principal: StudentCaller, request: Request, uow: UoW, ctx: Context) -> MyFee:
    fee = service.student_fee(uow.session, principal)
    if fee.order is not None:
        launch.refresh(provider_set(ctx.settings, ctx.runtime), uow, fee.order)
    return _my_fee(uow.session, principal)


@router.get("/orders", response_model=OrderList, summary="Orders in scope (agency, school, class monitor)")
def list_orders(principal: FeeStaff, uow: UoW, school_code: str | None = None, kind: str | None = None,
                state: str | None = None) -> OrderList:
    items = [_order_out(uow.session, o) for o in service.orders(uow, principal, school_code, kind, state)]
    return OrderList(items=items, total=len(items))


def _settlement_out(uow: UnitOfWork, principal: Principal) -> ClassSettlementOut:
    s = service.class_settlement(uow, principal)
    return ClassSettlementOut(class_id=s.class_id, class_no=s.class_no, class_name=s.class_name,
                              school_code=s.school_code, term=s.term, students=s.students,
                              photographed=s.photographed, unit_fen=s.profile.amount_fen if s.profile else None,
                              amount_fen=s.amount_fen, payer_mode=s.profile.payer_mode if s.profile else None,
                              order=_order_out(uow.session, s.order) if s.order else None)


@router.get("/classes/me/settlement", response_model=ClassSettlementOut,
            summary="The monitor's class: photographed count × fee, and its settlement order")
def read_class_settlement(principal: Monitor, uow: UoW) -> ClassSettlementOut:
    return _settlement_out(uow, principal)


@router.post("/classes/me/settlement/pay", response_model=PayLaunch,
             summary="Pay the class settlement (photographed count × fee)")
def pay_class_settlement(body: PayIn, principal: Monitor, request: Request, uow: UoW, ctx: Context) -> PayLaunch:
    order = service.prepare_class_payment(uow, principal, _ttl(ctx))
    return _launch(order, body, request, uow, ctx, "/settlement")


@router.post("/classes/me/settlement/check", response_model=ClassSettlementOut,
             summary="Ask the provider how the class settlement order stands")
def check_class_settlement(principal: Monitor, uow: UoW, ctx: Context) -> ClassSettlementOut:
    s = service.class_settlement(uow, principal)
    if s.order is not None:
        launch.refresh(provider_set(ctx.settings, ctx.runtime), uow, s.order)
    return _settlement_out(uow, principal)
