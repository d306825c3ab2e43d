"""The daily takings over HTTP (embedded system, sandbox providers): students of 南昌大学 pay on either side of a
Beijing midnight, one pays twice and gets the second payment back; the takings count each payment on its Beijing
day and each refund on the day it succeeded, split by provider, and refuse ranges they cannot answer. The agency
and the province see their province's schools, a school itself, a student nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from services.kernel.ids import new_id
from services.kernel.tenancy import Principal, Role
from services.payments.models import Payer, Payment
from services.payments.orders import service as order_rules
from services.payments.provider_set import provider_set
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SandboxOrder
from tests.support.api import DEMO_STUDENT, Api, wait_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.now(SHANGHAI).date()
DAY = TODAY - timedelta(days=3)  # A pays at its last second, B at the next day's first
NEXT = DAY + timedelta(days=1)
URL = "/api/payments/v1/reports/takings"


def _beijing(day: date, hh: int, mm: int, ss: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class Scene:
    api: Api
    payers: list[Payer]

    def ctx(self) -> Any:
        return cast(Any, self.api.client).app.apps["payments"].state.ctx


def _open(scene: Scene, payer: Payer) -> tuple[str, str, int]:
    """The student opens their order at both providers: (order id, number, fen)."""
    principal = Principal(subject=payer.subject_key, role=Role.STUDENT, username=payer.subject_key,
                          province=payer.province_code, school=payer.school_code, subject_key=payer.subject_key)
    with scene.ctx().transaction() as uow:
        order = order_rules.prepare_student_payment(uow, principal, timedelta(minutes=30))
        order_rules.record_launch(uow, order, "wechat", "wechat_h5")
        order_rules.record_launch(uow, order, "alipay", "alipay_wap")
        return order.id, order.out_trade_no, order.amount_fen


def _pay(scene: Scene, order: tuple[str, str, int], provider: Provider, paid_at: datetime) -> None:
    """The student pays at `provider` at `paid_at` (the provider's clock); the provider's genuine notification
    reaches the notify endpoint over HTTP."""
    order_id, number, amount = order
    providers = provider_set(scene.ctx().settings, scene.ctx().runtime)
    gateway = providers.sandbox
    gateway.open_order(SandboxOrder(provider, number, amount, "毕业证图像采集费", providers.notify_url(provider),
                                    attach=order_id))
    gateway.pay(provider, number)
    paid = gateway.orders[(provider, number)]
    paid.paid_at = paid_at
    note = gateway.payment_notification(paid)
    answer = scene.api.client.post(urlsplit(note.url).path, headers=dict(note.headers), content=note.body)
    assert answer.status_code in (200, 204), answer.text


@pytest.fixture(scope="module")
def scene(embedded: Api) -> Iterator[Scene]:
    class_id = embedded.get("/api/payments/v1/classes/me/settlement", "monitor10403").json()["class_id"]
    s = Scene(embedded, [])
    with s.ctx().transaction() as uow:
        s.payers = list(uow.session.execute(select(Payer).where(Payer.class_id == class_id)
                                            .execution_options(tenant_scoped=True)).scalars())[:3]
    a, b, c = s.payers
    _pay(s, _open(s, a), Provider.WECHAT, _beijing(DAY, 23, 59, 59))  # 15:59:59 UTC on DAY
    _pay(s, _open(s, b), Provider.ALIPAY, _beijing(NEXT, 0, 0, 1))  # 16:00:01 UTC on DAY: same UTC day, not Beijing's
    twice = _open(s, c)
    _pay(s, twice, Provider.WECHAT, _beijing(NEXT, 9, 30, 0))
    _pay(s, twice, Provider.ALIPAY, _beijing(NEXT, 9, 31, 0))  # paid twice: the second payment is refunded today
    # A school of another province took money on DAY too: nobody in province 36 may see it.
    with s.ctx().transaction() as uow:
        uow.session.add(Payment(id=new_id(), order_id=new_id(), province_code="37", school_code="14277",
                                provider="wechat", provider_txn="4200000000OTHERPROVINCE", out_trade_no="STUOTHER",
                                amount_fen=9900, paid_at=_beijing(DAY, 12, 0, 0)))
    yield s


def _takings(api: Api, user: str, first: date, last: date, **params: str) -> dict[str, Any]:
    r = api.get(URL, user, params={"from": first.isoformat(), "to": last.isoformat(), **params})
    assert r.status_code == 200, r.text
    return cast(dict[str, Any], r.json())


def _day(body: dict[str, Any], day: date) -> dict[str, Any]:
    [found] = [d for d in body["days"] if d["day"] == day.isoformat()]
    return found


def _by_provider(day: dict[str, Any]) -> dict[str, tuple[int, int, int, int]]:
    return {p["provider"]: (p["paid_fen"], p["refunded_fen"], p["net_fen"], p["count"]) for p in day["providers"]}


def _refunded_today(api: Api) -> dict[str, Any] | None:
    body = _takings(api, "agency", DAY, TODAY)
    return body if _day(body, TODAY)["refunded_fen"] == 1500 else None


def test_takings_count_each_payment_on_its_beijing_day_and_each_refund_when_it_succeeded(scene: Scene) -> None:
    body = wait_until(lambda: _refunded_today(scene.api), timeout=30)  # the duplicate's refund job has run
    assert body["from"] == DAY.isoformat() and body["to"] == TODAY.isoformat()
    assert body["timezone"] == "Asia/Shanghai"
    assert [d["day"] for d in body["days"]] == [(DAY + timedelta(days=i)).isoformat() for i in range(4)]

    first = _day(body, DAY)  # A only: B paid one second after Beijing midnight, the same UTC day
    assert (first["paid_fen"], first["refunded_fen"], first["net_fen"], first["count"]) == (1500, 0, 1500, 1)
    assert _by_provider(first) == {"wechat": (1500, 0, 1500, 1), "alipay": (0, 0, 0, 0), "offline": (0, 0, 0, 0)}
    second = _day(body, NEXT)  # B (alipay), C (wechat) and C's second payment (alipay)
    assert (second["paid_fen"], second["net_fen"], second["count"]) == (4500, 4500, 3)
    assert _by_provider(second) == {"wechat": (1500, 0, 1500, 1), "alipay": (3000, 0, 3000, 2),
                                    "offline": (0, 0, 0, 0)}
    today = _day(body, TODAY)  # the duplicate's refund went back through Alipay today
    assert (today["paid_fen"], today["refunded_fen"], today["net_fen"], today["refund_count"]) == (0, 1500, -1500, 1)
    assert _by_provider(today)["alipay"] == (0, 1500, -1500, 0)
    empty = _day(body, DAY + timedelta(days=2))
    assert (empty["paid_fen"], empty["refunded_fen"], empty["count"]) == (0, 0, 0)
    totals = body["totals"]
    assert (totals["paid_fen"], totals["refunded_fen"], totals["net_fen"], totals["count"]) == (6000, 1500, 4500, 4)
    assert [p["provider"] for p in totals["providers"]] == ["wechat", "alipay", "offline"]

    # One day alone; a range that ends before the payments is empty.
    assert _takings(scene.api, "agency", NEXT, NEXT)["totals"]["paid_fen"] == 4500
    assert _takings(scene.api, "agency", DAY - timedelta(days=30), DAY - timedelta(days=1))["totals"]["count"] == 0


@pytest.mark.parametrize(("params", "code", "field"), [
    ({}, "date_required", "from"),
    ({"from": "2026-06-01"}, "date_required", "to"),
    ({"from": "2026-06-01", "to": ""}, "date_required", "to"),
    ({"from": "2026/06/01", "to": "2026-06-02"}, "bad_date", "from"),
    ({"from": "2026-02-30", "to": "2026-03-02"}, "bad_date", "from"),
    ({"from": "20260601", "to": "2026-06-02"}, "bad_date", "from"),
    ({"from": "2026-06-01", "to": "tomorrow"}, "bad_date", "to"),
    ({"from": "２０２６-０６-０１", "to": "2026-06-02"}, "bad_date", "from"),  # full-width digits
    ({"from": "2026-06-01\x00", "to": "2026-06-02"}, "bad_date", "from"),
    ({"from": "2026-06-01", "to": "2026-06-02" + "9" * 5000}, "bad_date", "to"),
    ({"from": "2026-06-02", "to": "2026-06-01"}, "date_range_reversed", "to"),
    ({"from": "2026-06-01", "to": "2026-09-01"}, "date_range_too_long", "to"),  # 93 days
])
def test_bad_missing_reversed_or_too_long_ranges_are_refused(scene: Scene, params: dict[str, str], code: str,
                                                             field: str) -> None:
    r = scene.api.get(URL, "agency", params=params)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), r.text
    body = r.json()
    assert body["code"] == code and body["message_zh"] and body["message_en"]
    assert [e["field"] for e in body["errors"]] == [field]
    export = scene.api.get(f"{URL}/export", "agency", params=params)
    assert export.status_code == 422 and export.json()["code"] == code


def test_92_days_is_the_longest_range(scene: Scene) -> None:
    body = _takings(scene.api, "agency", TODAY - timedelta(days=91), TODAY)
    assert len(body["days"]) == 92


def test_each_caller_sees_only_the_schools_in_their_scope(scene: Scene) -> None:
    api = scene.api
    for user in ("agency", "province"):  # province 36: 南昌大学's takings, not 山东青年政治学院's (province 37)
        assert _day(_takings(api, user, DAY, DAY), DAY)["paid_fen"] == 1500, user
        assert _takings(api, user, DAY, DAY, school_code="14277")["totals"]["paid_fen"] == 0, user
    assert _day(_takings(api, "school10403", DAY, NEXT), NEXT)["paid_fen"] == 4500
    other = _takings(api, "school10405", DAY, TODAY)  # 东华理工大学 took nothing
    assert other["totals"]["paid_fen"] == 0 and other["totals"]["refunded_fen"] == 0
    assert _takings(api, "school10405", DAY, TODAY, school_code="10403")["totals"]["paid_fen"] == 0
    params = {"from": DAY.isoformat(), "to": TODAY.isoformat()}
    for user in (DEMO_STUDENT, "monitor10403", "coordinator10403", "photographer"):
        for path in (URL, f"{URL}/export"):
            r = api.get(path, user, params=params)
            assert r.status_code == 403 and r.json()["code"] == "role_not_allowed", (user, path, r.text)
    assert api.get(URL, params=params).status_code == 401
    assert api.get(URL, "agency", params={**params, "school_code": "1' OR 1=1"}).status_code == 422


def test_the_takings_export_as_xlsx_and_csv(scene: Scene) -> None:
    api = scene.api
    wait_until(lambda: _refunded_today(api), timeout=30)
    params = {"from": DAY.isoformat(), "to": TODAY.isoformat()}
    xlsx = api.get(f"{URL}/export", "agency", params=params)
    assert xlsx.status_code == 200, xlsx.text
    assert f'filename="payments-takings-{DAY}-{TODAY}.xlsx"' in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "每日收款" and str(DAY) in str(sheet["A1"].value)
    header = [c.value for c in sheet[2]]
    assert header[:6] == ["日期", "收款笔数", "已收（元）", "退款笔数", "已退（元）", "净收（元）"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert list(rows) == [*(str(DAY + timedelta(days=i)) for i in range(4)), "合计"]
    assert (rows[str(NEXT)][1], float(rows[str(NEXT)][2])) == (3, 45.0)
    assert float(rows[str(TODAY)][5]) == -15.0
    alipay_paid = header.index("支付宝已收（元）")
    assert float(rows[str(NEXT)][alipay_paid]) == 30.0
    assert "线下（现金/转账）已收（元）" in header
    assert (rows["合计"][1], float(rows["合计"][2]), float(rows["合计"][5])) == (4, 60.0, 45.0)
    csv_file = api.get(f"{URL}/export", "school10403", params={**params, "format": "csv"})
    assert csv_file.status_code == 200 and csv_file.content.startswith(b"\xef\xbb\xbf")
    lines = csv_file.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("日期,收款笔数,已收（元）") and lines[-1].startswith("合计,4,60.00,1,15.00,45.00")
    assert any(line.startswith(f"{NEXT},3,45.00,0,0.00,45.00") for line in lines)
