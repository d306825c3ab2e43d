"""Three-way reconciliation over HTTP (embedded system, sandbox providers): a class of 南昌大学 where some paid and
were not photographed, some were photographed and did not pay, one paid twice (the second payment's notification
lost), one payment's notification never came, and one payment crossed midnight. The sandbox writes the providers'
real bills; the agency uploads them, a job reconciles, and each discrepancy is resolved once, audited."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from services.capture.events import PhotoAccepted
from services.kernel.db import table_of
from services.kernel.tenancy import Principal, Role
from services.payments.models import NotificationLog, Payer
from services.payments.orders import service as order_rules
from services.payments.provider_set import provider_set
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SandboxOrder
from services.payments.providers.sandbox_bills import alipay_bill_zip, wechat_trade_bill
from services.payments.reconciliation import service as reconciliation
from services.payments.settlement.consumers import on_photo_accepted
from tests.support.api import DEMO_STUDENT, Api, wait_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.now(SHANGHAI).date()
YESTERDAY = TODAY - timedelta(days=1)
BASE = "/api/payments/v1/reconciliation"


def _at(day: Any, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class Scene:
    api: Api
    payers: list[Payer]
    orders: dict[str, str]  # letter -> order id
    numbers: dict[str, str]  # letter -> out_trade_no

    def ctx(self) -> Any:
        return cast(Any, self.api.client).app.apps["payments"].state.ctx

    @property
    def providers(self) -> Any:
        return provider_set(self.ctx().settings, self.ctx().runtime)


def _order_for(scene: Scene, payer: Payer) -> tuple[str, str, int]:
    principal = Principal(subject=payer.subject_key, role=Role.STUDENT, username=payer.subject_key,
                          province=payer.province_code, school=payer.school_code, subject_key=payer.subject_key)
    with scene.ctx().transaction() as uow:
        order = order_rules.prepare_student_payment(uow, principal, timedelta(minutes=30))
        order_rules.record_launch(uow, order, "wechat", "wechat_h5")
        order_rules.record_launch(uow, order, "alipay", "alipay_wap")
        return order.id, order.out_trade_no, order.amount_fen


def _pay(scene: Scene, letter: str, provider: Provider, paid_at: datetime, deliver: bool = True,
         bill_at: datetime | None = None) -> None:
    """The student pays at `provider` at `paid_at` (the provider's clock); its genuine notification is delivered
    to the notify endpoint over HTTP unless lost. `bill_at` moves the payment in the provider's bill (midnight)."""
    payer = scene.payers["ABCDEFG".index(letter)]
    order_id, number, amount = _order_for(scene, payer)
    scene.orders[letter], scene.numbers[letter] = order_id, number
    providers = scene.providers
    gateway = providers.sandbox
    gateway.open_order(SandboxOrder(provider, number, amount, "毕业证图像采集费", providers.notify_url(provider),
                                    attach=order_id))
    gateway.pay(provider, number)
    sandbox_order = gateway.orders[(provider, number)]
    sandbox_order.paid_at = paid_at
    note = gateway.payment_notification(sandbox_order)
    if deliver:
        answer = scene.api.client.post(urlsplit(note.url).path, headers=dict(note.headers), content=note.body)
        assert answer.status_code in (200, 204), answer.text
    if bill_at is not None:
        sandbox_order.paid_at = bill_at


def _photographed(scene: Scene, letters: str) -> None:
    with scene.ctx().transaction() as uow:
        for letter in letters:
            p = scene.payers["ABCDEFG".index(letter)]
            on_photo_accepted(uow, PhotoAccepted(
                photo_id=f"ph-{p.subject_key}", checkin_id="c1", station_id="st1", school_code=p.school_code,
                province_code=p.province_code, subject_key=p.subject_key, sequence_no=1, version=1, first=True,
                overridden=False))


@pytest.fixture(scope="module")
def scene(embedded: Api) -> Iterator[Scene]:
    settlement = embedded.get("/api/payments/v1/classes/me/settlement", "monitor10403").json()
    s = Scene(embedded, [], {}, {})
    with s.ctx().transaction() as uow:
        payers = list(uow.session.execute(select(Payer).where(Payer.class_id == settlement["class_id"])
                                          .execution_options(tenant_scoped=True)).scalars())
    assert len(payers) >= 7, len(payers)
    s.payers = payers[:7]
    day = YESTERDAY
    _pay(s, "A", Provider.WECHAT, _at(day, 9, 0))  # paid, photographed: fine
    _pay(s, "B", Provider.WECHAT, _at(day, 9, 5))  # paid, never photographed: refund due
    _pay(s, "E", Provider.WECHAT, _at(day, 9, 10))  # paid twice: the Alipay payment's notification is lost
    gateway = s.providers.sandbox
    number = s.numbers["E"]
    gateway.open_order(SandboxOrder(Provider.ALIPAY, number, 1500, "毕业证图像采集费",
                                    s.providers.notify_url(Provider.ALIPAY), attach=s.orders["E"]))
    gateway.pay(Provider.ALIPAY, number)
    gateway.orders[(Provider.ALIPAY, number)].paid_at = _at(day, 9, 12)
    _pay(s, "F", Provider.WECHAT, _at(day, 10, 0), deliver=False)  # paid; the notification never came
    _pay(s, "G", Provider.WECHAT, _at(day, 23, 59, 59), bill_at=_at(TODAY, 0, 0, 2))  # crosses midnight
    _photographed(s, "ACDEFG")  # C and D photographed without paying: receivable
    yield s


def _upload(api: Api, provider: str, day: Any, content: bytes, name: str = "bill.csv", user: str = "agency",
            **extra: str) -> Any:
    return api.client.post(f"{BASE}/runs", headers=api.as_user(user), files={"file": (name, content)},
                           data={"provider": provider, "bill_date": day.isoformat(), **extra})


def _reconciled(api: Api, provider: str, day: Any, content: bytes, name: str = "bill.csv") -> dict[str, Any]:
    r = _upload(api, provider, day, content, name)
    assert r.status_code == 202, r.text
    run_id = r.json()["id"]

    def finished() -> dict[str, Any] | None:
        run = api.get(f"{BASE}/runs/{run_id}", "agency").json()
        return run if run["state"] not in ("queued", "running") else None

    return wait_until(finished, timeout=30)


def _open(api: Api, user: str = "agency", **params: str) -> list[dict[str, Any]]:
    r = api.get(f"{BASE}/discrepancies", user, params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _by(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    [item] = [i for i in items if all(i.get(k) == v for k, v in match.items())]
    return item


def test_the_class_is_reconciled_student_by_student(scene: Scene) -> None:
    api, keys = scene.api, {p.subject_key: letter for letter, p in zip("ABCDEFG", scene.payers, strict=True)}
    download = api.client.get(f"/api/payments/sandbox/bills/wechat/{YESTERDAY}")  # the sandbox's bill download
    bill, sha1 = download.content, download.headers["X-Bill-SHA1"]
    run = _reconciled(api, "wechat", YESTERDAY, bill)
    assert run["state"] == "done" and run["summary_ok"] is True, run
    alipay = _reconciled(api, "alipay", YESTERDAY, alipay_bill_zip(scene.providers.sandbox, YESTERDAY), "bill.zip")
    assert alipay["state"] == "done", alipay
    items = [i for i in _open(api) if i["school_code"] == "10403" and i["state"] in ("open", "carried")]
    named = {(i["type"], keys.get(i["subject_key"] or "") or i["order_id"]) for i in items}
    assert ("paid_not_photographed", "B") in named
    assert ("photographed_unpaid", "C") in named and ("photographed_unpaid", "D") in named
    assert _by(items, type="paid_not_photographed", order_id=scene.orders["B"])["amount_fen"] == 1500
    assert _by(items, type="photographed_unpaid", subject_key=scene.payers[2].subject_key)["amount_fen"] == 1500
    duplicate = _by(items, type="duplicate_payment", order_id=scene.orders["E"])
    assert duplicate["provider"] == "alipay" and duplicate["amount_fen"] == 1500
    status = _by(items, type="status_mismatch", order_id=scene.orders["F"])
    assert status["bill_fen"] == 1500 and status["subject_key"] == scene.payers[5].subject_key
    carried = _by(items, type="platform_only", order_id=scene.orders["G"])
    assert carried["state"] == "carried"
    assert not [i for i in items if i["order_id"] == scene.orders["A"]]  # A paid and was photographed

    # Re-running the day is idempotent: the same discrepancies, no copies.
    again = _reconciled(api, "wechat", YESTERDAY, bill)
    assert again["id"] == run["id"] and again["state"] == "done"
    after = [i for i in _open(api) if i["school_code"] == "10403" and i["state"] in ("open", "carried")]
    assert sorted(i["id"] for i in after) == sorted(i["id"] for i in items)
    assert sha1  # the download's hash is checked when given (test_hostile_bills)

    # Today's bill carries G's payment (it crossed midnight): the carried item clears.
    today = _reconciled(api, "wechat", TODAY, wechat_trade_bill(scene.providers.sandbox, TODAY)[0])
    assert today["state"] == "done", today
    assert api.get(f"{BASE}/discrepancies/{carried['id']}", "agency").json()["state"] == "cleared"


def test_resolutions_refund_once_mark_paid_and_are_audited(scene: Scene) -> None:
    api = scene.api
    items = _open(api, state="open", school_code="10403")
    refund_due = _by(items, type="paid_not_photographed", order_id=scene.orders["B"])
    r = api.post(f"{BASE}/discrepancies/{refund_due['id']}/resolve", "agency",
                 json={"action": "refund", "reason": "未参加拍摄，退还采集费"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "resolved" and body["resolution"] == "refund" and body["resolved_by"] == "agency"
    assert body["refund"]["amount_fen"] == 1500 and body["refund"]["reason"] == "not_photographed"
    replay = api.post(f"{BASE}/discrepancies/{refund_due['id']}/resolve", "agency",
                      json={"action": "refund", "reason": "未参加拍摄，退还采集费"})
    assert replay.status_code == 409 and replay.json()["code"] == "discrepancy_already_resolved"

    def refunded() -> bool:
        got = api.get(f"{BASE}/discrepancies/{refund_due['id']}", "agency").json()
        return got["refund"]["state"] == "succeeded"

    wait_until(refunded, timeout=30)

    def refund_notified() -> list[str]:  # the sandbox's refund notification came over HTTP, verified
        with scene.ctx().transaction() as uow:
            rows = uow.session.execute(select(table_of(NotificationLog)).where(
                table_of(NotificationLog).c.out_trade_no == scene.numbers["B"],
                table_of(NotificationLog).c.kind == "refund")).all()
            return [r.outcome for r in rows]

    assert wait_until(refund_notified, timeout=30)[0] in ("refund_settled", "refund_already_settled")
    orders = {o["id"]: o for o in api.get("/api/payments/v1/orders", "agency", params={"school_code": "10403"})
              .json()["items"]}
    assert orders[scene.orders["B"]]["state"] == "refunded"
    assert [x["amount_fen"] for x in orders[scene.orders["B"]]["refunds"]] == [1500]

    status = _by(items, type="status_mismatch", order_id=scene.orders["F"])
    wrong = api.post(f"{BASE}/discrepancies/{status['id']}/resolve", "agency",
                     json={"action": "refund", "reason": "不适用"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "action_not_allowed"
    marked = api.post(f"{BASE}/discrepancies/{status['id']}/resolve", "agency",
                      json={"action": "mark_paid", "reason": "账单显示已支付，通知丢失"})
    assert marked.status_code == 200, marked.text
    orders = {o["id"]: o for o in api.get("/api/payments/v1/orders", "agency", params={"school_code": "10403"})
              .json()["items"]}
    assert orders[scene.orders["F"]]["state"] == "paid"

    receivable = _by(items, type="photographed_unpaid", subject_key=scene.payers[3].subject_key)
    ignored = api.post(f"{BASE}/discrepancies/{receivable['id']}/resolve", "agency",
                       json={"action": "ignore", "reason": "学校已线下收取"})
    assert ignored.status_code == 200 and ignored.json()["reason"] == "学校已线下收取"


def test_concurrent_refund_requests_refund_once(scene: Scene) -> None:
    api = scene.api
    duplicate = _by(_open(api, state="open", type="duplicate_payment"), order_id=scene.orders["E"])
    answers: list[int] = []
    barrier = threading.Barrier(6)

    def resolve() -> None:
        barrier.wait()
        r = api.client.post(f"{BASE}/discrepancies/{duplicate['id']}/resolve", headers=api.as_user("agency"),
                            json={"action": "refund", "reason": "重复支付退款"})
        answers.append(r.status_code)

    api.as_user("agency")  # signed in before the threads start
    threads = [threading.Thread(target=resolve) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200] + [409] * 5, answers
    order = next(o for o in api.get("/api/payments/v1/orders", "agency", params={"school_code": "10403"})
                 .json()["items"] if o["id"] == scene.orders["E"])
    assert [(x["amount_fen"], x["reason"]) for x in order["refunds"]] == [(1500, "duplicate_payment")]
    assert order["state"] == "paid"  # the first payment stands


def test_hostile_bills_are_refused_or_flagged(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    api = scene.api
    day = YESTERDAY - timedelta(days=3)
    garbage = _upload(api, "wechat", day, b"\x00\x01binary junk" * 100)
    assert garbage.status_code == 422 and garbage.json()["code"] == "not_a_bill"
    for bad in ("2026-13-01", "yesterday", (TODAY + timedelta(days=2)).isoformat()):
        r = api.client.post(f"{BASE}/runs", headers=api.as_user("agency"), files={"file": ("b.csv", b"a,b\n")},
                            data={"provider": "wechat", "bill_date": bad})
        assert r.status_code == 422, (bad, r.text)
    r = _upload(api, "paypal", day, b"a,b\n")
    assert r.status_code == 422
    bill, sha1 = wechat_trade_bill(scene.providers.sandbox, YESTERDAY)
    # Forged: one row's amount raised, the summary left alone: the bill is flagged, nothing is matched.
    forged = bill.replace(b"`15.00,`0.00,`0,`0,`0.00", b"`99.00,`0.00,`0,`0,`0.00", 1)
    assert forged != bill
    run = _reconciled(api, "wechat", day, forged)
    assert run["state"] == "untrusted" and run["summary_ok"] is False and run["problems"], run
    tampered = _upload(api, "wechat", day - timedelta(days=1), bill, sha1="0" * 40)
    assert tampered.status_code == 202
    done = wait_until(lambda: (x := api.get(f"{BASE}/runs/{tampered.json()['id']}", "agency").json())["state"]
                      not in ("queued", "running") and x)
    assert done["state"] == "failed" and done["error_code"] == "sha1_mismatch"
    r = _upload(api, "wechat", day, bill, sha1="not-hex")
    assert r.status_code == 422
    wrong = _reconciled(api, "alipay", day - timedelta(days=2), bill)
    assert wrong["state"] == "failed" and wrong["error_code"] == "provider_mismatch"
    monkeypatch.setattr(reconciliation, "MAX_BILL_BYTES", 1000)
    big = _upload(api, "wechat", day, b"a,b\n" * 400)
    assert big.status_code == 413 and big.json()["code"] == "file_too_large"


def test_only_the_agency_acts_and_schools_see_only_their_own(scene: Scene) -> None:
    api = scene.api
    ours = _open(api, "school10403")
    assert ours and all(i["school_code"] == "10403" for i in ours)
    assert all(i["school_code"] == "10405" for i in _open(api, "school10405"))
    target = next(i for i in ours if i["state"] == "open")
    assert api.get(f"{BASE}/discrepancies/{target['id']}", "school10405").status_code == 404
    assert api.get(f"{BASE}/discrepancies/{target['id']}", "school10403").status_code == 200
    for user in ("school10403", "monitor10403", DEMO_STUDENT):
        r = api.post(f"{BASE}/discrepancies/{target['id']}/resolve", user, json={"action": "ignore", "reason": "xx"})
        assert r.status_code == 403, (user, r.text)
        assert api.get(f"{BASE}/runs", user).status_code == 403
        assert _upload(api, "wechat", YESTERDAY, b"a,b\n", user=user).status_code == 403
    for user in ("monitor10403", DEMO_STUDENT):
        assert api.get(f"{BASE}/discrepancies", user).status_code == 403
    r = api.post(f"{BASE}/discrepancies/{target['id']}/resolve", "agency", json={"action": "ignore", "reason": ""})
    assert r.status_code == 422


def test_reports_total_the_school_and_class_and_export(scene: Scene) -> None:
    api = scene.api
    class_id = scene.payers[0].class_id

    def school_line() -> dict[str, Any] | None:
        [line] = api.get("/api/payments/v1/reports/schools", "agency", params={"school_code": "10403"}).json()["items"]
        return line if line["refunded_fen"] == 3000 else None  # B's refund and E's duplicate, both done

    line = wait_until(school_line, timeout=30)
    # A, B, E (twice), F, G paid 15 yuan each; B (not photographed) and E's second payment were refunded.
    assert (line["photographed"], line["paid_fen"], line["net_fen"]) == (6, 9000, 6000)
    assert (line["expected_fen"], line["outstanding_fen"], line["overpaid_fen"]) == (9000, 3000, 0)  # C and D owe
    classes = api.get("/api/payments/v1/reports/classes", "school10403").json()
    ours = next(i for i in classes["items"] if i["class_id"] == class_id)
    assert (ours["paid_fen"], ours["refunded_fen"], ours["outstanding_fen"]) == (9000, 3000, 3000)
    assert classes["totals"]["paid_fen"] == sum(i["paid_fen"] for i in classes["items"])

    # Tenancy: a school sees only itself, the agency its province; monitors and students nothing.
    assert {i["school_code"] for i in api.get("/api/payments/v1/reports/schools", "school10405").json()["items"]} \
        <= {"10405"}
    assert api.get("/api/payments/v1/reports/classes", "school10405", params={"school_code": "10403"}).json()[
        "items"] == []
    for user in ("monitor10403", DEMO_STUDENT):
        for path in ("schools", "classes", "schools/export", "classes/export"):
            assert api.get(f"/api/payments/v1/reports/{path}", user).status_code == 403, (user, path)
    assert api.get("/api/payments/v1/reports/schools", "agency", params={"school_code": "1' OR 1=1"}).status_code \
        == 422

    # A class name that a spreadsheet would run as a formula is exported inert.
    with scene.ctx().transaction() as uow:
        payers = table_of(Payer)
        uow.session.execute(update(payers).where(payers.c.class_id == class_id)
                            .values(class_name="=HYPERLINK(\"http://evil.test\",\"点我\")"))
    csv_file = api.get("/api/payments/v1/reports/classes/export", "school10403", params={"format": "csv"})
    assert csv_file.status_code == 200 and csv_file.content.startswith(b"\xef\xbb\xbf")
    text = csv_file.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert text.splitlines()[0].startswith("学校代码,班级编号,班级名称")
    other = api.get("/api/payments/v1/reports/classes/export", "school10405",
                    params={"format": "csv", "school_code": "10403"}).content.decode("utf-8-sig")
    assert other.count("\r\n") == 1 and "10403" not in other  # the header alone: 10403 is not 10405's
    xlsx = api.get("/api/payments/v1/reports/schools/export", "agency", params={"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert float(rows["10403"][6]) == 90.0 and float(rows["10403"][9]) == 30.0  # paid, outstanding in yuan


def test_a_bill_date_is_a_beijing_day(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 01:00 in Beijing (17:00 UTC the day before) the Beijing date is today, not the future; the next is."""
    api = scene.api
    utc = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
    monkeypatch.setattr(reconciliation, "now", lambda: utc)

    def code(day: str) -> str | None:
        r = api.client.post(f"{BASE}/runs", headers=api.as_user("agency"), files={"file": ("b.csv", b"a,b\n")},
                            data={"provider": "wechat", "bill_date": day})
        return r.json().get("code") if r.status_code == 422 else None

    assert code("2026-12-08") != "bad_bill_date"  # Beijing's today (UTC still says the 7th)
    assert code("2026-12-09") == "bad_bill_date"
