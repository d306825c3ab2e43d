"""Issue part 10: the sandbox cannot drift from the real protocols. Its notifications verify (and decrypt) with the
providers' own SDKs — wechatpayv3 (minibear2021) and python-alipay-sdk (fzlee) — and what those SDKs sign, our
verifiers accept. Only the SDKs' public functions are used; neither SDK touches the network here (wechatpayv3
reads the platform certificate from cert_dir in certificate mode, and takes the public key directly)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from alipay import AliPay
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.utils import build_authorization, load_private_key, rsa_sign

from services.payments.providers import alipay as ours_alipay
from services.payments.providers import wechat as ours_wechat
from services.payments.providers.config import AlipayConfig, WeChatConfig
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SandboxGateway
from services.payments.providers.sandbox_keys import PUB_KEY_ID, SandboxKeys, public_pem
from tests.payments.providers.conftest import paid_order


def _sdk(keys: SandboxKeys, mode: str, cert_dir: Path) -> WeChatPay:
    common = {"wechatpay_type": WeChatPayType.H5, "mchid": "1900000001", "appid": "wx0000000000000001",
              "private_key": keys.private["wechat_merchant"], "cert_serial_no": keys.merchant_serial,
              "apiv3_key": keys.apiv3_key}
    if mode == "pubkey":
        return WeChatPay(**common, public_key=keys.public("wechat_pubkey"), public_key_id=PUB_KEY_ID)
    (cert_dir / f"{keys.platform_serial}.pem").write_text(keys.platform_cert_pem)
    return WeChatPay(**common, cert_dir=str(cert_dir))


@pytest.mark.parametrize("mode", ["cert", "pubkey"])
def test_wechatpayv3_verifies_and_decrypts_the_sandboxs_notifications(gateway: SandboxGateway, keys: SandboxKeys,
                                                                      tmp_path: Path, mode: str) -> None:
    gateway.wechat_signer = mode
    sdk = _sdk(keys, mode, tmp_path)
    order = paid_order(gateway, Provider.WECHAT)
    note = gateway.payment_notification(order)
    result = sdk.callback(headers=dict(note.headers), body=note.body)
    assert result is not None, "wechatpayv3 refused the sandbox's payment notification"
    assert result["event_type"] == "TRANSACTION.SUCCESS"
    assert result["resource"]["out_trade_no"] == order.out_trade_no
    assert result["resource"]["amount"]["total"] == 1500
    refund = gateway.refund(Provider.WECHAT, order.out_trade_no, "RF250902000001", 1500)
    assert not isinstance(refund, str)
    refund_note = gateway.refund_notification(refund)
    refunded = sdk.callback(headers=dict(refund_note.headers), body=refund_note.body)
    assert refunded is not None and refunded["resource"]["out_refund_no"] == "RF250902000001"
    # and a tampered one is refused by the SDK too (the cross-check can fail)
    tampered = note.body.replace(b'"summary":"', b'"summary":"X', 1)
    assert sdk.callback(headers=dict(note.headers), body=tampered) is None


def test_our_verifier_accepts_what_wechatpayv3_signs(keys: SandboxKeys, wechat_config: WeChatConfig) -> None:
    """The SDK's rsa_sign over `timestamp\\nnonce\\nbody\\n` with the platform key = a WeChat-signed message."""
    platform_key = load_private_key(keys.private["wechat_platform"])
    body = json.dumps({"code": "OK"}).encode()
    ts, nonce = str(int(time.time())), "SDKNONCE"
    headers = {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce, "Wechatpay-Serial": keys.platform_serial,
               "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
               "Wechatpay-Signature": rsa_sign(platform_key, f"{ts}\n{nonce}\n{body.decode()}\n")}
    ours_wechat.WeChatVerifier(wechat_config).verify(headers, body)


def test_request_authorization_and_jsapi_paysign_match_the_sdk(keys: SandboxKeys, wechat_config: WeChatConfig,
                                                              monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("wechatpayv3.utils.time.time", lambda: 1756692005)
    body = '{"appid":"wx0000000000000001","amount":{"total":1500}}'
    theirs = build_authorization("/v3/pay/transactions/h5", "POST", "1900000001", keys.merchant_serial,
                                 load_private_key(keys.private["wechat_merchant"]), data=body, nonce_str="N0NCE")
    ours = ours_wechat.authorization(wechat_config, "POST", "/v3/pay/transactions/h5", body, "1756692005", "N0NCE")
    assert ours == theirs
    sdk = _sdk(keys, "pubkey", tmp_path)
    params = ours_wechat.jsapi_params(wechat_config, "wx201410272009395522657", "1756692005", "5K8264ILTKCH16CQ")
    assert params["paySign"] == sdk.sign(["wx0000000000000001", "1756692005", "5K8264ILTKCH16CQ",
                                          "prepay_id=wx201410272009395522657"])


def _fzlee(app_key: str, alipay_public: str) -> AliPay:
    return AliPay(appid="2021000000000001", app_private_key_string=app_key, alipay_public_key_string=alipay_public)


@pytest.mark.parametrize("refund", [False, True])
def test_python_alipay_sdk_verifies_the_sandboxs_notifications(gateway: SandboxGateway, keys: SandboxKeys,
                                                               refund: bool) -> None:
    sdk = _fzlee(keys.private["alipay_app"], keys.public("alipay_platform"))
    order = paid_order(gateway, Provider.ALIPAY)
    note = gateway.payment_notification(order)
    if refund:
        done = gateway.refund(Provider.ALIPAY, order.out_trade_no, "RF1", 500)
        assert not isinstance(done, str)
        note = gateway.refund_notification(done)
    data = dict(parse_qsl(note.body.decode(), keep_blank_values=True))  # parse_qsl, not parse_qs: no lists
    signature = data.pop("sign")
    assert sdk.verify(dict(data), signature) is True
    data["total_amount"] = "0.01"
    assert sdk.verify(dict(data), signature) is False


def test_our_verifier_accepts_what_python_alipay_sdk_signs(keys: SandboxKeys, alipay_config: AlipayConfig) -> None:
    """The SDK plays Alipay (its 'app key' is the sandbox's Alipay key): sign_data over the params without
    sign_type is exactly the notification rule; we add sign_type=RSA2 as Alipay does."""
    as_alipay = _fzlee(keys.private["alipay_platform"], keys.public("alipay_app"))
    params = {"notify_id": "n1", "notify_type": "trade_status_sync", "notify_time": "2025-09-01 10:00:06",
              "app_id": "2021000000000001", "charset": "utf-8", "version": "1.0", "trade_no": "2025090122001",
              "out_trade_no": "STU250901ABCDEF", "seller_id": "2088000000000001", "trade_status": "TRADE_SUCCESS",
              "total_amount": "15.00", "subject": "照片采集费 & more", "gmt_payment": "2025-09-01 10:00:05"}
    signed = as_alipay.sign_data(dict(params)) + "&sign_type=RSA2"
    verified = ours_alipay.parse_notification(alipay_config, signed.encode())
    assert (verified.amount_fen, verified.resource["subject"]) == (1500, "照片采集费 & more")


def test_our_request_signature_matches_python_alipay_sdk(keys: SandboxKeys, alipay_config: AlipayConfig) -> None:
    sdk = _fzlee(keys.private["alipay_app"], keys.public("alipay_platform"))
    params = {"app_id": "2021000000000001", "method": "alipay.trade.wap.pay", "charset": "utf-8",
              "sign_type": "RSA2", "timestamp": "2025-09-01 10:00:00", "version": "1.0",
              "notify_url": "https://tucai.test/notify",
              "biz_content": '{"out_trade_no":"STU250901ABCDEF","total_amount":"15.00","subject":"照片采集费"}'}
    theirs = dict(parse_qsl(sdk.sign_data(dict(params))))["sign"]
    assert ours_alipay.sign_request(alipay_config, params)["sign"] == theirs
    assert public_pem(keys.private["alipay_app"]) == keys.public("alipay_app")
