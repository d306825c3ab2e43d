"""The providers' notification endpoints. Public (the providers call them), verified by signature over the raw
body. Answers: WeChat 204 / 4xx-5xx + {"code":"FAIL","message":"失败"}; Alipay the bare `success` or `fail`.
A refusal of ours is 4xx (the message is wrong); our own failure is 5xx, so the provider delivers again."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.responses import Response

from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW
from services.payments.notify import service
from services.payments.orders.service import AmountMismatch
from services.payments.provider_set import provider_set
from services.payments.providers.port import Ack, NotificationRejected, Provider

log = structlog.get_logger("tucai.payments.notify")

router = ServiceRouter(prefix="/v1/notify", tags=["payments"])


async def raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def _notify(provider: Provider, body: bytes, request: Request, uow: UoW, ctx: Context) -> Response:
    providers = provider_set(ctx.settings, ctx.runtime)
    try:
        notification = providers.parse_notification(provider, body, request.headers)
    except NotificationRejected as refused:
        log.warning("notification_rejected", provider=provider.value, code=refused.code.value,
                    detail=refused.detail[:200])
        service.rejected(uow, provider.value, refused.code.value)
        return _answer(providers.ack(provider, False, 400))
    try:
        outcome = service.apply(uow, notification)
        uow.session.flush()
    except AmountMismatch:
        uow.rollback()
        log.warning("notification_rejected", provider=provider.value, code="amount_mismatch",
                    out_trade_no=notification.out_trade_no, amount_fen=notification.amount_fen)
        service.rejected(uow, provider.value, "amount_mismatch", notification.out_trade_no)
        return _answer(providers.ack(provider, False, 400))
    except Exception:
        uow.rollback()
        log.exception("notification_failed", provider=provider.value, out_trade_no=notification.out_trade_no)
        return _answer(providers.ack(provider, False, 500))
    log.info("notification_applied", provider=provider.value, out_trade_no=notification.out_trade_no,
             notification_id=notification.notification_id, outcome=outcome)
    return _answer(providers.ack(provider, True))


def _answer(ack: Ack) -> Response:
    return Response(ack.body, ack.status, media_type=ack.media_type)


@router.post("/wechat", summary="WeChat Pay v3 notifications (payments and refunds)", response_class=Response)
def notify_wechat(body: RawBody, request: Request, uow: UoW, ctx: Context) -> Response:
    return _notify(Provider.WECHAT, body, request, uow, ctx)


@router.post("/alipay", summary="Alipay asynchronous notifications", response_class=Response)
def notify_alipay(body: RawBody, request: Request, uow: UoW, ctx: Context) -> Response:
    return _notify(Provider.ALIPAY, body, request, uow, ctx)
