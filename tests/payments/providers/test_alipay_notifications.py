"""Alipay form notifications: the sorted-params rule, typed rejections, the bare `success` ack."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

import pytest

from services.payments.providers.alipay import ack, notify_content, parse_notification
from services.payments.providers.config import AlipayConfig
from services.payments.providers.port import NotificationKind, NotificationRejected, Provider, RejectCode, TradeState
from services.payments.providers.sandbox import Corruption, SandboxGateway
from tests.payments.providers.conftest import paid_order

OFFICIAL = ("total_amount=2.00&buyer_id=2088102116773037&body=大乐透2.1&trade_no=2016071921001003030200089909"
            "&refund_fee=0.00&notify_time=2016-07-19 14:10:49&subject=大乐透2.1&sign_type=RSA2&charset=utf-8"
            "&notify_type=trade_status_sync&out_trade_no=0719141034-6418&gmt_close=2016-07-19 14:10:46"
            "&gmt_payment=2016-07-19 14:10:47&trade_status=TRADE_SUCCESS&version=1.0&sign=kPbQIjX+"
            "&gmt_create=2016-07-19 14:10:44&app_id=2015102700040153&seller_id=2088102119685838"
            "&notify_id=4a91b7a78a503640467525113fb7d8bg8e")
OFFICIAL_CONTENT = ("app_id=2015102700040153&body=大乐透2.1&buyer_id=2088102116773037&charset=utf-8"
                    "&gmt_close=2016-07-19 14:10:46&gmt_create=2016-07-19 14:10:44&gmt_payment=2016-07-19 14:10:47"
                    "&notify_id=4a91b7a78a503640467525113fb7d8bg8e&notify_time=2016-07-19 14:10:49"
                    "&notify_type=trade_status_sync&out_trade_no=0719141034-6418&refund_fee=0.00"
                    "&seller_id=2088102119685838&subject=大乐透2.1&total_amount=2.00"
                    "&trade_no=2016071921001003030200089909&trade_status=TRADE_SUCCESS&version=1.0")


def test_the_official_example_gives_the_official_string_to_verify() -> None:
    """The research note's copy of the expected string lacks gmt_create although the example carries it (a
    copying slip in its blog source): every parameter but sign/sign_type is signed, as fzlee's verify() agrees."""
    params = dict(pair.split("=", 1) for pair in OFFICIAL.split("&"))
    assert notify_content(params) == OFFICIAL_CONTENT


def test_a_genuine_payment_notification(gateway: SandboxGateway, alipay_config: AlipayConfig) -> None:
    note = gateway.pay(Provider.ALIPAY, paid_order(gateway, Provider.ALIPAY, fen=3000).out_trade_no)
    verified = parse_notification(alipay_config, note.body)
    assert verified.kind is NotificationKind.PAYMENT and verified.trade_state is TradeState.PAID
    assert (verified.amount_fen, verified.merchant_id) == (3000, alipay_config.seller_id)
    assert verified.notification_id == note.meta["id"] and verified.occurred_at is not None


def test_partial_then_full_refund_notifications(gateway: SandboxGateway, alipay_config: AlipayConfig) -> None:
    order = paid_order(gateway, Provider.ALIPAY, fen=3000)
    first = gateway.refund(Provider.ALIPAY, order.out_trade_no, "RF1", 1500)
    second = gateway.refund(Provider.ALIPAY, order.out_trade_no, "RF2", 1500)
    assert not isinstance(first, str) and not isinstance(second, str)
    partial = parse_notification(alipay_config, gateway.refund_notification(first).body)
    assert (partial.kind, partial.trade_state, partial.out_refund_no, partial.refund_fen) == (
        NotificationKind.REFUND, TradeState.PAID, "RF1", 1500)
    full = parse_notification(alipay_config, gateway.refund_notification(second).body)
    assert (full.kind, full.trade_state, full.refund_fen) == (NotificationKind.REFUND, TradeState.CLOSED, 3000)


def test_a_gbk_notification_is_decoded_by_its_charset(gateway: SandboxGateway, alipay_config: AlipayConfig) -> None:
    note = gateway.pay(Provider.ALIPAY, paid_order(gateway, Provider.ALIPAY).out_trade_no)
    params = dict(parse_qsl(note.body.decode()))
    params["charset"] = "gbk"
    params["sign"] = gateway.alipay_sign(params)
    verified = parse_notification(alipay_config, urlencode(params, encoding="gbk").encode())
    assert verified.resource["subject"] == "照片采集费"


@pytest.mark.parametrize(("how", "code"), [(Corruption.SIGNATURE, RejectCode.BAD_SIGNATURE),
                                           (Corruption.AMOUNT, RejectCode.BAD_SIGNATURE),
                                           (Corruption.BODY, RejectCode.BAD_SIGNATURE)])
def test_corrupted_notifications(gateway: SandboxGateway, alipay_config: AlipayConfig, how: Corruption,
                                 code: RejectCode) -> None:
    note = gateway.corrupt(gateway.pay(Provider.ALIPAY, paid_order(gateway, Provider.ALIPAY).out_trade_no), how)
    with pytest.raises(NotificationRejected) as caught:
        parse_notification(alipay_config, note.body)
    assert caught.value.code is code


def _params(gateway: SandboxGateway) -> dict[str, str]:
    return dict(parse_qsl(gateway.pay(Provider.ALIPAY, paid_order(gateway, Provider.ALIPAY).out_trade_no)
                          .body.decode(), keep_blank_values=True))


@pytest.mark.parametrize(("mutate", "code"), [
    (lambda p: p.pop("sign"), RejectCode.MISSING_SIGN),
    (lambda p: p.update(sign=""), RejectCode.MISSING_SIGN),
    (lambda p: p.update(sign_type="RSA"), RejectCode.UNSUPPORTED_SIGNATURE_TYPE),
    (lambda p: p.pop("sign_type"), RejectCode.UNSUPPORTED_SIGNATURE_TYPE),
    (lambda p: p.update(sign="@@not base64@@"), RejectCode.BAD_SIGNATURE),
])
def test_hostile_params(gateway: SandboxGateway, alipay_config: AlipayConfig, mutate: object,
                        code: RejectCode) -> None:
    params = _params(gateway)
    mutate(params)  # type: ignore[operator]
    with pytest.raises(NotificationRejected) as caught:
        parse_notification(alipay_config, urlencode(params).encode())
    assert caught.value.code is code


def test_duplicated_keys_are_refused(gateway: SandboxGateway, alipay_config: AlipayConfig) -> None:
    body = urlencode(_params(gateway)).encode() + b"&total_amount=0.01"
    with pytest.raises(NotificationRejected) as caught:
        parse_notification(alipay_config, body)
    assert caught.value.code is RejectCode.DUPLICATE_PARAM


def test_ownership_checks_after_the_signature(gateway: SandboxGateway, alipay_config: AlipayConfig) -> None:
    body = urlencode(_params(gateway)).encode()
    for config, code in ((replace(alipay_config, app_id="2021999"), RejectCode.APP_MISMATCH),
                         (replace(alipay_config, seller_id="2088999"), RejectCode.SELLER_MISMATCH)):
        with pytest.raises(NotificationRejected) as caught:
            parse_notification(config, body)
        assert caught.value.code is code


def test_a_bad_amount_that_is_signed_is_still_refused(gateway: SandboxGateway, alipay_config: AlipayConfig) -> None:
    params = _params(gateway)
    params["total_amount"] = "15.001"
    params["sign"] = gateway.alipay_sign(params)
    with pytest.raises(NotificationRejected) as caught:
        parse_notification(alipay_config, urlencode(params).encode())
    assert caught.value.code is RejectCode.BAD_AMOUNT


@pytest.mark.parametrize(("body", "code"), [(b"a" * (5 * 1024 * 1024), RejectCode.BODY_TOO_LARGE),
                                            ("sign=é".encode(), RejectCode.MALFORMED_BODY),
                                            (b"subject=%FF%FE&sign=x", RejectCode.MALFORMED_BODY),
                                            (b"", RejectCode.MISSING_SIGN)])
def test_garbage_bodies(alipay_config: AlipayConfig, body: bytes, code: RejectCode) -> None:
    with pytest.raises(NotificationRejected) as caught:
        parse_notification(alipay_config, body)
    assert caught.value.code is code


def test_ack_is_the_bare_word_success() -> None:
    assert ack(True).body == b"success" and ack(True).status == 200
    assert ack(False).body != b"success"
