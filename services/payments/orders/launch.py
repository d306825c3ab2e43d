"""The orders' conversations with the providers (async network calls), kept apart from the rules: launch a
payment, ask how an order stands, close it. The database work they lead to is in service.py."""

from __future__ import annotations

from datetime import UTC, datetime

import anyio.from_thread
import structlog

from services.kernel.errors import TucaiError
from services.kernel.uow import UnitOfWork
from services.payments.models import OrderState, PaymentOrder
from services.payments.orders import repository as repo
from services.payments.orders import service
from services.payments.provider_set import CHANNEL_PROVIDER, ProviderSet
from services.payments.providers.port import (
    Channel,
    OrderStatus,
    PaymentLaunch,
    PaymentRequest,
    Provider,
    ProviderError,
    TradeState,
)

log = structlog.get_logger("tucai.payments.orders")

_PAID_ALREADY = {"ORDERPAID", "ACQ.TRADE_STATUS_ERROR", "ORDER_PAID"}


async def launch(providers: ProviderSet, order: PaymentOrder, channel: Channel, return_url: str,
                 client_ip: str, openid: str | None) -> PaymentLaunch:
    provider = CHANNEL_PROVIDER[channel]
    request = PaymentRequest(out_trade_no=order.out_trade_no, amount_fen=order.amount_fen,
                             description=order.description, channel=channel,
                             notify_url=providers.notify_url(provider), expires_at=order.expires_at,
                             client_ip=client_ip, payer_openid=openid, return_url=return_url, quit_url=return_url,
                             attach=order.id)
    try:
        async with providers.client() as client:
            return await providers.adapter(provider, client).create_payment(request)
    except ProviderError as error:
        log.warning("launch_failed", out_trade_no=order.out_trade_no, code=error.code)
        raise TucaiError("provider_unavailable", "支付渠道暂时不可用，请稍后重试",
                         "The payment provider is unavailable; retry shortly", status=502) from None
    except ValueError as error:
        raise TucaiError("channel_not_supported", "该支付方式不可用", str(error), status=422) from None


async def query(providers: ProviderSet, order: PaymentOrder) -> list[OrderStatus]:
    """How the order's current number stands at every provider it was opened at (errors are skipped)."""
    statuses = []
    async with providers.client() as client:
        for name in filter(None, order.opened_at.split(",")):
            try:
                statuses.append(await providers.adapter(Provider(name), client).query_order(order.out_trade_no))
            except ProviderError as error:
                log.info("query_failed", out_trade_no=order.out_trade_no, provider=name, code=error.code)
    return statuses


async def close(providers: ProviderSet, order: PaymentOrder) -> bool:
    """Close the number at every provider; False if one says it was paid meanwhile (then query and credit)."""
    async with providers.client() as client:
        for name in filter(None, order.opened_at.split(",")):
            try:
                await providers.adapter(Provider(name), client).close_order(order.out_trade_no)
            except ProviderError as error:
                if error.code in _PAID_ALREADY:
                    return False
                if error.code not in ("ORDER_NOT_EXIST", "ORDER_CLOSED"):
                    raise
    return True


def apply_statuses(uow: UnitOfWork, order: PaymentOrder, statuses: list[OrderStatus]) -> list[str]:
    """Credit what the providers report paid, through the same once-only path as notifications."""
    outcomes = []
    for status in statuses:
        if status.state not in (TradeState.PAID, TradeState.REFUND) or not status.provider_txn:
            continue
        if not repo.log_notification(uow.session, status.provider.value, f"Q-{status.provider_txn}",
                                     order.out_trade_no, "query", "received"):
            continue  # this transaction was already applied from an earlier query
        outcome = service.credit_payment(uow, order, status.provider.value, status.provider_txn,
                                         order.out_trade_no, status.amount_fen or 0, status.paid_at)
        repo.set_log_outcome(uow.session, status.provider.value, f"Q-{status.provider_txn}", outcome)
        outcomes.append(outcome)
    return outcomes


def needs_query(order: PaymentOrder) -> bool:
    return order.state == OrderState.PENDING and bool(order.opened_at)


def start(providers: ProviderSet, uow: UnitOfWork, order: PaymentOrder, channel: Channel, return_url: str,
          client_ip: str, openid: str | None = None) -> PaymentLaunch:
    """From a sync route: open the order at the channel's provider (the call runs on the event loop, the unit of
    work stays on this thread) and record where it was opened, so a silent order is queried there."""
    launched = anyio.from_thread.run(launch, providers, order, channel, return_url, client_ip, openid)
    service.record_launch(uow, order, CHANNEL_PROVIDER[channel].value, channel.value)
    return launched


def refresh(providers: ProviderSet, uow: UnitOfWork, order: PaymentOrder) -> None:
    """From a sync route (a result page): ask the providers how a pending order stands and credit what they
    report paid — the page never trusts the redirect that brought the payer back."""
    if needs_query(order):
        apply_statuses(uow, order, anyio.from_thread.run(query, providers, order))
        uow.session.refresh(order)


def utcnow() -> datetime:
    return datetime.now(UTC)
