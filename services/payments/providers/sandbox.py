"""The sandbox gateway: WeChat Pay v3 and Alipay as the student's phone and the providers' servers would see them,
with test keys (sandbox_keys.py). It keeps orders and refunds in memory, builds GENUINE notifications (signed,
encrypted, exactly the real formats) and delivers them — once, repeatedly, late or corrupted — and writes the
day's bills in both real formats (sandbox_bills.py). Its HTTP face (the providers' APIs, the cashier page) is
sandbox_http.py; the real adapters talk to it unchanged.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import structlog

from services.payments.providers import rsa
from services.payments.providers.money import fen_to_yuan
from services.payments.providers.port import Provider
from services.payments.providers.sandbox_keys import (
    ALIPAY_APP_ID,
    ALIPAY_SELLER_ID,
    MCHID,
    PUB_KEY_ID,
    WECHAT_APPID,
    SandboxKeys,
)
from services.payments.providers.wechat import SIGNATURE_TYPE, SIGNTEST_PREFIX, encrypt_resource

SHANGHAI = ZoneInfo("Asia/Shanghai")
log = structlog.get_logger("tucai.payments.sandbox")
# Delivery: (url, headers, body) → (status, body). Default is an HTTP POST; tests pass the handler directly.
Send = Callable[[str, Mapping[str, str], bytes], Awaitable[tuple[int, bytes]]]


class Corruption(StrEnum):
    SIGNATURE = "signature"  # a signature that does not match
    BODY = "body"  # one byte of the signed body changed after signing
    SIGNTEST = "signtest"  # WeChat's WECHATPAY/SIGNTEST/ probe
    STALE = "stale"  # signed correctly, 6 minutes ago
    SERIAL = "serial"  # names a key we do not have
    AES_TAG = "aes_tag"  # correctly signed envelope whose ciphertext's GCM tag is wrong
    AMOUNT = "amount"  # Alipay: total_amount changed after signing


@dataclass
class SandboxOrder:
    provider: Provider
    out_trade_no: str
    amount_fen: int
    description: str
    notify_url: str
    trade_type: str = "MWEB"  # WeChat: MWEB (H5) / JSAPI / NATIVE (a PC's QR code)
    attach: str = ""
    payer: str = "oTEST000000000000000000000001"
    state: str = "NOTPAY"  # NOTPAY / SUCCESS / CLOSED / REFUND
    provider_txn: str | None = None
    paid_at: datetime | None = None


@dataclass
class SandboxRefund:
    provider: Provider
    out_refund_no: str
    out_trade_no: str
    refund_fen: int
    notify_url: str | None
    refund_id: str
    created_at: datetime
    status: str = "SUCCESS"


@dataclass(frozen=True)
class Notification:
    """One delivery as it would travel: where to, which headers, which exact bytes."""

    provider: Provider
    url: str
    headers: Mapping[str, str]
    body: bytes
    meta: Mapping[str, str] = field(default_factory=dict)


class SandboxGateway:
    def __init__(self, keys: SandboxKeys, now: Callable[[], datetime] | None = None,
                 send: Send | None = None) -> None:
        self.keys = keys
        self.now = now or (lambda: datetime.now(UTC))
        self.send = send
        self.orders: dict[tuple[Provider, str], SandboxOrder] = {}
        self.refunds: dict[tuple[Provider, str], SandboxRefund] = {}
        self.wechat_signer = "cert"  # "cert" or "pubkey": which WeChat key signs notifications
        self.oauth_codes: set[str] = set()  # web-authorisation codes handed out and not yet exchanged
        # A refund's notification follows the refund's answer, as the providers' do (None: not sent). Only when
        # the gateway has a way to deliver (send): the sandbox of a running system, not a bare one in a test.
        self.refund_notify_delay_s: float | None = 0.3
        self._serial = 0

    def _next(self, prefix: str, width: int) -> str:
        self._serial += 1
        return prefix + self.now().astimezone(SHANGHAI).strftime("%Y%m%d") + f"{self._serial:0{width}d}"

    # -- the life of an order ------------------------------------------------------------------------------------

    def open_order(self, order: SandboxOrder) -> SandboxOrder:
        """Create (or, with the same number, return) an order, as the providers' create-order APIs do."""
        key = (order.provider, order.out_trade_no)
        return self.orders.setdefault(key, order)

    def pay(self, provider: Provider, out_trade_no: str) -> Notification:
        """The student taps "pay": the order succeeds and its notification is built (not yet delivered)."""
        order = self.orders[(provider, out_trade_no)]
        if order.state == "NOTPAY":
            order.state, order.paid_at = "SUCCESS", self.now()
            order.provider_txn = self._next("4200000000" if provider is Provider.WECHAT else "", 10)
        return self.payment_notification(order)

    def close(self, provider: Provider, out_trade_no: str) -> str:
        order = self.orders.get((provider, out_trade_no))
        if order is None:
            return "ORDER_NOT_EXIST"
        if order.state in ("SUCCESS", "REFUND"):
            return "ORDER_PAID"
        order.state = "CLOSED"
        return "OK"

    def refund(self, provider: Provider, out_trade_no: str, out_refund_no: str, refund_fen: int,
               notify_url: str | None = None) -> SandboxRefund | str:
        """Refund once per out_refund_no (a retry returns the first); refunds never exceed the payment."""
        existing = self.refunds.get((provider, out_refund_no))
        if existing:
            return existing
        order = self.orders.get((provider, out_trade_no))
        if order is None or order.state not in ("SUCCESS", "REFUND"):
            return "TRADE_NOT_PAID"
        refunded = sum(r.refund_fen for r in self.refunds.values()
                       if r.provider is provider and r.out_trade_no == out_trade_no)
        if refund_fen <= 0 or refunded + refund_fen > order.amount_fen:
            return "REFUND_AMOUNT_EXCEEDED"
        refund = SandboxRefund(provider, out_refund_no, out_trade_no, refund_fen, notify_url,
                               self._next("5030000000", 10), self.now())
        self.refunds[(provider, out_refund_no)] = refund
        order.state = "REFUND"
        if self.send is not None and self.refund_notify_delay_s is not None:
            self.deliver_later(self.refund_notification(refund), self.refund_notify_delay_s)
        return refund

    # -- notifications -------------------------------------------------------------------------------------------

    def payment_notification(self, order: SandboxOrder) -> Notification:
        if order.provider is Provider.WECHAT:
            return self._wechat(order.notify_url, "TRANSACTION.SUCCESS", "支付成功", "transaction",
                                self._wechat_transaction(order))
        return self._alipay(order, None)

    def refund_notification(self, refund: SandboxRefund) -> Notification:
        order = self.orders[(refund.provider, refund.out_trade_no)]
        url = refund.notify_url or order.notify_url
        if refund.provider is Provider.WECHAT:
            resource = {"mchid": MCHID, "out_trade_no": order.out_trade_no, "transaction_id": order.provider_txn,
                        "out_refund_no": refund.out_refund_no, "refund_id": refund.refund_id,
                        "refund_status": "SUCCESS", "success_time": _iso(refund.created_at),
                        "user_received_account": "支付用户零钱",
                        "amount": {"total": order.amount_fen, "refund": refund.refund_fen,
                                   "payer_total": order.amount_fen, "payer_refund": refund.refund_fen}}
            return self._wechat(url, "REFUND.SUCCESS", "退款成功", "refund", resource)
        return self._alipay(order, refund)

    def _wechat_transaction(self, order: SandboxOrder) -> dict[str, object]:
        return {"mchid": MCHID, "appid": WECHAT_APPID, "out_trade_no": order.out_trade_no,
                "transaction_id": order.provider_txn, "trade_type": order.trade_type,
                "trade_state": "SUCCESS", "trade_state_desc": "支付成功", "bank_type": "OTHERS",
                "attach": order.attach, "success_time": _iso(order.paid_at or self.now()),
                "payer": {"openid": order.payer},
                "amount": {"total": order.amount_fen, "payer_total": order.amount_fen, "currency": "CNY",
                           "payer_currency": "CNY"}}

    def _wechat(self, url: str, event: str, summary: str, kind: str, resource: Mapping[str, object]) -> Notification:
        nonce = secrets.token_urlsafe(9)[:12]  # 12 bytes, as real callbacks carry
        plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()
        notification_id = f"EV-{secrets.token_hex(8)}"
        envelope = {"id": notification_id, "create_time": _iso(self.now()),
                    "resource_type": "encrypt-resource", "event_type": event, "summary": summary,
                    "resource": {"original_type": kind, "algorithm": "AEAD_AES_256_GCM",
                                 "ciphertext": encrypt_resource(self.keys.apiv3_key, plaintext, nonce, kind),
                                 "associated_data": kind, "nonce": nonce}}
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        return Notification(Provider.WECHAT, url, self.wechat_headers(body), body, {"id": notification_id})

    def wechat_headers(self, body: bytes, timestamp: int | None = None, signer: str | None = None) -> dict[str, str]:
        """Headers WeChat would put on this body (notification or API answer)."""
        ts = str(int(self.now().timestamp()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16).upper()
        pubkey = (signer or self.wechat_signer) == "pubkey"
        key = self.keys.private["wechat_pubkey" if pubkey else "wechat_platform"]
        return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce,
                "Wechatpay-Signature": rsa.sign(key, f"{ts}\n{nonce}\n".encode() + body + b"\n"),
                "Wechatpay-Serial": PUB_KEY_ID if pubkey else self.keys.platform_serial,
                "Wechatpay-Signature-Type": SIGNATURE_TYPE, "Content-Type": "application/json"}

    def _alipay(self, order: SandboxOrder, refund: SandboxRefund | None) -> Notification:
        when = self.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        paid = (order.paid_at or self.now()).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        params: dict[str, str] = {
                  "notify_time": when, "notify_type": "trade_status_sync", "notify_id": secrets.token_hex(17),
                  "app_id": ALIPAY_APP_ID, "charset": "utf-8", "version": "1.0", "sign_type": "RSA2",
                  "trade_no": order.provider_txn or "", "out_trade_no": order.out_trade_no,
                  "buyer_id": "2088102116773037", "seller_id": ALIPAY_SELLER_ID, "trade_status": "TRADE_SUCCESS",
                  "total_amount": fen_to_yuan(order.amount_fen), "receipt_amount": fen_to_yuan(order.amount_fen),
                  "buyer_pay_amount": fen_to_yuan(order.amount_fen), "subject": order.description,
                  "gmt_create": paid, "gmt_payment": paid}
        if refund is not None:
            # refund_fee is cumulative up to THIS refund (dicts keep insertion order)
            total_refunded = 0
            for other in self.refunds.values():
                if other.provider is Provider.ALIPAY and other.out_trade_no == order.out_trade_no:
                    total_refunded += other.refund_fen
                if other is refund:
                    break
            params.update(out_biz_no=refund.out_refund_no, refund_fee=fen_to_yuan(total_refunded),
                          gmt_refund=refund.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"))
            if total_refunded >= order.amount_fen:
                params.update(trade_status="TRADE_CLOSED", gmt_close=params["gmt_refund"])
        if order.attach:
            params["passback_params"] = order.attach
        params["sign"] = self.alipay_sign(params)
        body = urlencode(params).encode()
        return Notification(Provider.ALIPAY, order.notify_url, {"Content-Type": "application/x-www-form-urlencoded"},
                            body, {"id": params["notify_id"]})

    def alipay_sign(self, params: Mapping[str, str]) -> str:
        content = "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in ("sign", "sign_type"))
        return rsa.sign(self.keys.private["alipay_platform"], content.encode())

    # -- delivery ------------------------------------------------------------------------------------------------

    def corrupt(self, note: Notification, how: Corruption) -> Notification:
        headers = dict(note.headers)
        if note.provider is Provider.ALIPAY:
            return _corrupt_alipay(self, note, how)
        if how is Corruption.SIGNATURE:
            headers["Wechatpay-Signature"] = rsa.sign(self.keys.private["alipay_app"], b"someone else")
        elif how is Corruption.BODY:
            index = note.body.index(b'"summary":"') + 11
            body = note.body[:index] + b"X" + note.body[index + 1:]
            return replace(note, body=body)
        elif how is Corruption.SIGNTEST:
            headers["Wechatpay-Signature"] = SIGNTEST_PREFIX + headers["Wechatpay-Signature"]
        elif how is Corruption.STALE:
            headers = self.wechat_headers(note.body, int(self.now().timestamp()) - 360)
        elif how is Corruption.SERIAL:
            headers["Wechatpay-Serial"] = "PUB_KEY_ID_0000000000000000000000000000000000"
        elif how is Corruption.AES_TAG:
            envelope = json.loads(note.body)
            raw = envelope["resource"]["ciphertext"]
            envelope["resource"]["ciphertext"] = raw[:-4] + ("AAAA" if raw[-4:] != "AAAA" else "BBBB")
            body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
            return replace(note, body=body, headers=self.wechat_headers(body))
        else:
            raise ValueError(f"{how} does not apply to WeChat")
        return replace(note, headers=headers)

    def deliver_later(self, note: Notification, delay_s: float) -> None:
        """Deliver from a thread of its own, after the answer that caused it has gone back: the providers send
        refund notifications on their own schedule, over HTTP, to the notify URL — never inside our request."""

        async def later() -> None:
            try:
                [(status, _)] = await self.deliver(note, delay_s=delay_s)
                log.info("sandbox_notification_delivered", url=note.url, status=status)
            except Exception as error:  # the merchant's endpoint being down is the merchant's problem
                log.warning("sandbox_notification_failed", url=note.url, error=str(error)[:200])

        threading.Thread(target=asyncio.run, args=(later(),), name="sandbox-notify", daemon=True).start()

    async def deliver(self, note: Notification, times: int = 1, delay_s: float = 0.0,
                      corrupt: Corruption | None = None, send: Send | None = None) -> list[tuple[int, bytes]]:
        """Deliver `times` times, `delay_s` apart (also before the first), optionally corrupted; return answers."""
        sender = send or self.send or _http_send
        if corrupt is not None:
            note = self.corrupt(note, corrupt)
        answers = []
        for _ in range(times):
            if delay_s:
                await asyncio.sleep(delay_s)
            answers.append(await sender(note.url, note.headers, note.body))
        return answers


def _corrupt_alipay(gateway: SandboxGateway, note: Notification, how: Corruption) -> Notification:
    from urllib.parse import parse_qsl

    params = dict(parse_qsl(note.body.decode(), keep_blank_values=True))
    if how is Corruption.SIGNATURE:
        params["sign"] = rsa.sign(gateway.keys.private["alipay_app"], b"someone else")
    elif how is Corruption.AMOUNT:
        params["total_amount"] = "0.01"
    elif how is Corruption.BODY:
        params["subject"] = params["subject"] + "X"
    else:
        raise ValueError(f"{how} does not apply to Alipay")
    return replace(note, body=urlencode(params).encode())


async def _http_send(url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
    import httpx

    async with httpx.AsyncClient(timeout=5) as client:  # WeChat expects an answer within 5 s
        response = await client.post(url, headers=dict(headers), content=body)
        return response.status_code, response.content


def _iso(when: datetime) -> str:
    return when.astimezone(SHANGHAI).isoformat(timespec="seconds")
