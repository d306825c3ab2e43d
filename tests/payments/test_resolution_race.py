"""Concurrent resolutions of one refund-due discrepancy, on SQLite and on PostgreSQL (the HTTP race on SQLite is
in test_reconciliation.py): eight threads, each its own unit of work as a request would be, refund once — the
conditional claim lets one through, the order row lock keeps refunds within what was paid."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import col

from services.kernel.errors import Conflict
from services.kernel.tenancy import Principal, Role, unscoped_for_system
from services.payments.models import Refund, RunState
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
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    bill, _ = wechat_trade_bill(system.providers.sandbox, today)
    with system.ctx.transaction() as uow:
        run = service.start_run(uow, system.ctx.runtime.blobs, AGENCY, Provider.WECHAT, today.isoformat(),
                                "bill.csv", bill, None)
        run_id = run.id
    deadline = time.monotonic() + 30
    while True:  # the job runner of the app reconciles it
        with system.ctx.transaction() as uow:
            found = repo.run_by_id(uow.session, run_id)
            assert found is not None
            if found.state not in (RunState.QUEUED, RunState.RUNNING):
                assert found.state == RunState.DONE, (found.state, found.error_code)
                break
        assert time.monotonic() < deadline, "the reconciliation job did not finish"
        time.sleep(0.1)
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
