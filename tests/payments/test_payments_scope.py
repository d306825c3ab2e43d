"""Who may reach the payments endpoints that are not plain lists: a student only their own order, a class monitor
only their own class, fee profiles written only by the agency of the school's province; and the class settlement
charges photographed count × fee, once."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import select

from services.capture.events import PhotoAccepted
from services.kernel.queries import get_system
from services.payments.models import Payer
from services.payments.settlement.consumers import on_photo_accepted
from tests.support.api import DEMO_STUDENT, Api

STUDENT_ONLY = [("GET", "/api/payments/v1/orders/me"), ("POST", "/api/payments/v1/orders/me/pay"),
                ("POST", "/api/payments/v1/orders/me/check")]
MONITOR_ONLY = [("GET", "/api/payments/v1/classes/me/settlement"),
                ("POST", "/api/payments/v1/classes/me/settlement/pay"),
                ("POST", "/api/payments/v1/classes/me/settlement/check")]


def test_student_and_monitor_endpoints_refuse_other_roles(embedded: Api) -> None:
    body = {"channel": "wechat_h5"}
    for method, path in STUDENT_ONLY:
        for user in ("school10403", "agency", "monitor10403"):
            r = embedded.client.request(method, path, headers=embedded.as_user(user), json=body)
            assert r.status_code == 403 and r.json()["code"] == "role_not_allowed", (user, path)
        assert embedded.client.request(method, path, json=body).status_code == 401
    for method, path in MONITOR_ONLY:
        for user in ("school10403", "agency", DEMO_STUDENT):
            r = embedded.client.request(method, path, headers=embedded.as_user(user), json=body)
            assert r.status_code == 403, (user, path)
    r = embedded.client.put("/api/payments/v1/fee-profiles", headers=embedded.as_user("school10403"), json={
        "school_code": "10403", "term": "2026-06", "amount_fen": 1, "payer_mode": "student"})
    assert r.status_code == 403


def test_a_student_sees_only_their_own_order_and_staff_only_their_school(embedded: Api) -> None:
    mine = embedded.get("/api/payments/v1/orders/me", DEMO_STUDENT).json()
    assert mine["school_code"] == "10403"
    embedded.post("/api/payments/v1/orders/me/pay", DEMO_STUDENT, json={"channel": "alipay_wap"})
    orders = embedded.get("/api/payments/v1/orders", "school10405").json()["items"]
    assert all(o["school_code"] == "10405" for o in orders)
    ours = embedded.get("/api/payments/v1/orders", "school10403").json()["items"]
    assert any(o["kind"] == "student" for o in ours)
    monitor = embedded.get("/api/payments/v1/orders", "monitor10403").json()["items"]
    classes = {o["class_id"] for o in monitor}
    assert len(classes) <= 1  # a monitor sees their own class's orders only


def test_class_settlement_charges_the_photographed_count_once(embedded: Api) -> None:
    settlement = embedded.get("/api/payments/v1/classes/me/settlement", "monitor10403")
    assert settlement.status_code == 200, settlement.text
    class_id = settlement.json()["class_id"]
    ctx = embedded.client.app.apps["payments"].state.ctx  # type: ignore[attr-defined]
    with ctx.transaction() as uow:  # three students of the class photographed (capture's stand-in event)
        payers = list(uow.session.exec(select(Payer).where(Payer.class_id == class_id)
                                       .execution_options(tenant_scoped=True)).all())[:3]
        assert get_system(uow.session, Payer, subject_key=payers[0].subject_key)
        for p in payers:
            on_photo_accepted(uow, PhotoAccepted(
                photo_id=f"ph-{p.subject_key}", checkin_id="c1", station_id="st1", school_code=p.school_code,
                province_code=p.province_code, subject_key=p.subject_key, sequence_no=1, version=1, first=True,
                overridden=False))
    refused = embedded.post("/api/payments/v1/classes/me/settlement/pay", "monitor10403", json={"channel": "wechat_h5"})
    assert refused.status_code == 409 and refused.json()["code"] == "fee_paid_by_other"  # 10403: students pay
    r = embedded.client.put("/api/payments/v1/fee-profiles", headers=embedded.as_user("agency"), json={
        "school_code": "10403", "term": "2026-06", "amount_fen": 2000, "payer_mode": "class"})
    assert r.status_code == 200, r.text
    s = embedded.get("/api/payments/v1/classes/me/settlement", "monitor10403").json()
    assert (s["photographed"], s["unit_fen"], s["amount_fen"]) == (len(payers), 2000, 2000 * len(payers))
    launched = embedded.post("/api/payments/v1/classes/me/settlement/pay", "monitor10403",
                             json={"channel": "alipay_wap"})
    assert launched.status_code == 200, launched.text
    assert launched.json()["order"]["amount_fen"] == 2000 * len(payers)
    cashier = embedded.client.get(launched.json()["redirect_url"], follow_redirects=True)
    assert "确认支付" in cashier.text and f"¥{20 * len(payers)}.00" in cashier.text
    embedded.client.post(urlsplit(str(cashier.url)).path, data={})
    s = embedded.post("/api/payments/v1/classes/me/settlement/check", "monitor10403").json()
    assert s["order"]["state"] == "paid" and s["order"]["quantity"] == len(payers)
    again = embedded.post("/api/payments/v1/classes/me/settlement/pay", "monitor10403", json={"channel": "wechat_h5"})
    assert again.status_code == 409 and again.json()["code"] == "order_already_paid"
    embedded.client.put("/api/payments/v1/fee-profiles", headers=embedded.as_user("agency"), json={
        "school_code": "10403", "term": "2026-06", "amount_fen": 1500, "payer_mode": "student"})
