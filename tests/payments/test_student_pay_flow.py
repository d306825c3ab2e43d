"""A student pays their fee through the sandbox cashier, end to end over HTTP (embedded system, demo data):
the order is credited by the sandbox's genuine notification; the result page's check queries, never trusts."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.support.api import DEMO_STUDENT, Api


def _cashier(api: Api, redirect_url: str) -> tuple[str, str]:
    page = api.client.get(redirect_url, follow_redirects=True)
    assert page.status_code == 200, page.text
    assert "确认支付" in page.text
    return str(page.url), page.text


def test_student_pays_once_through_the_cashier(embedded: Api) -> None:
    """One demo student, so one channel here; Alipay's cashier is paid in test_payments_scope (class settlement)."""
    api, channel = embedded, "wechat_h5"
    fee = api.get("/api/payments/v1/orders/me", DEMO_STUDENT)
    assert fee.status_code == 200, fee.text
    assert fee.json()["fee_fen"] == 1500 and fee.json()["order"] is None

    launched = api.post("/api/payments/v1/orders/me/pay", DEMO_STUDENT, json={"channel": channel})
    assert launched.status_code == 200, launched.text
    body = launched.json()
    number = body["order"]["out_trade_no"]
    again = api.post("/api/payments/v1/orders/me/pay", DEMO_STUDENT, json={"channel": channel}).json()
    assert again["order"]["out_trade_no"] == number  # re-paying reuses the number

    url, _ = _cashier(api, body["redirect_url"])
    back = api.client.post(urlsplit(url).path, data={"return_url": f"/pay/result?order={body['order']['id']}"},
                           follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"].startswith("/pay/result")

    checked = api.post("/api/payments/v1/orders/me/check", DEMO_STUDENT).json()
    assert checked["order"]["state"] == "paid" and checked["order"]["paid_provider"] == "wechat"
    refused = api.post("/api/payments/v1/orders/me/pay", DEMO_STUDENT, json={"channel": channel})
    assert refused.status_code == 409 and refused.json()["code"] == "order_already_paid"


def test_fee_profiles_refuse_floats_negatives_and_bad_breakdowns(embedded: Api) -> None:
    base = {"school_code": "10405", "term": "2026-06", "payer_mode": "student"}
    for amount in (15.5, -100, 100_001, "1500"):
        r = embedded.client.put("/api/payments/v1/fee-profiles", headers=embedded.as_user("agency"),
                                json={**base, "amount_fen": amount})
        assert r.status_code == 422 and r.json()["code"] == "validation_failed", (amount, r.text)
    r = embedded.client.put("/api/payments/v1/fee-profiles", headers=embedded.as_user("agency"), json={
        **base, "amount_fen": 3000, "breakdown": [{"label": "网上", "amount_fen": 1500}]})
    assert r.status_code == 422 and r.json()["code"] == "fee_breakdown_mismatch"
    r = embedded.client.put("/api/payments/v1/fee-profiles", headers=embedded.as_user("agency"), json={
        **base, "amount_fen": 3000, "breakdown": [{"label": "网上", "amount_fen": 1500},
                                                  {"label": "现场", "amount_fen": 1500}]})
    assert r.status_code == 200 and r.json()["amount_fen"] == 3000
    r = embedded.client.put("/api/payments/v1/fee-profiles", headers=embedded.as_user("school10405"),
                            json={**base, "amount_fen": 1})
    assert r.status_code == 403
    listed = embedded.get("/api/payments/v1/fee-profiles", "school10405").json()["items"]
    assert {p["school_code"] for p in listed} == {"10405"}
