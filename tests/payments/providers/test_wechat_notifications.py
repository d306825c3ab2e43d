"""WeChat notifications through our verifier: genuine ones (both key kinds) pass, every hostile variant is a typed
rejection with a stable code — never another exception."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.payments.providers.config import WeChatConfig
from services.payments.providers.port import (
    NotificationKind,
    NotificationRejected,
    Provider,
    RefundState,
    RejectCode,
    TradeState,
    check_against_order,
)
from services.payments.providers.sandbox import Corruption, SandboxGateway
from services.payments.providers.wechat import FAIL_BODY, WeChatVerifier, ack, decrypt_resource, parse_notification
from tests.payments.providers.conftest import now, paid_order


def _parse(config: WeChatConfig, body: bytes, headers: dict[str, str]) -> object:
    return parse_notification(config, WeChatVerifier(config), body, headers)


@pytest.mark.parametrize("signer", ["cert", "pubkey"])
def test_a_genuine_payment_notification_verifies_and_decrypts(gateway: SandboxGateway, wechat_config: WeChatConfig,
                                                              signer: str) -> None:
    gateway.wechat_signer = signer
    note = gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no)
    verified = parse_notification(wechat_config, WeChatVerifier(wechat_config), note.body, note.headers)
    assert verified.kind is NotificationKind.PAYMENT and verified.trade_state is TradeState.PAID
    assert (verified.out_trade_no, verified.amount_fen) == ("STU250901ABCDEF", 1500)
    assert verified.provider_txn and verified.provider_txn.startswith("4200000000")
    assert verified.notification_id == note.meta["id"]
    assert verified.occurred_at and verified.occurred_at.tzinfo is not None
    check_against_order(verified, 1500)
    with pytest.raises(NotificationRejected) as caught:
        check_against_order(verified, 3000)
    assert caught.value.code is RejectCode.AMOUNT_MISMATCH


def test_headers_are_matched_case_insensitively(gateway: SandboxGateway, wechat_config: WeChatConfig) -> None:
    note = gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no)
    lower = {k.lower(): v for k, v in note.headers.items()}  # as Starlette hands them over
    assert _parse(wechat_config, note.body, lower)


def test_a_refund_notification(gateway: SandboxGateway, wechat_config: WeChatConfig) -> None:
    order = paid_order(gateway, Provider.WECHAT)
    refund = gateway.refund(Provider.WECHAT, order.out_trade_no, "RF250902000001", 500)
    assert not isinstance(refund, str)
    note = gateway.refund_notification(refund)
    verified = parse_notification(wechat_config, WeChatVerifier(wechat_config), note.body, note.headers)
    assert verified.kind is NotificationKind.REFUND and verified.refund_state is RefundState.SUCCESS
    assert (verified.out_refund_no, verified.refund_fen, verified.amount_fen) == ("RF250902000001", 500, 1500)


def test_a_replay_verifies_again_dedup_is_the_order_layers_job(gateway: SandboxGateway,
                                                               wechat_config: WeChatConfig) -> None:
    note = gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no)
    first = _parse(wechat_config, note.body, dict(note.headers))
    again = _parse(wechat_config, note.body, dict(note.headers))
    assert first == again  # same notification_id: the orders layer deduplicates on it under a row lock


CORRUPTIONS = {
    Corruption.SIGNATURE: RejectCode.BAD_SIGNATURE,
    Corruption.BODY: RejectCode.BAD_SIGNATURE,
    Corruption.SIGNTEST: RejectCode.SIGNTEST_PROBE,
    Corruption.STALE: RejectCode.STALE_TIMESTAMP,
    Corruption.SERIAL: RejectCode.UNKNOWN_SERIAL,
    Corruption.AES_TAG: RejectCode.DECRYPT_FAILED,
}


@pytest.mark.parametrize("how", list(CORRUPTIONS))
def test_corrupted_notifications_are_rejected_with_their_code(gateway: SandboxGateway, wechat_config: WeChatConfig,
                                                              how: Corruption) -> None:
    note = gateway.corrupt(gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no), how)
    with pytest.raises(NotificationRejected) as caught:
        _parse(wechat_config, note.body, dict(note.headers))
    assert caught.value.code is CORRUPTIONS[how]


def test_one_byte_anywhere_breaks_the_signature(gateway: SandboxGateway, wechat_config: WeChatConfig) -> None:
    note = gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no)
    for index in (0, len(note.body) // 2, len(note.body) - 1):
        body = note.body[:index] + bytes([note.body[index] ^ 1]) + note.body[index + 1:]
        with pytest.raises(NotificationRejected) as caught:
            _parse(wechat_config, body, dict(note.headers))
        assert caught.value.code is RejectCode.BAD_SIGNATURE


def test_reordered_json_keys_fail_verification_is_over_the_raw_body(gateway: SandboxGateway,
                                                                    wechat_config: WeChatConfig) -> None:
    note = gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no)
    envelope = json.loads(note.body)
    reordered = json.dumps(dict(reversed(list(envelope.items()))), ensure_ascii=False,
                           separators=(",", ":")).encode()
    with pytest.raises(NotificationRejected) as caught:
        _parse(wechat_config, reordered, dict(note.headers))
    assert caught.value.code is RejectCode.BAD_SIGNATURE


@pytest.mark.parametrize("offset_s", [-360, 360, 300, -300])
def test_timestamps_five_minutes_off_or_more_are_refused(gateway: SandboxGateway, wechat_config: WeChatConfig,
                                                         offset_s: int) -> None:
    note = gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no)
    clock = datetime.fromtimestamp(int(now().timestamp()), UTC)  # whole seconds: 300 s means exactly 300
    headers = gateway.wechat_headers(note.body, int(clock.timestamp()) + offset_s)
    verifier = WeChatVerifier(wechat_config)
    with pytest.raises(NotificationRejected) as caught:
        parse_notification(wechat_config, verifier, note.body, headers, now=clock)
    assert caught.value.code is RejectCode.STALE_TIMESTAMP
    edge = 299 if offset_s > 0 else -299  # one second inside the window is fine
    assert parse_notification(wechat_config, verifier, note.body, headers,
                              now=clock + timedelta(seconds=offset_s - edge))


@pytest.mark.parametrize("header", ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature",
                                    "Wechatpay-Serial", "Wechatpay-Signature-Type"])
def test_missing_headers(gateway: SandboxGateway, wechat_config: WeChatConfig, header: str) -> None:
    note = gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no)
    headers = {k: v for k, v in note.headers.items() if k != header}
    with pytest.raises(NotificationRejected) as caught:
        _parse(wechat_config, note.body, headers)
    assert caught.value.code is RejectCode.MISSING_HEADER


def test_a_certificate_serial_is_unknown_when_only_public_keys_are_configured(
        gateway: SandboxGateway, keys: object) -> None:
    from services.payments.providers.sandbox_keys import SandboxKeys

    assert isinstance(keys, SandboxKeys)
    config = keys.wechat_config("http://sandbox.test", cert=False)
    note = gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no)
    with pytest.raises(NotificationRejected) as caught:
        _parse(config, note.body, dict(note.headers))
    assert caught.value.code is RejectCode.UNKNOWN_SERIAL
    assert _parse(config, note.body, gateway.wechat_headers(note.body, signer="pubkey"))


def _signed(gateway: SandboxGateway, body: bytes) -> dict[str, str]:
    return gateway.wechat_headers(body)


@pytest.mark.parametrize(("body", "code"), [
    (b"{not json", RejectCode.MALFORMED_BODY),
    (b"[1,2,3]", RejectCode.MALFORMED_BODY),
    (b'{"id":"EV-1","event_type":"TRANSACTION.SUCCESS","resource_type":"encrypt-resource","resource":'
     b'{"algorithm":"AEAD_AES_128_CBC","ciphertext":"","nonce":"x"}}', RejectCode.UNSUPPORTED_ALGORITHM),
    (b'{"id":"EV-1","event_type":"TRANSACTION.SUCCESS","resource_type":"encrypt-resource","resource":'
     b'{"algorithm":"AEAD_AES_256_GCM","ciphertext":"!!!","nonce":"abcdef012345"}}', RejectCode.DECRYPT_FAILED),
    (b'{"id":"EV-1","event_type":"MARKETING.COUPON","resource_type":"encrypt-resource","resource":{}}',
     RejectCode.UNSUPPORTED_EVENT),
    (b'\xff\xfe{"id"', RejectCode.MALFORMED_BODY),
])
def test_signed_but_malformed_bodies(gateway: SandboxGateway, wechat_config: WeChatConfig, body: bytes,
                                     code: RejectCode) -> None:
    with pytest.raises(NotificationRejected) as caught:
        _parse(wechat_config, body, _signed(gateway, body))
    assert caught.value.code is code


def test_a_5_mb_body_is_refused_before_any_crypto(gateway: SandboxGateway, wechat_config: WeChatConfig) -> None:
    body = b'{"id":"' + b"A" * (5 * 1024 * 1024) + b'"}'
    with pytest.raises(NotificationRejected) as caught:
        _parse(wechat_config, body, _signed(gateway, body))
    assert caught.value.code is RejectCode.BODY_TOO_LARGE


def test_another_merchants_notification_is_refused(gateway: SandboxGateway, wechat_config: WeChatConfig) -> None:
    paid_order(gateway, Provider.WECHAT)
    config = replace(wechat_config, mchid="1900000002")
    note = gateway.payment_notification(gateway.orders[(Provider.WECHAT, "STU250901ABCDEF")])
    with pytest.raises(NotificationRejected) as caught:
        _parse(config, note.body, dict(note.headers))
    assert caught.value.code is RejectCode.MERCHANT_MISMATCH
    with pytest.raises(NotificationRejected) as caught:
        _parse(replace(wechat_config, appid="wx9999"), note.body, dict(note.headers))
    assert caught.value.code is RejectCode.APP_MISMATCH


def test_a_wrong_apiv3_key_cannot_decrypt(gateway: SandboxGateway, wechat_config: WeChatConfig) -> None:
    note = gateway.pay(Provider.WECHAT, paid_order(gateway, Provider.WECHAT).out_trade_no)
    with pytest.raises(NotificationRejected) as caught:
        _parse(replace(wechat_config, apiv3_key="0" * 32), note.body, dict(note.headers))
    assert caught.value.code is RejectCode.DECRYPT_FAILED


def test_the_research_notes_aes_gcm_vector_round_trips() -> None:
    """Re-derived, not trusted: the note's ciphertext must decrypt to its plaintext with its key/nonce/AD."""
    plaintext = ('{"mchid":"1900000001","appid":"wx0000000000000001","out_trade_no":"STU20250901000001",'
                 '"transaction_id":"4200000000202509010000000001","trade_type":"MWEB","trade_state":"SUCCESS",'
                 '"trade_state_desc":"支付成功","bank_type":"OTHERS","attach":"","success_time":'
                 '"2025-09-01T10:00:05+08:00","payer":{"openid":"oTEST000000000000000000000001"},"amount":'
                 '{"total":1500,"payer_total":1500,"currency":"CNY","payer_currency":"CNY"}}').encode()
    from services.payments.providers.wechat import encrypt_resource

    ciphertext = encrypt_resource("0123456789abcdef0123456789abcdef", plaintext, "abcdef012345", "transaction")
    assert ciphertext.startswith("+tSPbcTuImKCeoT1+pOmkTmUj0yC15q6arss1NBZL164")
    resource = {"algorithm": "AEAD_AES_256_GCM", "ciphertext": ciphertext, "nonce": "abcdef012345",
                "associated_data": "transaction"}
    assert decrypt_resource("0123456789abcdef0123456789abcdef", resource) == plaintext
    assert len(base64.b64decode(ciphertext)) == len(plaintext) + 16  # the tag rides at the end


def test_ack_bodies_are_exactly_what_wechat_expects() -> None:
    assert ack(True).status in (200, 204) and ack(True).body == b""
    failure = ack(False, 500)
    assert failure.status == 500 and json.loads(failure.body) == {"code": "FAIL", "message": "失败"}
    assert FAIL_BODY.decode() == '{"code": "FAIL", "message": "失败"}'
    with pytest.raises(ValueError):
        ack(False, 200)
