"""Alipay OpenAPI with RSA2: signed wap-pay URLs and server calls, verified form notifications and responses.

Notifications are verified over every parameter except `sign` and `sign_type`, sorted by key, `k=v` joined with
`&`, values URL-decoded (research §2.3). Requests sign every non-empty parameter except `sign` (sign_type
included, §2.1). Responses are verified over the exact raw JSON text of `<method>_response` (§2.1).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

import httpx

from services.payments.providers import rsa
from services.payments.providers.config import AlipayConfig
from services.payments.providers.money import fen_to_yuan, yuan_to_fen
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

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_NOTIFICATION_BYTES = 64 * 1024
SUCCESS_BODY = b"success"  # exactly these 7 bytes: anything else makes Alipay re-send (research §2.3)
# How each channel pays: the gateway method and its product code (手机网站支付 / 电脑网站支付).
_PAY_METHODS = {Channel.ALIPAY_WAP: ("alipay.trade.wap.pay", "QUICK_WAP_WAY"),
                Channel.ALIPAY_PAGE: ("alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY")}
_TRADE_STATUS = {"TRADE_SUCCESS": TradeState.PAID, "TRADE_FINISHED": TradeState.PAID,
                 "TRADE_CLOSED": TradeState.CLOSED, "WAIT_BUYER_PAY": TradeState.NOTPAY}
_CHARSET = re.compile(r"[A-Za-z0-9_-]{1,20}")


def notify_content(params: Mapping[str, str]) -> str:
    """The string Alipay signed in a notification: all params but sign/sign_type, sorted, un-encoded."""
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in ("sign", "sign_type"))


def request_content(params: Mapping[str, str]) -> str:
    """The string we sign in a request: non-empty params but sign, sorted (sign_type included)."""
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign" and params[k] != "")


def sign_request(config: AlipayConfig, params: Mapping[str, str]) -> dict[str, str]:
    signed = dict(params)
    signed["sign"] = rsa.sign(config.app_private_key_pem, request_content(params).encode())
    return signed


def parse_form(body: bytes) -> dict[str, str]:
    """A form body as a flat dict. Duplicated keys are refused (a list would make the signed string ambiguous,
    the classic parse_qs pitfall); the declared charset (utf-8 or gbk) decodes the values."""
    try:
        text = body.decode("ascii")  # a form body is percent-encoded ASCII
    except UnicodeDecodeError:
        raise NotificationRejected(RejectCode.MALFORMED_BODY, "non-ASCII bytes in form") from None
    charset = "utf-8"
    for key, value in parse_qsl(text, keep_blank_values=True, encoding="latin-1"):
        if key == "charset" and _CHARSET.fullmatch(value):
            charset = value
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict")
    except (UnicodeDecodeError, LookupError):
        raise NotificationRejected(RejectCode.MALFORMED_BODY, f"not {charset}") from None
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            raise NotificationRejected(RejectCode.DUPLICATE_PARAM, key[:40])
        params[key] = value
    return params


def local_time(text: str | None) -> datetime | None:
    """Alipay times are Beijing wall-clock 'yyyy-MM-dd HH:mm:ss'."""
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI).astimezone(UTC)
    except ValueError:
        return None


def _amount(params: Mapping[str, str], key: str) -> int | None:
    if key not in params:
        return None
    try:
        return yuan_to_fen(params[key])
    except ValueError:
        raise NotificationRejected(RejectCode.BAD_AMOUNT, key) from None


def parse_notification(config: AlipayConfig, body: bytes) -> VerifiedNotification:
    if len(body) > MAX_NOTIFICATION_BYTES:
        raise NotificationRejected(RejectCode.BODY_TOO_LARGE, f"{len(body)} bytes")
    params = parse_form(body)
    sign = params.get("sign")
    if not sign:
        raise NotificationRejected(RejectCode.MISSING_SIGN)
    if params.get("sign_type") != "RSA2":  # RSA (SHA1) is refused outright: we never configure it
        raise NotificationRejected(RejectCode.UNSUPPORTED_SIGNATURE_TYPE, params.get("sign_type", "")[:10])
    if not rsa.verify(rsa.public_key(config.alipay_public_key_pem), notify_content(params).encode(), sign):
        raise NotificationRejected(RejectCode.BAD_SIGNATURE)
    # Only now are the fields believed; ownership first (research §2.3: app_id, seller_id).
    if params.get("app_id") != config.app_id:
        raise NotificationRejected(RejectCode.APP_MISMATCH, params.get("app_id", "")[:32])
    if config.seller_id and params.get("seller_id") != config.seller_id:
        raise NotificationRejected(RejectCode.SELLER_MISMATCH, params.get("seller_id", "")[:32])
    status = params.get("trade_status", "")
    if status not in ("TRADE_SUCCESS", "TRADE_FINISHED", "TRADE_CLOSED") or not params.get("out_trade_no"):
        raise NotificationRejected(RejectCode.UNSUPPORTED_EVENT, status[:32])
    total = _amount(params, "total_amount")
    refund_fee = _amount(params, "refund_fee")
    # A partial refund re-sends TRADE_SUCCESS with out_biz_no/gmt_refund; a full one is TRADE_CLOSED with
    # refund_fee; a timeout close has neither (research §2.3).
    refunded = bool(params.get("gmt_refund") or params.get("out_biz_no")) and bool(refund_fee)
    if refunded:
        kind = NotificationKind.REFUND
    elif status == "TRADE_CLOSED":
        kind = NotificationKind.CLOSED
    else:
        kind = NotificationKind.PAYMENT
    occurred = params.get("gmt_refund") if refunded else params.get("gmt_payment") or params.get("gmt_close")
    return VerifiedNotification(
        provider=Provider.ALIPAY, kind=kind, notification_id=params.get("notify_id", ""),
        out_trade_no=params["out_trade_no"], provider_txn=params.get("trade_no"),
        trade_state=_TRADE_STATUS[status], amount_fen=total, app_id=params["app_id"],
        merchant_id=params.get("seller_id", ""), occurred_at=local_time(occurred),
        out_refund_no=params.get("out_biz_no") if refunded else None,
        refund_state=RefundState.SUCCESS if refunded else None, refund_fen=refund_fee if refunded else None,
        resource=params)


def ack(ok: bool, status: int = 400) -> Ack:
    """Alipay reads the body, not the status: `success` stops the re-sends, anything else asks for another."""
    return Ack(200, SUCCESS_BODY if ok else b"fail", "text/plain")


def response_content(raw: str, response_key: str) -> str:
    """The exact JSON text of `response_key`'s value inside a raw answer (what Alipay signed)."""
    match = re.search(r'"' + re.escape(response_key) + r'"\s*:\s*', raw)
    if not match:
        raise ProviderError("malformed_response", response_key)
    try:
        _, end = json.JSONDecoder().raw_decode(raw, match.end())
    except ValueError:
        raise ProviderError("malformed_response", response_key) from None
    return raw[match.end():end]


def verify_response(config: AlipayConfig, raw: str, response_key: str) -> dict[str, Any]:
    content = response_content(raw, response_key)
    try:
        sign = json.loads(raw).get("sign")
    except ValueError:
        raise ProviderError("malformed_response", response_key) from None
    if not isinstance(sign, str) or not rsa.verify(rsa.public_key(config.alipay_public_key_pem),
                                                   content.encode(), sign):
        raise ProviderError("bad_response_signature", response_key)
    answer: dict[str, Any] = json.loads(content)
    return answer


class Alipay:
    """Alipay for one app: wap pay (手机网站支付), page pay (电脑网站支付), query, close, refund, refund query,
    notifications."""

    provider = Provider.ALIPAY

    def __init__(self, config: AlipayConfig, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client

    def _params(self, method: str, biz: Mapping[str, Any], **extra: str | None) -> dict[str, str]:
        params = {"app_id": self.config.app_id, "method": method, "format": "JSON", "charset": "utf-8",
                  "sign_type": "RSA2", "version": "1.0",
                  "timestamp": datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                  "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":"))}
        params.update({k: v for k, v in extra.items() if v})
        return sign_request(self.config, params)

    async def _call(self, method: str, biz: Mapping[str, Any]) -> dict[str, Any]:
        try:
            response = await self.client.post(self.config.gateway, data=self._params(method, biz))
        except httpx.HTTPError as error:
            raise ProviderError("transport", str(error)) from error
        answer = verify_response(self.config, response.text, method.replace(".", "_") + "_response")
        if answer.get("code") != "10000":
            raise ProviderError(str(answer.get("sub_code") or answer.get("code")), str(answer.get("sub_msg", "")))
        return answer

    async def create_payment(self, request: PaymentRequest) -> PaymentLaunch:
        """Wap pay on a phone (alipay.trade.wap.pay), the computer-site cashier on a PC (alipay.trade.page.pay):
        the same signed gateway URL the browser opens, differing in method and product code."""
        if request.channel not in _PAY_METHODS:
            raise ValueError(f"Alipay cannot serve channel {request.channel}")
        method, product = _PAY_METHODS[request.channel]
        biz: dict[str, Any] = {"out_trade_no": request.out_trade_no, "total_amount": fen_to_yuan(request.amount_fen),
                               "subject": request.description[:256], "product_code": product}
        if request.quit_url and request.channel is Channel.ALIPAY_WAP:
            biz["quit_url"] = request.quit_url
        if request.expires_at:
            biz["time_expire"] = request.expires_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        if request.attach:
            biz["passback_params"] = request.attach
        params = self._params(method, biz, notify_url=request.notify_url, return_url=request.return_url)
        # No HTTP call: the order exists at Alipay only once the student pays on this page (research §2.2).
        return PaymentLaunch(Provider.ALIPAY, request.channel, request.out_trade_no,
                             redirect_url=f"{self.config.gateway}?{urlencode(params)}")

    async def query_order(self, out_trade_no: str) -> OrderStatus:
        try:
            answer = await self._call("alipay.trade.query", {"out_trade_no": out_trade_no})
        except ProviderError as error:
            if error.code == "ACQ.TRADE_NOT_EXIST":  # not paid yet: the trade is created by the payment
                return OrderStatus(Provider.ALIPAY, out_trade_no, TradeState.NOTPAY)
            raise
        return OrderStatus(Provider.ALIPAY, out_trade_no,
                           _TRADE_STATUS.get(str(answer.get("trade_status")), TradeState.OTHER),
                           provider_txn=answer.get("trade_no"),
                           amount_fen=yuan_to_fen(str(answer["total_amount"])) if "total_amount" in answer else None,
                           paid_at=local_time(answer.get("send_pay_date")), raw=answer)

    async def close_order(self, out_trade_no: str) -> None:
        try:
            await self._call("alipay.trade.close", {"out_trade_no": out_trade_no})
        except ProviderError as error:
            if error.code != "ACQ.TRADE_NOT_EXIST":  # never paid, so never created: already as closed as it gets
                raise

    async def refund(self, request: RefundRequest) -> RefundStatus:
        answer = await self._call("alipay.trade.refund", {
            "out_trade_no": request.out_trade_no, "refund_amount": fen_to_yuan(request.refund_fen),
            "out_request_no": request.out_refund_no, "refund_reason": request.reason})
        # fund_change Y = money moved now; N = an earlier call with this out_request_no already did it.
        return RefundStatus(Provider.ALIPAY, request.out_refund_no, RefundState.SUCCESS,
                            refund_fen=request.refund_fen, provider_refund_id=answer.get("trade_no"),
                            succeeded_at=local_time(answer.get("gmt_refund_pay")), raw=answer)

    async def query_refund(self, out_refund_no: str, out_trade_no: str) -> RefundStatus:
        answer = await self._call("alipay.trade.fastpay.refund.query",
                                  {"out_trade_no": out_trade_no, "out_request_no": out_refund_no})
        # An absent refund_status means "not refunded (yet)" for this out_request_no.
        done = answer.get("refund_status") == "REFUND_SUCCESS"
        amount = answer.get("refund_amount")
        return RefundStatus(Provider.ALIPAY, out_refund_no, RefundState.SUCCESS if done else RefundState.PROCESSING,
                            refund_fen=yuan_to_fen(str(amount)) if amount else 0,
                            provider_refund_id=answer.get("trade_no"),
                            succeeded_at=local_time(answer.get("gmt_refund_pay")), raw=answer)

    def parse_notification(self, body: bytes, headers: Mapping[str, str],
                           now: datetime | None = None) -> VerifiedNotification:
        return parse_notification(self.config, body)

    def ack(self, ok: bool, status: int = 400) -> Ack:
        return ack(ok, status)
