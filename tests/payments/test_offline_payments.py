"""Money staff take by hand (cash, a bank transfer) is a real ledger entry (embedded system, over HTTP): the
agency marks a receivable paid — a photographed student who never paid, a class photographed beyond what it
settled, a class that never settled — and an `offline` payment OFFLINE-<id> with the amount, who and when is
entered against the student's or class's order; reports, the daily takings and reconciliation count it; a refund
of it through a payment provider is refused (409 offline_refund) and changes nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, update

from services.capture.events import PhotoAccepted
from services.kernel.db import table_of
from services.kernel.tenancy import Principal, Role
from services.payments.models import Payer, Photographed
from services.payments.orders import service as order_rules
from services.payments.provider_set import provider_set
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SandboxOrder
from services.payments.settlement.consumers import on_photo_accepted
from tests.support.api import Api, wait_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.now(SHANGHAI).date()
YESTERDAY = TODAY - timedelta(days=1)
RECON = "/api/payments/v1/reconciliation"


@dataclass
class Scene:
    api: Api
    xg2301: list[Payer]
    xg2302: list[Payer]
    orders: dict[str, str]  # letter -> order id

    def ctx(self) -> Any:
        return cast(Any, self.api.client).app.apps["payments"].state.ctx


def _open_order(scene: Scene, payer: Payer) -> tuple[str, str, int]:
    principal = Principal(subject=payer.subject_key, role=Role.STUDENT, username=payer.subject_key,
                          province=payer.province_code, school=payer.school_code, subject_key=payer.subject_key)
    with scene.ctx().transaction() as uow:
        order = order_rules.prepare_student_payment(uow, principal, timedelta(minutes=30))
        order_rules.record_launch(uow, order, "wechat", "wechat_h5")
        return order.id, order.out_trade_no, order.amount_fen


def _pay_wechat(scene: Scene, payer: Payer, paid_at: datetime) -> str:
    order_id, number, amount = _open_order(scene, payer)
    providers = provider_set(scene.ctx().settings, scene.ctx().runtime)
    providers.sandbox.open_order(SandboxOrder(Provider.WECHAT, number, amount, "毕业证图像采集费",
                                              providers.notify_url(Provider.WECHAT), attach=order_id))
    providers.sandbox.pay(Provider.WECHAT, number)
    paid = providers.sandbox.orders[(Provider.WECHAT, number)]
    paid.paid_at = paid_at
    note = providers.sandbox.payment_notification(paid)
    answer = scene.api.client.post(urlsplit(note.url).path, headers=dict(note.headers), content=note.body)
    assert answer.status_code == 204, answer.text
    return order_id


def _photographed(scene: Scene, *payers: Payer) -> None:
    with scene.ctx().transaction() as uow:
        for p in payers:
            on_photo_accepted(uow, PhotoAccepted(
                photo_id=f"ph-{p.subject_key}", checkin_id="c1", station_id="st1", school_code=p.school_code,
                province_code=p.province_code, subject_key=p.subject_key, sequence_no=1, version=1, first=True,
                overridden=False))


def _reconcile(api: Api) -> dict[str, Any]:
    """Yesterday's WeChat bill from the sandbox, uploaded again: the day is re-run with the ledger as it is now."""
    bill = api.client.get(f"/api/payments/sandbox/bills/wechat/{YESTERDAY}").content
    r = api.client.post(f"{RECON}/runs", headers=api.as_user("agency"), files={"file": ("bill.csv", bill)},
                        data={"provider": "wechat", "bill_date": YESTERDAY.isoformat()})
    assert r.status_code == 202, r.text
    run_id = r.json()["id"]
    run = wait_until(lambda: (x := api.get(f"{RECON}/runs/{run_id}", "agency").json())["state"]
                     not in ("queued", "running") and x, timeout=30)
    assert run["state"] == "done", run
    return cast(dict[str, Any], run)


def _findings(api: Api, **params: str) -> list[dict[str, Any]]:
    r = api.get(f"{RECON}/discrepancies", "agency", params={"school_code": "10403", **params})
    assert r.status_code == 200, r.text
    return cast(list[dict[str, Any]], r.json()["items"])


def _one(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    [item] = [i for i in items if all(i.get(k) == v for k, v in match.items())]
    return item


def _resolve(api: Api, item: dict[str, Any], action: str, reason: str) -> Any:
    return api.post(f"{RECON}/discrepancies/{item['id']}/resolve", "agency", json={"action": action, "reason": reason})


def _orders(api: Api) -> dict[str, dict[str, Any]]:
    items = api.get("/api/payments/v1/orders", "agency", params={"school_code": "10403"}).json()["items"]
    return {o["id"]: o for o in items}


def _offline_today(api: Api) -> dict[str, Any]:
    body = api.get("/api/payments/v1/reports/takings", "agency",
                   params={"from": TODAY.isoformat(), "to": TODAY.isoformat()}).json()
    return cast(dict[str, Any], next(p for p in body["days"][0]["providers"] if p["provider"] == "offline"))


@pytest.fixture(scope="module")
def scene(embedded: Api) -> Iterator[Scene]:
    class_id = embedded.get("/api/payments/v1/classes/me/settlement", "monitor10403").json()["class_id"]
    s = Scene(embedded, [], [], {})
    with s.ctx().transaction() as uow:
        payers = list(uow.session.execute(select(Payer).where(Payer.school_code == "10403")
                                          .execution_options(tenant_scoped=True)).scalars())
    s.xg2301 = [p for p in payers if p.class_id == class_id][:4]
    s.xg2302 = [p for p in payers if p.class_no == "XG2302"][:2]
    p, q, r, _ = s.xg2301
    s.orders["Q"] = _open_order(s, q)[0]  # Q opened an order and never paid
    s.orders["R"] = _pay_wechat(s, r, datetime.now(UTC) - timedelta(days=1))  # R paid online: nothing to find
    _photographed(s, p, q, r)  # P and Q photographed without paying: receivables
    _reconcile(embedded)
    yield s


def test_a_receivable_marked_paid_is_an_offline_ledger_entry(scene: Scene) -> None:
    api = scene.api
    p, q, r, _ = scene.xg2301
    open_items = _findings(api, state="open", type="photographed_unpaid")
    owed_p = _one(open_items, subject_key=p.subject_key)
    owed_q = _one(open_items, subject_key=q.subject_key)
    assert owed_p["amount_fen"] == 1500 and owed_p["order_id"] is None
    assert not [i for i in open_items if i["subject_key"] == r.subject_key]
    before = datetime.now(UTC)

    marked = _resolve(api, owed_p, "mark_paid", "学生现金缴纳，班长代收")
    assert marked.status_code == 200, marked.text
    body = marked.json()
    assert (body["state"], body["resolution"], body["resolved_by"]) == ("resolved", "mark_paid", "agency")
    payment = body["payment"]
    assert payment["provider"] == "offline" and payment["provider_txn"] == f"OFFLINE-{owed_p['id']}"
    assert (payment["amount_fen"], payment["recorded_by"], payment["duplicate"]) == (1500, "agency", False)
    assert before - timedelta(seconds=5) <= datetime.fromisoformat(payment["paid_at"]) <= datetime.now(UTC)
    order = _orders(api)[body["order_id"]]  # P had no order: one was opened, paid offline
    assert (order["kind"], order["state"], order["paid_provider"], order["amount_fen"]) == (
        "student", "paid", "offline", 1500)
    assert [(x["provider"], x["provider_txn"], x["recorded_by"]) for x in order["payments"]] == [
        ("offline", f"OFFLINE-{owed_p['id']}", "agency")]
    assert body["out_trade_no"] == order["out_trade_no"]

    again = _resolve(api, owed_p, "mark_paid", "学生现金缴纳，班长代收")
    assert again.status_code == 409 and again.json()["code"] == "discrepancy_already_resolved"
    assert len(_orders(api)[body["order_id"]]["payments"]) == 1

    marked_q = _resolve(api, owed_q, "mark_paid", "学生银行转账")
    assert marked_q.status_code == 200, marked_q.text
    assert marked_q.json()["order_id"] == scene.orders["Q"]  # Q's own pending order is the one credited
    order_q = _orders(api)[scene.orders["Q"]]
    assert (order_q["state"], order_q["paid_provider"], [x["provider"] for x in order_q["payments"]]) == (
        "paid", "offline", ["offline"])

    # Reports and the daily takings count the money; the next run finds nothing about P or Q, and nothing
    # about the offline entries in the provider's bill.
    assert _offline_today(api) == {"provider": "offline", "paid_fen": 3000, "refunded_fen": 0, "net_fen": 3000,
                                   "count": 2, "refund_count": 0}
    [line] = api.get("/api/payments/v1/reports/schools", "school10403").json()["items"]
    assert (line["photographed"], line["paid_fen"], line["outstanding_fen"]) == (3, 4500, 0)
    _reconcile(api)
    live = [i for i in _findings(api) if i["state"] in ("open", "carried")]
    assert not [i for i in live if i["subject_key"] in (p.subject_key, q.subject_key)], live
    assert not [i for i in live if (i["provider_txn"] or "").startswith("OFFLINE-")], live


def test_the_exports_count_offline_payments_and_keep_text_inert(scene: Scene) -> None:
    api = scene.api
    [line] = api.get("/api/payments/v1/reports/schools", "school10403").json()["items"]
    assert (line["paid_fen"], line["offline_fen"]) == (4500, 3000)
    classes = api.get("/api/payments/v1/reports/classes", "agency", params={"school_code": "10403"}).json()
    assert classes["totals"]["offline_fen"] == 3000

    xlsx = api.get("/api/payments/v1/reports/schools/export", "agency", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[2]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert float(rows["10403"][header.index("已收（元）")]) == 45.0  # R online, P and Q offline
    assert float(rows["10403"][header.index("已收中线下收款（元）")]) == 30.0
    takings = api.get("/api/payments/v1/reports/takings/export", "agency",
                      params={"from": TODAY.isoformat(), "to": TODAY.isoformat()})
    sheet = load_workbook(io.BytesIO(takings.content)).active
    header = [c.value for c in sheet[2]]
    today = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == TODAY.isoformat())
    assert float(today[header.index("线下（现金/转账）已收（元）")]) == 30.0

    # A class named like a formula stays text in the class export, next to the offline money (the one rule).
    with scene.ctx().transaction() as uow:
        payers = table_of(Payer)
        uow.session.execute(update(payers).where(payers.c.class_id == scene.xg2301[0].class_id)
                            .values(class_name="=HYPERLINK(\"http://evil.test\",\"点我\")"))
    try:
        book = api.get("/api/payments/v1/reports/classes/export", "school10403", params={"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(book.content)).active
        header = [c.value for c in sheet[2]]
        ours = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[1] == scene.xg2301[0].class_no)
        assert ours[header.index("班级名称")].startswith("'=HYPERLINK")
        assert float(ours[header.index("已收中线下收款（元）")]) == 30.0
        csv_text = api.get("/api/payments/v1/reports/takings/export", "school10403", params={
            "from": YESTERDAY.isoformat(), "to": TODAY.isoformat(), "format": "csv"}).content.decode("utf-8-sig")
        assert csv_text.splitlines()[-1].startswith("合计,")
    finally:
        with scene.ctx().transaction() as uow:
            uow.session.execute(update(table_of(Payer)).where(table_of(Payer).c.class_id == scene.xg2301[0].class_id)
                                .values(class_name=scene.xg2301[0].class_name))


def test_an_offline_payment_is_not_refunded_through_a_provider(scene: Scene) -> None:
    api = scene.api
    p = scene.xg2301[0]
    with scene.ctx().transaction() as uow:  # P's photo is withdrawn: P paid (offline) and is not photographed
        uow.session.execute(delete(table_of(Photographed)).where(
            table_of(Photographed).c.subject_key == p.subject_key))
    _reconcile(api)
    order_id = _one(_findings(api, type="photographed_unpaid", state="resolved"), subject_key=p.subject_key)[
        "order_id"]
    due = _one(_findings(api, state="open", type="paid_not_photographed"), order_id=order_id)
    assert due["amount_fen"] == 1500
    refused = _resolve(api, due, "refund", "未拍摄，退还采集费")
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "offline_refund" and "线下" in problem["message_zh"] and "offline" in problem[
        "message_en"]
    # Nothing was written: the discrepancy is still open, the order has no refund.
    assert api.get(f"{RECON}/discrepancies/{due['id']}", "agency").json()["state"] == "open"
    order = _orders(api)[order_id]
    assert (order["state"], order["refunds"]) == ("paid", [])
    ignored = _resolve(api, due, "ignore", "已线下退还现金")
    assert ignored.status_code == 200 and ignored.json()["resolution"] == "ignore"


def test_a_class_pays_offline_for_the_students_it_had_not_settled(scene: Scene) -> None:
    api = scene.api
    r = api.client.put("/api/payments/v1/fee-profiles", headers=api.as_user("agency"), json={
        "school_code": "10403", "term": "2026-06", "amount_fen": 1500, "payer_mode": "class"})
    assert r.status_code == 200, r.text
    try:
        # XG2301's monitor settles online for the three photographed; a fourth is photographed afterwards.
        launched = api.post("/api/payments/v1/classes/me/settlement/pay", "monitor10403",
                            json={"channel": "alipay_wap"})
        assert launched.status_code == 200, launched.text
        assert launched.json()["order"]["quantity"] == 2  # P's photo was withdrawn above: Q and R
        cashier = api.client.get(launched.json()["redirect_url"], follow_redirects=True)
        api.client.post(urlsplit(str(cashier.url)).path, data={})
        settled = api.post("/api/payments/v1/classes/me/settlement/check", "monitor10403").json()["order"]
        assert settled["state"] == "paid"
        _photographed(scene, scene.xg2301[3], *scene.xg2302)  # XG2302 never settled at all
        _reconcile(api)
        items = _findings(api, state="open", type="photographed_unpaid")
        short = _one(items, class_id=scene.xg2301[0].class_id)
        assert (short["order_id"], short["amount_fen"]) == (settled["id"], 1500)
        unsettled = _one(items, class_id=scene.xg2302[0].class_id)
        assert (unsettled["order_id"], unsettled["amount_fen"]) == (None, 3000)

        topped = _resolve(api, short, "mark_paid", "班长补交一人现金")
        assert topped.status_code == 200, topped.text
        order = _orders(api)[settled["id"]]
        assert (order["state"], order["quantity"], order["amount_fen"], order["paid_provider"]) == (
            "paid", 3, 4500, "alipay")
        assert [(x["provider"], x["amount_fen"]) for x in order["payments"]] == [("alipay", 3000), ("offline", 1500)]

        created = _resolve(api, unsettled, "mark_paid", "学院统一转账")
        assert created.status_code == 200, created.text
        new = _orders(api)[created.json()["order_id"]]
        assert (new["kind"], new["state"], new["quantity"], new["amount_fen"], new["paid_provider"]) == (
            "class", "paid", 2, 3000, "offline")
        assert created.json()["payment"]["amount_fen"] == 3000

        _reconcile(api)  # the classes now paid for everyone photographed: nothing owed, nothing overpaid
        live = [i for i in _findings(api) if i["state"] in ("open", "carried") and i["class_id"] in (
            scene.xg2301[0].class_id, scene.xg2302[0].class_id) and i["type"] in (
            "photographed_unpaid", "class_overpaid")]
        assert live == []
        assert _offline_today(api)["paid_fen"] == 3000 + 1500 + 3000
    finally:
        api.client.put("/api/payments/v1/fee-profiles", headers=api.as_user("agency"), json={
            "school_code": "10403", "term": "2026-06", "amount_fen": 1500, "payer_mode": "student"})
