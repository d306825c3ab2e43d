"""The provider port: what the orders layer may ask of any payment provider (WeChat Pay, Alipay, the sandbox).

Money is integer fen, times are UTC-aware. Network calls are async (they go through an httpx client the caller
owns); parsing a notification is pure CPU and synchronous, so it can run inside the request handler before any
database work. A notification that fails any check raises `NotificationRejected` with a stable `code` — the caller
logs the code and answers with `provider.ack(ok=False)`; nothing else may escape `parse_notification`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class Provider(StrEnum):
    WECHAT = "wechat"
    ALIPAY = "alipay"


class Channel(StrEnum):
    """How the payer pays: on a phone, H5 in a phone browser, JSAPI inside WeChat's own browser, Alipay's mobile
    site; on a PC (a school paying in advance), WeChat Native (a QR code the payer scans with WeChat) and Alipay's
    computer-site cashier (page pay)."""

    WECHAT_H5 = "wechat_h5"
    WECHAT_JSAPI = "wechat_jsapi"
    ALIPAY_WAP = "alipay_wap"
    WECHAT_NATIVE = "wechat_native"
    ALIPAY_PAGE = "alipay_page"


class TradeState(StrEnum):
    """Both providers' trade states on one scale (WeChat trade_state / Alipay trade_status)."""

    NOTPAY = "NOTPAY"  # WeChat NOTPAY, Alipay WAIT_BUYER_PAY or "trade not exist" (created only on payment)
    PAID = "PAID"  # WeChat SUCCESS, Alipay TRADE_SUCCESS / TRADE_FINISHED
    REFUND = "REFUND"  # WeChat REFUND (some or all refunded); Alipay keeps TRADE_SUCCESS on partial refunds
    CLOSED = "CLOSED"  # closed unpaid, or Alipay TRADE_CLOSED after a full refund
    OTHER = "OTHER"  # REVOKED / USERPAYING / PAYERROR: not reachable for H5/JSAPI/wap, kept for completeness


class RefundState(StrEnum):
    PROCESSING = "PROCESSING"
    SUCCESS = "SUCCESS"
    CLOSED = "CLOSED"
    ABNORMAL = "ABNORMAL"


class NotificationKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    CLOSED = "closed"  # Alipay TRADE_CLOSED without a refund: the order timed out unpaid


class RejectCode(StrEnum):
    """Stable codes for refused notifications: logged, counted, and asserted by tests. Never renumber, only add."""

    BODY_TOO_LARGE = "body_too_large"
    MISSING_HEADER = "missing_header"
    BAD_HEADER = "bad_header"
    SIGNTEST_PROBE = "signtest_probe"
    STALE_TIMESTAMP = "stale_timestamp"
    UNKNOWN_SERIAL = "unknown_serial"
    UNSUPPORTED_SIGNATURE_TYPE = "unsupported_signature_type"
    BAD_SIGNATURE = "bad_signature"
    MALFORMED_BODY = "malformed_body"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    DECRYPT_FAILED = "decrypt_failed"
    MALFORMED_RESOURCE = "malformed_resource"
    UNSUPPORTED_EVENT = "unsupported_event"
    MISSING_SIGN = "missing_sign"
    DUPLICATE_PARAM = "duplicate_param"
    BAD_AMOUNT = "bad_amount"
    APP_MISMATCH = "app_mismatch"
    MERCHANT_MISMATCH = "merchant_mismatch"
    SELLER_MISMATCH = "seller_mismatch"
    AMOUNT_MISMATCH = "amount_mismatch"  # raised by check_against_order, the orders layer's hook


class NotificationRejected(Exception):
    def __init__(self, code: RejectCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail


class ProviderError(Exception):
    """A provider call failed: transport, an error answer (`code` is the provider's, e.g. ORDER_CLOSED or
    ACQ.TRADE_NOT_EXIST), or an answer whose signature did not verify (code `bad_response_signature`)."""

    def __init__(self, code: str, detail: str = "", status: int | None = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.status = status


@dataclass(frozen=True)
class PaymentRequest:
    out_trade_no: str
    amount_fen: int
    description: str  # WeChat description / Alipay subject
    channel: Channel
    notify_url: str
    expires_at: datetime | None = None
    client_ip: str = "127.0.0.1"  # WeChat H5 requires scene_info.payer_client_ip
    payer_openid: str | None = None  # JSAPI only: the payer's openid under our appid
    return_url: str | None = None  # where the phone goes afterwards; never trusted as proof of payment
    quit_url: str | None = None  # Alipay wap: where "cancel" goes
    attach: str = ""  # echoed in notifications and in the WeChat bill (商户数据包); ≤ 128 chars


@dataclass(frozen=True)
class PaymentLaunch:
    """What the payer's browser needs: a URL to open (WeChat h5_url, Alipay gateway URL), the parameters for
    WeixinJSBridge.invoke('getBrandWCPayRequest', …) inside WeChat, or (WeChat Native) the code_url to show as a
    QR code that the payer scans with WeChat."""

    provider: Provider
    channel: Channel
    out_trade_no: str
    redirect_url: str | None = None
    jsapi: Mapping[str, str] | None = None  # appId, timeStamp, nonceStr, package, signType, paySign
    code_url: str | None = None  # WeChat Native: weixin://wxpay/bizpayurl?pr=…, shown as a QR code


@dataclass(frozen=True)
class OrderStatus:
    provider: Provider
    out_trade_no: str
    state: TradeState
    provider_txn: str | None = None
    amount_fen: int | None = None
    paid_at: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundRequest:
    out_trade_no: str
    out_refund_no: str  # one refund, one number: retrying with the same number refunds once
    refund_fen: int
    total_fen: int
    reason: str = ""
    notify_url: str | None = None


@dataclass(frozen=True)
class RefundStatus:
    provider: Provider
    out_refund_no: str
    state: RefundState
    refund_fen: int
    provider_refund_id: str | None = None
    succeeded_at: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifiedNotification:
    """A notification whose signature (and, for WeChat, encryption) checked out and whose app/merchant ids are ours.

    Verification does not deduplicate: a replay of a genuine notification verifies again (WeChat re-sends for 24 h,
    sometimes twice within a second). Deduplicate on (provider, notification_id) and on the order's state under a
    row lock — that is the orders layer's job.
    """

    provider: Provider
    kind: NotificationKind
    notification_id: str  # WeChat envelope id / Alipay notify_id (the same across re-sends)
    out_trade_no: str
    provider_txn: str | None  # WeChat transaction_id / Alipay trade_no
    trade_state: TradeState | None
    amount_fen: int | None  # the order total as the provider saw it
    app_id: str
    merchant_id: str  # WeChat mchid / Alipay seller_id
    occurred_at: datetime | None  # success_time / gmt_payment / gmt_refund
    out_refund_no: str | None = None
    refund_state: RefundState | None = None
    refund_fen: int | None = None  # WeChat: this refund; Alipay: refund_fee, CUMULATIVE over the trade
    resource: Mapping[str, Any] = field(default_factory=dict)  # the decrypted resource / the form params


@dataclass(frozen=True)
class Ack:
    """The exact HTTP answer a provider expects to a notification."""

    status: int
    body: bytes
    media_type: str


def check_against_order(notification: VerifiedNotification, amount_fen: int) -> None:
    """The orders layer's hook: a genuine notification for a different amount than our order is refused
    (a merchant-side bug or a swapped out_trade_no, never something to credit)."""
    if notification.amount_fen != amount_fen:
        raise NotificationRejected(RejectCode.AMOUNT_MISMATCH,
                                   f"{notification.out_trade_no}: notified {notification.amount_fen} fen, "
                                   f"order {amount_fen} fen")


@runtime_checkable
class PaymentProvider(Protocol):
    provider: Provider

    async def create_payment(self, request: PaymentRequest) -> PaymentLaunch: ...

    async def query_order(self, out_trade_no: str) -> OrderStatus: ...

    async def close_order(self, out_trade_no: str) -> None: ...

    async def refund(self, request: RefundRequest) -> RefundStatus: ...

    async def query_refund(self, out_refund_no: str, out_trade_no: str) -> RefundStatus: ...

    def parse_notification(self, body: bytes, headers: Mapping[str, str],
                           now: datetime | None = None) -> VerifiedNotification: ...

    def ack(self, ok: bool, status: int = 400) -> Ack: ...
