"""Refund resolutions on SQLite and on PostgreSQL, at the service level with each call its own unit of work as a
request would be (the HTTP flows are in test_reconciliation.py): eight concurrent resolutions refund once — the
conditional claim lets one through, the order row lock keeps refunds within what was paid — and a class that
settled for more students than were photographed gets exactly the difference back."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from services.kernel.db import table_of
from services.kernel.errors import Conflict
from services.kernel.ids import new_id
from services.kernel.tenancy import Principal, Role, unscoped_for_system
from services.payments.models import FeeProfile, PaymentOrder, Photographed, Refund, RunState
from services.payments.providers.port import Provider
from services.payments.providers.sandbox_bills import wechat_trade_bill
from services.payments.reconciliation import repository as repo
from services.payments.reconciliation import service
from tests.payments.test_notification_replay import (
    System,
    _order,
    _post,
    system,  # noqa: F401  (the SQLite / PostgreSQL fixture)
)

AGENCY = Principal(subject="agency", role=Role.AGENCY_ADMIN, username="agency", province="36")


def test_eight_concurrent_refund_resolutions_refund_once(system: System) -> None:  # noqa: F811
    order = _order(system)
    status, _ = _post(system, system.providers.sandbox.pay(Provider.WECHAT, order.out_trade_no))
    assert status in (200, 204)
    _reconciled(system)
    with system.ctx.transaction() as uow:
        [due] = [d for d in service.discrepancies(uow, AGENCY, state="open") if d.order_id == order.id]
        assert due.type == "paid_not_photographed" and due.amount_fen == 1500
        due_id = due.id

    def resolve(_: int) -> str:
        try:
            with system.ctx.transaction() as uow:
                service.resolve(uow, AGENCY, due_id, "refund", "未拍摄，退款")
            return "resolved"
        except Conflict as conflict:
            return conflict.code
        except Exception as error:  # noqa: BLE001 — a serialisation failure is a refusal too, never a refund
            return type(error).__name__

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(resolve, range(8)))
    assert outcomes.count("resolved") == 1, outcomes
    with system.ctx.sessions() as session:
        refunds = session.execute(unscoped_for_system(
            select(func.count(), func.sum(col(Refund.amount_fen))).where(col(Refund.order_id) == order.id))).one()
    assert tuple(refunds) == (1, 1500)


def _reconciled(on: System) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    bill, _ = wechat_trade_bill(on.providers.sandbox, today)
    with on.ctx.transaction() as uow:
        run_id = service.start_run(uow, on.ctx.runtime.blobs, AGENCY, Provider.WECHAT, today.isoformat(),
                                   "bill.csv", bill, None).id
    deadline = time.monotonic() + 30
    while True:  # the job runner of the app reconciles it
        with on.ctx.transaction() as uow:
            found = repo.run_by_id(uow.session, run_id)
            assert found is not None
            if found.state not in (RunState.QUEUED, RunState.RUNNING):
                assert found.state == RunState.DONE, (found.state, found.error_code)
                return
        assert time.monotonic() < deadline, "the reconciliation job did not finish"
        time.sleep(0.1)


def test_a_class_that_paid_for_more_than_were_photographed_gets_the_difference_back(system: System) -> None:  # noqa: F811
    """A class settled for 3 at 15 yuan; only 2 were photographed: 15 yuan back, once, and the order stays paid."""
    order = _order(system, fen=4500)
    with system.ctx.transaction() as uow:
        uow.session.execute(update(table_of(PaymentOrder)).where(table_of(PaymentOrder).c.id == order.id).values(
            kind="class", owner_key="C1", subject_key=None, unit_fen=1500, quantity=3))
        uow.session.add(FeeProfile(id=new_id(), province_code="36", school_code="10403", term="2026-06",
                                   amount_fen=1500, payer_mode="class", updated_by="test"))
        for key in ("S1", "S2"):
            uow.session.add(Photographed(subject_key=key, province_code="36", school_code="10403", class_id="C1",
                                         term="2026-06"))
    status, _ = _post(system, system.providers.sandbox.pay(Provider.WECHAT, order.out_trade_no))
    assert status in (200, 204)
    _reconciled(system)
    with system.ctx.transaction() as uow:
        [over] = [d for d in service.discrepancies(uow, AGENCY, state="open") if d.type == "class_overpaid"]
        assert (over.order_id, over.amount_fen, over.ours_fen) == (order.id, 1500, 4500)
        resolved = service.resolve(uow, AGENCY, over.id, "refund", "班级多结算 1 人，退差额")
        assert resolved.refund_id
    with pytest.raises(Conflict), system.ctx.transaction() as uow:
        service.resolve(uow, AGENCY, over.id, "refund", "再退一次")
    with system.ctx.sessions() as session:
        refunds = session.execute(unscoped_for_system(select(col(Refund.amount_fen), col(Refund.reason)).where(
            col(Refund.order_id) == order.id))).all()
    assert [tuple(r) for r in refunds] == [(1500, "class_overpaid")]
    _reconciled(system)  # run again: the difference is refunded, so nothing is due any more
    with system.ctx.transaction() as uow:
        assert not [d for d in service.discrepancies(uow, AGENCY, state="open") if d.order_id == order.id]
        assert repo.lock_order(uow.session, order.id).state == "paid"  # type: ignore[union-attr]
