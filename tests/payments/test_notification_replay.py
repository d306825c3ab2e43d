"""Notifications through the HTTP endpoints of the payments service, on SQLite and on PostgreSQL:

- every genuine notification replayed ten times, shuffled, from eight threads at once, credits each order once;
- a second payment of an order (paid at both providers) is kept as a duplicate and refunded under its own number,
  once, however often the refund is retried;
- forged, tampered, stale, probing and wrong-amount notifications change nothing and are logged;
- the sweep credits a paid order that never got its notification and closes an expired unpaid one.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from services.kernel.ids import new_id
from services.kernel.service import ServiceContext
from services.kernel.settings import Settings
from services.kernel.tenancy import unscoped_for_system
from services.payments.app import create_app
from services.payments.models import NotificationLog, OrderState, Payment, PaymentOrder, Refund, outbox
from services.payments.orders import jobs
from services.payments.orders import repository as repo
from services.payments.provider_set import ProviderSet, provider_set
from services.payments.providers import order_numbers
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import Corruption, Notification, SandboxOrder
from tests.support.pg import temporary_databases


@dataclass
class System:
    client: TestClient
    ctx: ServiceContext
    providers: ProviderSet


@pytest.fixture(params=["sqlite", "postgresql"])
def system(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[System]:
    def run(url: str) -> Iterator[System]:
        settings = Settings(data_dir=tmp_path, payments_database_url=url, payments_sweep_seconds=3600,
                            relay_poll_seconds=0.2)  # type: ignore[call-arg]
        app = create_app(settings)
        with TestClient(app) as client:
            ctx: ServiceContext = app.state.ctx
            yield System(client, ctx, provider_set(settings, ctx.runtime))

    if request.param == "sqlite":
        yield from run(f"sqlite:///{tmp_path / 'payments.db'}")
    else:
        with temporary_databases("payments") as urls:
            yield from run(urls["payments"])


def _order(system: System, fen: int = 1500, opened: tuple[Provider, ...] = (Provider.WECHAT,),
           launched_ago: timedelta = timedelta(0), expires_in: timedelta = timedelta(minutes=30)) -> PaymentOrder:
    at = datetime.now(UTC)
    key = new_id()[-12:]
    order = PaymentOrder(id=new_id(), kind="student", owner_key=key, province_code="36", school_code="10403",
                         class_id="C1", subject_key=key, term="2026-06", description="毕业证图像采集费",
                         amount_fen=fen, unit_fen=fen, out_trade_no=order_numbers.make("STU"),
                         opened_at=",".join(p.value for p in opened), launched_at=at - launched_ago,
                         expires_at=at + expires_in)
    with system.ctx.transaction() as uow:
        repo.add_order(uow.session, order)
    for provider in opened:
        system.providers.sandbox.open_order(SandboxOrder(provider, order.out_trade_no, fen, order.description,
                                                         system.providers.notify_url(provider)))
    return order


def _post(system: System, note: Notification) -> tuple[int, bytes]:
    response = system.client.post(urlsplit(note.url).path, headers=dict(note.headers), content=note.body)
    return response.status_code, response.content


def _count(system: System, stmt) -> int:  # type: ignore[no-untyped-def]
    with system.ctx.sessions() as session:
        return int(session.execute(unscoped_for_system(stmt)).scalar_one())


def _state(system: System, order: PaymentOrder) -> str:
    with system.ctx.sessions() as session:
        stmt = unscoped_for_system(select(PaymentOrder.state)).where(PaymentOrder.id == order.id)
        return str(session.execute(stmt).scalar_one())


def _ok(answer: tuple[int, bytes], provider: Provider) -> bool:
    return answer == ((204, b"") if provider is Provider.WECHAT else (200, b"success"))


def test_ten_replays_in_any_order_from_many_threads_credit_each_order_once(system: System) -> None:
    gateway = system.providers.sandbox
    orders = [_order(system, opened=(p,)) for p in [Provider.WECHAT, Provider.ALIPAY] * 4]
    notes = []
    for order, provider in zip(orders, [Provider.WECHAT, Provider.ALIPAY] * 4, strict=True):
        notes.append(gateway.pay(provider, order.out_trade_no))  # the first delivery
        notes.append(gateway.payment_notification(gateway.orders[(provider, order.out_trade_no)]))  # another id
    deliveries = [note for note in notes for _ in range(10)]
    random.Random(12).shuffle(deliveries)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: (_post(system, n), n.provider), deliveries))
    assert all(_ok(answer, provider) for answer, provider in answers), answers[:3]

    assert all(_state(system, order) == OrderState.PAID for order in orders)
    assert _count(system, select(func.count()).select_from(Payment)) == len(orders)
    assert _count(system, select(func.count()).select_from(Payment).where(Payment.duplicate.is_(True))) == 0  # type: ignore[attr-defined]
    assert _count(system, select(func.count()).select_from(Refund)) == 0
    paid_events = select(func.count()).select_from(outbox).where(outbox.c.type == "payments.order.paid")
    assert _count(system, paid_events) == len(orders)
    accepted = select(func.count()).select_from(NotificationLog).where(NotificationLog.outcome != "rejected")
    assert _count(system, accepted) == len(notes)  # each notification id recorded once, replays stop there


def test_a_second_payment_is_refunded_once_under_its_own_number(system: System) -> None:
    gateway = system.providers.sandbox
    order = _order(system, opened=(Provider.WECHAT, Provider.ALIPAY))
    notes = [gateway.pay(Provider.WECHAT, order.out_trade_no), gateway.pay(Provider.ALIPAY, order.out_trade_no)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: _post(system, n), [n for n in notes for _ in range(10)]))
    assert _state(system, order) == OrderState.PAID
    assert _count(system, select(func.count()).select_from(Payment)) == 2
    with system.ctx.sessions() as session:
        [refund] = session.execute(unscoped_for_system(select(Refund))).scalars().all()
        session.expunge(refund)
    assert refund.reason == "duplicate_payment" and refund.amount_fen == 1500
    assert order_numbers.is_valid(refund.out_refund_no) and refund.out_refund_no != order.out_trade_no

    def follow() -> str:
        with system.ctx.transaction() as uow:
            current = repo.refund_by_id(uow.session, refund.id)
            assert current is not None
            return asyncio.run(jobs.follow_refund(uow, system.providers, current))

    assert follow() == "succeeded"
    with system.ctx.transaction() as uow:  # as if the answer had been lost: the retry uses the same number
        uow.session.execute(update(Refund).where(Refund.id == refund.id).values(state="pending"))
    assert follow() == "succeeded"
    assert [r.out_refund_no for r in gateway.refunds.values()] == [refund.out_refund_no]  # money moved once
    assert _state(system, order) == OrderState.PAID  # the order itself stays paid


@pytest.mark.parametrize("provider", [Provider.WECHAT, Provider.ALIPAY])
def test_forged_tampered_and_wrong_amount_notifications_change_nothing(system: System, provider: Provider) -> None:
    gateway = system.providers.sandbox
    order = _order(system, opened=(provider,))
    note = gateway.pay(provider, order.out_trade_no)
    corruptions = ([Corruption.SIGNATURE, Corruption.BODY, Corruption.SIGNTEST, Corruption.STALE, Corruption.SERIAL,
                    Corruption.AES_TAG] if provider is Provider.WECHAT
                   else [Corruption.SIGNATURE, Corruption.AMOUNT, Corruption.BODY])
    for how in corruptions:
        status, body = _post(system, gateway.corrupt(note, how))
        if provider is Provider.WECHAT:
            assert status == 400 and b'"FAIL"' in body, how
        else:
            assert (status, body) == (200, b"fail"), how
    # A genuine notification for another amount than our order (the provider's order says 1 fen more).
    other = _order(system, opened=(provider,))
    gateway.orders[(provider, other.out_trade_no)].amount_fen += 1
    assert not _ok(_post(system, gateway.pay(provider, other.out_trade_no)), provider)

    assert _state(system, order) == OrderState.PENDING and _state(system, other) == OrderState.PENDING
    assert _count(system, select(func.count()).select_from(Payment)) == 0
    with system.ctx.sessions() as session:
        codes = session.execute(select(NotificationLog.reject_code).where(
            NotificationLog.outcome == "rejected")).scalars().all()
    assert len(codes) == len(corruptions) + 1 and "amount_mismatch" in codes
    assert _ok(_post(system, note), provider)  # the genuine one still credits afterwards
    assert _state(system, order) == OrderState.PAID


def test_the_sweep_queries_silent_orders_and_closes_expired_ones(system: System) -> None:
    gateway = system.providers.sandbox
    silent = _order(system, opened=(Provider.ALIPAY,), launched_ago=timedelta(minutes=5))
    gateway.pay(Provider.ALIPAY, silent.out_trade_no)  # paid, but the notification never arrives
    expired = _order(system, opened=(Provider.WECHAT,), launched_ago=timedelta(minutes=40),
                     expires_in=timedelta(minutes=-10))
    waiting = _order(system, opened=(Provider.WECHAT,))
    with system.ctx.transaction() as uow:
        counts = asyncio.run(jobs.sweep(uow, system.providers, query_after_s=60))
    assert counts == {"credited": 1, "closed": 1}
    assert _state(system, silent) == OrderState.PAID
    assert _state(system, expired) == OrderState.CLOSED
    assert gateway.orders[(Provider.WECHAT, expired.out_trade_no)].state == "CLOSED"
    assert _state(system, waiting) == OrderState.PENDING
    with system.ctx.transaction() as uow:  # a second sweep finds nothing more to do
        assert asyncio.run(jobs.sweep(uow, system.providers, query_after_s=60)) == {}
