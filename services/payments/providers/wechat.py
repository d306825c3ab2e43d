"""WeChat Pay API v3: request signing, response and notification verification, AES-256-GCM resources, the adapter.

Signatures are SHA256withRSA. A request signs `METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n` with the merchant
key; WeChat signs responses and notifications as `TIMESTAMP\\nNONCE\\nBODY\\n` over the body AS RECEIVED (never
re-serialised: key order matters) with either a platform certificate (hex serial) or a WeChat Pay public key
(`PUB_KEY_ID_…`), named by `Wechatpay-Serial`. Research note §1.1, §1.4.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import rsa as rsa_types
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.payments.providers import rsa
from services.payments.providers.config import WeChatConfig
from services.payments.providers.port import (
    Ack,
    Channel,
    NotificationKind,
    NotificationRejected,
    OrderStatus,
    PaymentLaunch,
    PaymentRequest,
    Provider,
    ProviderError,
    RefundRequest,
    RefundState,
    RefundStatus,
    RejectCode,
    TradeState,
    VerifiedNotification,
)

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
SIGNTEST_PREFIX = "WECHATPAY/SIGNTEST/"  # WeChat's probe traffic: must never verify (research §1.1)
MAX_NOTIFICATION_BYTES = 256 * 1024  # real notifications are ~1–2 KB; anything huge is refused before crypto
FAIL_BODY = json.dumps({"code": "FAIL", "message": "失败"}, ensure_ascii=False).encode()
_HEADERS = ("wechatpay-timestamp", "wechatpay-nonce", "wechatpay-signature", "wechatpay-serial",
            "wechatpay-signature-type")
_TRADE_STATES = {"SUCCESS": TradeState.PAID, "NOTPAY": TradeState.NOTPAY, "CLOSED": TradeState.CLOSED,
                 "REFUND": TradeState.REFUND}
_REFUND_EVENTS = {"REFUND.SUCCESS": RefundState.SUCCESS, "REFUND.ABNORMAL": RefundState.ABNORMAL,
                  "REFUND.CLOSED": RefundState.CLOSED}


# -- signing (merchant side) -------------------------------------------------------------------------------------

def request_message(method: str, path_with_query: str, timestamp: str, nonce: str, body: str) -> bytes:
    return f"{method.upper()}\n{path_with_query}\n{timestamp}\n{nonce}\n{body}\n".encode()


def authorization(config: WeChatConfig, method: str, path_with_query: str, body: str,
                  timestamp: str | None = None, nonce: str | None = None) -> str:
    """The `Authorization` header of one API request (PKCS#1 v1.5 is deterministic, so this is testable)."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or secrets.token_hex(16).upper()
    signature = rsa.sign(config.merchant_private_key_pem,
                         request_message(method, path_with_query, timestamp, nonce, body))
    return (f'{SIGNATURE_TYPE} mchid="{config.mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{config.merchant_serial}"')


def jsapi_params(config: WeChatConfig, prepay_id: str, timestamp: str | None = None,
                 nonce: str | None = None) -> dict[str, str]:
    """Parameters for WeixinJSBridge.invoke('getBrandWCPayRequest', …): paySign over
    `appId\\ntimeStamp\\nnonceStr\\npackage\\n` with the merchant key (research §1.3)."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or secrets.token_hex(16)
    package = f"prepay_id={prepay_id}"
    message = f"{config.appid}\n{timestamp}\n{nonce}\n{package}\n".encode()
    return {"appId": config.appid, "timeStamp": timestamp, "nonceStr": nonce, "package": package,
            "signType": "RSA", "paySign": rsa.sign(config.merchant_private_key_pem, message)}


# -- verification (WeChat's side) --------------------------------------------------------------------------------

class WeChatVerifier:
    """Verification keys by `Wechatpay-Serial`: platform-certificate serials (hex, compared case-insensitively) and
    `PUB_KEY_ID_…` public-key ids, both at once (callbacks are mixed during WeChat's migration)."""

    def __init__(self, config: WeChatConfig) -> None:
        self.window_s = config.timestamp_window_s
        self.keys: dict[str, rsa_types.RSAPublicKey] = {}
        for serial, pem in config.platform_certs_pem.items():
            self.keys[serial.upper()] = rsa.public_key(pem)
        for key_id, pem in config.public_keys_pem.items():
            self.keys[key_id.upper()] = rsa.public_key(pem)

    def verify(self, headers: Mapping[str, str], body: bytes, now: float | None = None) -> None:
        """Raise NotificationRejected unless `body` carries a fresh, genuine WeChat signature."""
        h = {k.lower(): v for k, v in headers.items() if k.lower() in _HEADERS}
        for name in _HEADERS:
            if not h.get(name):
                raise NotificationRejected(RejectCode.MISSING_HEADER, name)
        if h["wechatpay-signature-type"] != SIGNATURE_TYPE:
            raise NotificationRejected(RejectCode.UNSUPPORTED_SIGNATURE_TYPE, h["wechatpay-signature-type"][:64])
        signature = h["wechatpay-signature"]
        if signature.startswith(SIGNTEST_PREFIX):
            raise NotificationRejected(RejectCode.SIGNTEST_PROBE)
        timestamp, nonce = h["wechatpay-timestamp"], h["wechatpay-nonce"]
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            raise NotificationRejected(RejectCode.BAD_HEADER, "wechatpay-timestamp")
        if "\n" in nonce or len(nonce) > 64:
            raise NotificationRejected(RejectCode.BAD_HEADER, "wechatpay-nonce")
        skew = abs((time.time() if now is None else now) - int(timestamp))
        if skew >= self.window_s:  # replay protection the SDKs leave to us (research §3.1)
            raise NotificationRejected(RejectCode.STALE_TIMESTAMP, f"{int(skew)} s off")
        key = self.keys.get(h["wechatpay-serial"].upper())
        if key is None:
            raise NotificationRejected(RejectCode.UNKNOWN_SERIAL, h["wechatpay-serial"][:64])
        message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
        if not rsa.verify(key, message, signature):
            raise NotificationRejected(RejectCode.BAD_SIGNATURE)


def decrypt_resource(apiv3_key: str, resource: Mapping[str, Any]) -> bytes:
    """AEAD_AES_256_GCM with the 32-byte APIv3 key; ciphertext is Base64 of ciphertext‖16-byte tag."""
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise NotificationRejected(RejectCode.UNSUPPORTED_ALGORITHM, str(resource.get("algorithm"))[:40])
    nonce, ciphertext = resource.get("nonce"), resource.get("ciphertext")
    associated = resource.get("associated_data") or ""  # may be empty or absent
    if not (isinstance(nonce, str) and isinstance(ciphertext, str) and isinstance(associated, str)):
        raise NotificationRejected(RejectCode.MALFORMED_BODY, "resource fields")
    try:
        data = base64.b64decode(ciphertext, validate=True)
        return AESGCM(apiv3_key.encode()).decrypt(nonce.encode(), data, associated.encode())
    except (InvalidTag, binascii.Error, ValueError) as error:
        raise NotificationRejected(RejectCode.DECRYPT_FAILED, type(error).__name__) from None


def encrypt_resource(apiv3_key: str, plaintext: bytes, nonce: str, associated_data: str) -> str:
    """The inverse, for the sandbox and tests."""
    raw = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plaintext, associated_data.encode())
    return base64.b64encode(raw).decode("ascii")


def _time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return None


def _str(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise NotificationRejected(RejectCode.MALFORMED_RESOURCE, key)
    return value


def _fen(obj: Mapping[str, Any], *path: str) -> int:
    value: Any = obj
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise NotificationRejected(RejectCode.MALFORMED_RESOURCE, ".".join(path))
    return value


def parse_notification(config: WeChatConfig, verifier: WeChatVerifier, body: bytes, headers: Mapping[str, str],
                       now: datetime | None = None) -> VerifiedNotification:
    if len(body) > MAX_NOTIFICATION_BYTES:
        raise NotificationRejected(RejectCode.BODY_TOO_LARGE, f"{len(body)} bytes")
    verifier.verify(headers, body, now.timestamp() if now else None)
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise NotificationRejected(RejectCode.MALFORMED_BODY, "not JSON") from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("resource"), dict):
        raise NotificationRejected(RejectCode.MALFORMED_BODY, "no resource")
    event = envelope.get("event_type")
    if event != "TRANSACTION.SUCCESS" and event not in _REFUND_EVENTS:
        raise NotificationRejected(RejectCode.UNSUPPORTED_EVENT, str(event)[:40])
    if envelope.get("resource_type") != "encrypt-resource":
        raise NotificationRejected(RejectCode.MALFORMED_BODY, "resource_type")
    plaintext = decrypt_resource(config.apiv3_key, envelope["resource"])
    try:
        resource = json.loads(plaintext)
    except (ValueError, UnicodeDecodeError):
        raise NotificationRejected(RejectCode.MALFORMED_RESOURCE, "not JSON") from None
    if not isinstance(resource, dict):
        raise NotificationRejected(RejectCode.MALFORMED_RESOURCE, "not an object")
    if _str(resource, "mchid") != config.mchid:
        raise NotificationRejected(RejectCode.MERCHANT_MISMATCH, resource["mchid"][:32])
    notification_id = _str(envelope, "id")
    if event == "TRANSACTION.SUCCESS":
        if _str(resource, "appid") != config.appid:
            raise NotificationRejected(RejectCode.APP_MISMATCH, resource["appid"][:32])
        return VerifiedNotification(
            provider=Provider.WECHAT, kind=NotificationKind.PAYMENT, notification_id=notification_id,
            out_trade_no=_str(resource, "out_trade_no"), provider_txn=_str(resource, "transaction_id"),
            trade_state=_TRADE_STATES.get(_str(resource, "trade_state"), TradeState.OTHER),
            amount_fen=_fen(resource, "amount", "total"), app_id=config.appid, merchant_id=config.mchid,
            occurred_at=_time(resource.get("success_time")), resource=resource)
    # Refund resources carry no appid: the mchid check above is the ownership check.
    return VerifiedNotification(
        provider=Provider.WECHAT, kind=NotificationKind.REFUND, notification_id=notification_id,
        out_trade_no=_str(resource, "out_trade_no"), provider_txn=_str(resource, "transaction_id"),
        trade_state=None, amount_fen=_fen(resource, "amount", "total"), app_id=config.appid,
        merchant_id=config.mchid, occurred_at=_time(resource.get("success_time")),
        out_refund_no=_str(resource, "out_refund_no"), refund_state=_REFUND_EVENTS[event],
        refund_fen=_fen(resource, "amount", "refund"), resource=resource)


def ack(ok: bool, status: int = 400) -> Ack:
    """200/204 without a body is success; a failure must be 4xx/5xx WITH the FAIL body (status wins over body)."""
    if ok:
        return Ack(204, b"", "text/plain")
    if not 400 <= status <= 599:
        raise ValueError("a WeChat failure answer must be 4xx or 5xx")
    return Ack(status, FAIL_BODY, "application/json")


# -- the adapter -------------------------------------------------------------------------------------------------

class WeChatPay:
    """WeChat Pay API v3 for one direct merchant: H5, JSAPI and Native orders, query, close, refunds, notifications.
    `client` is the caller's httpx.AsyncClient (pointed at the sandbox through an ASGI transport in embedded mode)."""

    provider = Provider.WECHAT

    def __init__(self, config: WeChatConfig, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client
        self.verifier = WeChatVerifier(config)

    async def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")) if body is not None else ""
        headers = {"Authorization": authorization(self.config, method, path, text),
                   "Accept": "application/json", "Content-Type": "application/json", "User-Agent": "tucai"}
        if self.config.public_keys_pem:  # ask for public-key signed answers (research §1.1)
            headers["Wechatpay-Serial"] = next(iter(self.config.public_keys_pem))
        try:
            response = await self.client.request(method, self.config.api_base + path, content=text.encode(),
                                                 headers=headers)
        except httpx.HTTPError as error:
            raise ProviderError("transport", str(error)) from error
        if response.status_code >= 300:
            # Error answers are not trusted for anything but their code: they need not be signed.
            try:
                code = str(response.json().get("code", "HTTP_ERROR"))
            except ValueError:
                code = "HTTP_ERROR"
            raise ProviderError(code, response.text[:200], response.status_code)
        try:
            self.verifier.verify(response.headers, response.content)
        except NotificationRejected as rejected:
            raise ProviderError("bad_response_signature", rejected.code.value, response.status_code) from None
        return response.json() if response.content else {}

    async def create_payment(self, request: PaymentRequest) -> PaymentLaunch:
        body: dict[str, Any] = {
            "appid": self.config.appid, "mchid": self.config.mchid, "description": request.description[:127],
            "out_trade_no": request.out_trade_no, "notify_url": request.notify_url,
            "amount": {"total": request.amount_fen, "currency": "CNY"}}
        if request.attach:
            body["attach"] = request.attach
        if request.expires_at:
            body["time_expire"] = request.expires_at.isoformat(timespec="seconds")
        if request.channel is Channel.WECHAT_H5:
            body["scene_info"] = {"payer_client_ip": request.client_ip, "h5_info": {"type": "Wap"}}
            answer = await self._call("POST", "/v3/pay/transactions/h5", body)
            url = str(answer["h5_url"])
            if request.return_url:
                url += "&redirect_url=" + quote(request.return_url, safe="")
            return PaymentLaunch(Provider.WECHAT, request.channel, request.out_trade_no, redirect_url=url)
        if request.channel is Channel.WECHAT_JSAPI:
            if not request.payer_openid:
                raise ValueError("JSAPI needs the payer's openid")
            body["payer"] = {"openid": request.payer_openid}
            answer = await self._call("POST", "/v3/pay/transactions/jsapi", body)
            return PaymentLaunch(Provider.WECHAT, request.channel, request.out_trade_no,
                                 jsapi=jsapi_params(self.config, str(answer["prepay_id"])))
        if request.channel is Channel.WECHAT_NATIVE:  # a PC: the payer scans the code_url's QR code with WeChat
            answer = await self._call("POST", "/v3/pay/transactions/native", body)
            return PaymentLaunch(Provider.WECHAT, request.channel, request.out_trade_no,
                                 code_url=str(answer["code_url"]))
        raise ValueError(f"WeChat Pay cannot serve channel {request.channel}")

    async def query_order(self, out_trade_no: str) -> OrderStatus:
        answer = await self._call("GET", f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={self.config.mchid}")
        amount = answer.get("amount") or {}
        return OrderStatus(Provider.WECHAT, out_trade_no,
                           _TRADE_STATES.get(str(answer.get("trade_state")), TradeState.OTHER),
                           provider_txn=answer.get("transaction_id"), amount_fen=amount.get("total"),
                           paid_at=_time(answer.get("success_time")), raw=answer)

    async def close_order(self, out_trade_no: str) -> None:
        await self._call("POST", f"/v3/pay/transactions/out-trade-no/{out_trade_no}/close",
                         {"mchid": self.config.mchid})

    async def refund(self, request: RefundRequest) -> RefundStatus:
        body: dict[str, Any] = {"out_trade_no": request.out_trade_no, "out_refund_no": request.out_refund_no,
                                "amount": {"refund": request.refund_fen, "total": request.total_fen,
                                           "currency": "CNY"}}
        if request.reason:
            body["reason"] = request.reason[:80]
        if request.notify_url:
            body["notify_url"] = request.notify_url
        return self._refund_status(await self._call("POST", "/v3/refund/domestic/refunds", body))

    async def query_refund(self, out_refund_no: str, out_trade_no: str) -> RefundStatus:
        return self._refund_status(await self._call("GET", f"/v3/refund/domestic/refunds/{out_refund_no}"))

    @staticmethod
    def _refund_status(answer: Mapping[str, Any]) -> RefundStatus:
        status = str(answer.get("status"))
        return RefundStatus(Provider.WECHAT, str(answer.get("out_refund_no")),
                            RefundState(status) if status in RefundState.__members__ else RefundState.PROCESSING,
                            refund_fen=int((answer.get("amount") or {}).get("refund", 0)),
                            provider_refund_id=answer.get("refund_id"),
                            succeeded_at=_time(answer.get("success_time")), raw=answer)

    def parse_notification(self, body: bytes, headers: Mapping[str, str],
                           now: datetime | None = None) -> VerifiedNotification:
        return parse_notification(self.config, self.verifier, body, headers, now)

    def ack(self, ok: bool, status: int = 400) -> Ack:
        return ack(ok, status)
