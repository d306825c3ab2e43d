"""The school pays in advance (学校统缴), over HTTP on the embedded system (demo data, sandbox providers): the amount
due is approved students × the fee of the school's fee profile; paying again reuses the order's number; the sandbox
cashier's genuine notification credits the order once however often it is replayed; reconciliation compares the
prepaid count with the photographed count (refund due to the school, or receivable); and only the school's own
admin, its province and its agency reach it."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from services.capture.events import PhotoAccepted
from services.kernel.tenancy import Principal, Role, unscoped_for_system
from services.payments.models import NotificationLog, Payer, Payment, outbox
from services.payments.provider_set import provider_set
from services.payments.providers.port import Provider
from services.payments.providers.sandbox_bills import alipay_bill_zip
from services.payments.settlement.consumers import on_photo_accepted
from tests.support.api import DEMO_STUDENT, Api, wait_until

BASE = "/api/payments/v1/schools/{}/prepayment"
APPROVED = 58  # the demo's 南昌大学: XG2301 (30) and XG2302 (28) approved; 法学院 still under review
FEE = 2000
BREAKDOWN = [{"label": "采集服务费", "amount_fen": 1500}, {"label": "照片制作费", "amount_fen": 500}]


def _ctx(api: Api) -> Any:
    return cast(Any, api.client).app.apps["payments"].state.ctx


def _path(school: str = "10403", action: str = "") -> str:
    return BASE.format(school) + (f"/{action}" if action else "")


def _set_fee(api: Api, payer_mode: str, school: str = "10403", amount: int = FEE) -> None:
    r = api.client.put("/api/payments/v1/fee-profiles", headers=api.as_user("agency"), json={
        "school_code": school, "term": "2026-06", "amount_fen": amount, "payer_mode": payer_mode,
        "breakdown": BREAKDOWN if amount == FEE else []})
    assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def prepaying(embedded: Api) -> Api:
    """南昌大学 pays for its students in advance this term (the agency's decision)."""
    wait_until(lambda: embedded.get("/api/payments/v1/payers", "school10403").json()["total"] == APPROVED)
    _set_fee(embedded, "school")
    return embedded


@pytest.fixture(scope="module")
def paid(prepaying: Api) -> dict[str, Any]:
    """The school's admin pays on a PC through Alipay's computer-site cashier (the sandbox's) and comes back."""
    api = prepaying
    launched = api.post(_path(action="pay"), "school10403", json={"channel": "alipay_page"})
    assert launched.status_code == 200, launched.text
    body = launched.json()
    cashier = api.client.get(body["redirect_url"], follow_redirects=True)
    assert cashier.status_code == 200 and "确认支付" in cashier.text and f"¥{FEE * APPROVED // 100}.00" in cashier.text
    back = api.client.post(urlsplit(str(cashier.url)).path,
                           data={"return_url": f"/prepayment?order={body['order']['id']}"}, follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == f"/prepayment?order={body['order']['id']}"
    return cast(dict[str, Any], body["order"])


def test_a_school_whose_students_pay_themselves_owes_nothing_here(embedded: Api) -> None:
    r = embedded.get(_path("10405"), "school10405")  # the demo: 东华理工大学's students pay their own fee
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["payer_mode"] == "student" and body["unit_fen"] is None and body["due_fen"] == 0
    assert body["order"] is None and body["term"] == "2026-06"
    refused = embedded.post(_path("10405", "pay"), "school10405", json={"channel": "alipay_page"})
    assert refused.status_code == 409 and refused.json()["code"] == "fee_paid_by_other"
    assert "学生个人缴费" in refused.json()["message_zh"]


def test_the_amount_due_is_approved_students_times_the_schools_fee(prepaying: Api) -> None:
    for user in ("school10403", "province", "agency"):
        r = prepaying.get(_path(), user)
        assert r.status_code == 200, (user, r.text)
        body = r.json()
        assert (body["school_code"], body["term"], body["payer_mode"]) == ("10403", "2026-06", "school")
        assert (body["students"], body["unit_fen"], body["due_fen"]) == (APPROVED, FEE, APPROVED * FEE)
        assert (body["paid_fen"], body["outstanding_fen"], body["order"]) == (0, APPROVED * FEE, None)
        assert body["breakdown"] == BREAKDOWN
    by_term = prepaying.get(_path(), "school10403", params={"term": "2025-06"})
    assert by_term.status_code == 404 and by_term.json()["code"] == "school_not_found"


def test_paying_again_reuses_the_order_number(prepaying: Api) -> None:
    first = prepaying.post(_path(action="pay"), "school10403", json={"channel": "wechat_native"})
    assert first.status_code == 200, first.text
    order = first.json()["order"]
    assert order["kind"] == "school" and order["state"] == "pending"
    assert (order["amount_fen"], order["unit_fen"], order["quantity"]) == (APPROVED * FEE, FEE, APPROVED)
    assert order["out_trade_no"].startswith("SCH") and order["class_id"] is None
    assert first.json()["code_url"].endswith(f"/sandbox/cashier/wechat/{order['out_trade_no']}")
    again = prepaying.post(_path(action="pay"), "school10403", json={"channel": "alipay_page"})
    assert again.status_code == 200, again.text
    assert again.json()["order"]["out_trade_no"] == order["out_trade_no"] and again.json()["order"]["id"] == order["id"]
    assert "alipay.trade.page.pay" in again.json()["redirect_url"]
    shown = prepaying.get(_path(), "school10403").json()
    assert shown["order"]["out_trade_no"] == order["out_trade_no"] and shown["outstanding_fen"] == APPROVED * FEE
    for channel in ("wechat_h5", "alipay_wap", "cash"):  # a PC pays by QR code or the computer-site cashier
        r = prepaying.post(_path(action="pay"), "school10403", json={"channel": channel})
        assert r.status_code == 422 and r.json()["code"] == "validation_failed", channel


def test_the_school_pays_once_through_the_sandbox_cashier(paid: dict[str, Any], prepaying: Api) -> None:
    body = prepaying.get(_path(), "school10403").json()  # no query: the cashier's notification credited it
    assert body["order"]["id"] == paid["id"] and body["order"]["out_trade_no"] == paid["out_trade_no"]
    assert body["order"]["state"] == "paid" and body["order"]["paid_provider"] == "alipay"
    assert (body["paid_fen"], body["outstanding_fen"]) == (APPROVED * FEE, 0)
    checked = prepaying.post(_path(action="check"), "school10403")
    assert checked.status_code == 200 and checked.json()["order"]["state"] == "paid"
    again = prepaying.post(_path(action="pay"), "school10403", json={"channel": "alipay_page"})
    assert again.status_code == 409 and again.json()["code"] == "order_already_paid"


def _count(api: Api, stmt: Any) -> int:
    with _ctx(api).sessions() as session:
        return int(session.execute(unscoped_for_system(stmt)).scalar_one())


def test_a_replayed_notification_credits_once(paid: dict[str, Any], prepaying: Api) -> None:
    ctx = _ctx(prepaying)
    gateway = provider_set(ctx.settings, ctx.runtime).sandbox
    sandbox_order = gateway.orders[(Provider.ALIPAY, paid["out_trade_no"])]
    notes = [gateway.payment_notification(sandbox_order) for _ in range(2)]  # two notification ids, one payment
    deliveries = [note for note in notes for _ in range(10)]

    def post(note: Any) -> httpx.Response:
        return prepaying.client.post(urlsplit(note.url).path, headers=dict(note.headers), content=note.body)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(post, deliveries))
    assert all((a.status_code, a.content) == (200, b"success") for a in answers), answers[0].text
    payments = select(func.count()).select_from(Payment).where(Payment.order_id == paid["id"])
    assert _count(prepaying, payments) == 1
    with ctx.sessions() as session:
        events = session.execute(unscoped_for_system(select(outbox.c.payload).where(
            outbox.c.type == "payments.order.paid"))).scalars().all()
    mine = [e for e in events if e["order_id"] == paid["id"]]
    assert len(mine) == 1 and mine[0]["kind"] == "school" and mine[0]["amount_fen"] == APPROVED * FEE
    assert mine[0]["quantity"] == APPROVED
    logged = select(func.count()).select_from(NotificationLog).where(
        NotificationLog.out_trade_no == paid["out_trade_no"], NotificationLog.outcome == "already_applied")
    assert _count(prepaying, logged) == 2  # each new id applied once, found paid; the 18 replays stopped earlier
    body = prepaying.get(_path(), "school10403").json()
    assert body["paid_fen"] == APPROVED * FEE and body["order"]["state"] == "paid"


# -- reconciliation: the prepaid count against the photographed count -----------------------------------------------

RECONCILIATION = "/api/payments/v1/reconciliation"


def _payers(api: Api) -> list[Payer]:
    with _ctx(api).sessions() as session:
        return list(session.execute(unscoped_for_system(select(Payer).where(
            Payer.school_code == "10403", Payer.term == "2026-06").order_by(Payer.roster_order))).scalars())


def _photograph(api: Api, payers: list[Payer]) -> None:
    """Capture's accepted photos (its event, applied as payments' consumer applies it)."""
    with _ctx(api).transaction() as uow:
        for p in payers:
            on_photo_accepted(uow, PhotoAccepted(
                photo_id=f"ph-{p.subject_key}", checkin_id="c1", station_id="st1", school_code=p.school_code,
                province_code=p.province_code, subject_key=p.subject_key, sequence_no=1, version=1, first=True,
                overridden=False))


def _reconcile_today(api: Api) -> list[dict[str, Any]]:
    """The agency uploads today's Alipay bill (the sandbox's, with the school's payment); a job reconciles it.
    Returns the school's open discrepancies."""
    ctx = _ctx(api)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    bill = alipay_bill_zip(provider_set(ctx.settings, ctx.runtime).sandbox, today)
    r = api.client.post(f"{RECONCILIATION}/runs", headers=api.as_user("agency"), files={"file": ("bill.zip", bill)},
                        data={"provider": "alipay", "bill_date": today.isoformat()})
    assert r.status_code == 202, r.text

    def finished() -> dict[str, Any] | None:
        run = api.get(f"{RECONCILIATION}/runs/{r.json()['id']}", "agency").json()
        return run if run["state"] not in ("queued", "running") else None

    assert wait_until(finished, timeout=30)["state"] == "done"
    return cast(list[dict[str, Any]], api.get(f"{RECONCILIATION}/discrepancies", "agency",
                                              params={"school_code": "10403", "state": "open"}).json()["items"])


def test_reconciliation_refunds_the_school_what_it_prepaid_for_students_never_photographed(
        paid: dict[str, Any], prepaying: Api) -> None:
    api, payers = prepaying, _payers(prepaying)
    assert len(payers) == APPROVED
    _photograph(api, payers[:55])  # three prepaid students were never photographed
    found = _reconcile_today(api)
    [over] = [d for d in found if d["type"] == "school_overpaid"]
    assert (over["order_id"], over["ours_fen"], over["amount_fen"]) == (paid["id"], APPROVED * FEE, 3 * FEE)
    assert over["school_code"] == "10403" and over["class_id"] is None and over["subject_key"] is None
    assert not [d for d in found if d["type"] in ("photographed_unpaid", "paid_not_photographed",
                                                  "provider_only", "platform_only")]  # the bill agrees
    assert api.get(f"{RECONCILIATION}/discrepancies/{over['id']}", "school10403").status_code == 200
    hidden = api.get(f"{RECONCILIATION}/discrepancies/{over['id']}", "school10405")
    assert hidden.status_code == 404

    resolved = api.post(f"{RECONCILIATION}/discrepancies/{over['id']}/resolve", "agency",
                        json={"action": "refund", "reason": "预缴 58 人，实拍 55 人，退还差额"})
    assert resolved.status_code == 200, resolved.text
    refund = resolved.json()["refund"]
    assert (refund["amount_fen"], refund["reason"]) == (3 * FEE, "school_overpaid")
    wait_until(lambda: api.get(_path(), "school10403").json()["refunded_fen"] == 3 * FEE, timeout=30)
    body = api.get(_path(), "school10403").json()
    assert body["order"]["state"] == "paid" and body["paid_fen"] == APPROVED * FEE  # a partial refund
    assert [(r["amount_fen"], r["state"]) for r in body["order"]["refunds"]] == [(3 * FEE, "succeeded")]
    again = _reconcile_today(api)  # refunded: nothing more is due
    assert not [d for d in again if d["type"] == "school_overpaid"]


def test_reconciliation_finds_students_photographed_beyond_the_prepaid_count(paid: dict[str, Any],
                                                                             prepaying: Api) -> None:
    api, payers = prepaying, _payers(prepaying)
    late = [Payer(subject_key=f"LATE{n:02d}", school_code="10403", province_code="36", term="2026-06",
                  class_id=payers[0].class_id, class_no=payers[0].class_no, level="硕士研究生", sex="男",
                  masked_name="赵*", masked_id_number="3601**********123X", roster_order=100 + n) for n in (1, 2)]
    with _ctx(api).transaction() as uow:  # approved after the school prepaid (roster's event, as applied)
        uow.session.add_all(late)
    _photograph(api, payers + late)  # everyone prepaid, and the two approved later
    body = api.get(_path(), "school10403").json()
    assert (body["students"], body["photographed"]) == (APPROVED + 2, APPROVED + 2)
    assert (body["due_fen"], body["paid_fen"], body["outstanding_fen"]) == ((APPROVED + 2) * FEE, APPROVED * FEE,
                                                                          2 * FEE)
    found = _reconcile_today(api)
    [short] = [d for d in found if d["type"] == "photographed_unpaid"]
    assert (short["order_id"], short["amount_fen"], short["subject_key"]) == (paid["id"], 2 * FEE, None)
    assert not [d for d in found if d["type"] == "school_overpaid"]
    still = api.post(_path(action="pay"), "school10403", json={"channel": "alipay_page"})
    assert still.status_code == 409 and still.json()["code"] == "order_already_paid"  # collected as a receivable


# -- who may reach it ------------------------------------------------------------------------------------------------

def _stranger(api: Api, role: Role) -> dict[str, str]:
    """A user of another province (山东, 37), whose token roster would issue."""
    issuer = cast(Any, api.client).app.apps["roster"].state.issuer
    token = issuer.issue(Principal(subject="x", role=role, username=f"{role.value}37", province="37"))
    return {"Authorization": f"Bearer {token}"}


def test_a_school_admin_reaches_only_their_own_school(prepaying: Api) -> None:
    body = {"channel": "alipay_page"}
    for method, action in (("GET", ""), ("POST", "pay"), ("POST", "check")):
        r = prepaying.client.request(method, _path("10403", action), headers=prepaying.as_user("school10405"),
                                     json=body)
        assert r.status_code == 403 and r.json()["code"] == "school_out_of_scope", (action, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    own = prepaying.get(_path("10405"), "school10405")
    assert own.status_code == 200 and own.json()["school_code"] == "10405"


def test_the_province_and_the_agency_see_their_schools_and_do_not_pay(prepaying: Api) -> None:
    for user in ("province", "agency"):
        assert prepaying.get(_path("10403"), user).json()["school_code"] == "10403"
        assert prepaying.get(_path("10405"), user).json()["school_code"] == "10405"
        assert prepaying.post(_path("10403", "check"), user).status_code == 200
        r = prepaying.post(_path("10403", "pay"), user, json={"channel": "alipay_page"})
        assert r.status_code == 403 and r.json()["code"] == "role_not_allowed", user
    for role in (Role.PROVINCE_REVIEWER, Role.AGENCY_ADMIN):  # another province's do not find the school
        headers = _stranger(prepaying, role)
        for method, action in (("GET", ""), ("POST", "check")):
            r = prepaying.client.request(method, _path("10403", action), headers=headers)
            assert r.status_code == 404 and r.json()["code"] == "school_not_found", (role, action, r.text)


def test_students_monitors_and_strangers_are_refused(prepaying: Api) -> None:
    body = {"channel": "alipay_page"}
    for method, action in (("GET", ""), ("POST", "pay"), ("POST", "check")):
        for user in (DEMO_STUDENT, "monitor10403", "coordinator10403", "photographer"):
            r = prepaying.client.request(method, _path("10403", action), headers=prepaying.as_user(user), json=body)
            assert r.status_code == 403 and r.json()["code"] == "role_not_allowed", (user, action)
        assert prepaying.client.request(method, _path("10403", action), json=body).status_code == 401
    bad = prepaying.get(_path("1040'"), "school10403")
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"


@pytest.fixture(scope="module", autouse=True)
def _restore(embedded: Api) -> Iterator[None]:
    yield
    _set_fee(embedded, "student", amount=1500)
