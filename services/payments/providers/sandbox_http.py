"""The sandbox's HTTP face: WeChat Pay v3's and Alipay's server APIs as the real adapters call them (merchant
signatures verified, answers signed with the providers' test keys), and the cashier page a student taps through.

Mounted by the payments service under /api/payments/sandbox when the sandbox is the configured provider; hidden
from the OpenAPI document (it plays the providers, it is not our API). Paths after the prefix are the providers'
own (`/wechat/v3/pay/transactions/h5`, `/alipay/gateway.do`), so the adapters' code paths are the production ones.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import structlog
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.kernel.routing import ServiceRouter
from services.payments.providers import rsa
from services.payments.providers.alipay import request_content
from services.payments.providers.money import fen_to_yuan, yuan_to_fen
from services.payments.providers.order_numbers import is_valid
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SHANGHAI, SandboxGateway, SandboxOrder, SandboxRefund
from services.payments.providers.sandbox_bills import alipay_bill_zip, wechat_trade_bill
from services.payments.providers.sandbox_keys import ALIPAY_APP_ID, MCHID, SANDBOX_APP_SECRET, WECHAT_APPID
from services.payments.providers.wechat import SIGNATURE_TYPE, request_message

log = structlog.get_logger("tucai.payments.sandbox")

PREFIX = "/sandbox"
_AUTH_ITEM = re.compile(r'(\w+)="([^"]*)"')
_TRADE_STATUS = {"NOTPAY": "WAIT_BUYER_PAY", "SUCCESS": "TRADE_SUCCESS", "CLOSED": "TRADE_CLOSED",
                 "REFUND": "TRADE_SUCCESS"}

GetGateway = Callable[[Request], SandboxGateway]


def _stamp(gateway: SandboxGateway, when: Any = None) -> str:
    return (when or gateway.now()).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


# -- WeChat Pay v3 -------------------------------------------------------------------------------------------------

def _wechat_answer(gateway: SandboxGateway, request: Request, status: int, document: Mapping[str, Any] | None,
                   ) -> Response:
    """A signed WeChat answer; public-key signed when the request asked for it (Wechatpay-Serial: PUB_KEY_ID_…)."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode() if document is not None else b""
    signer = "pubkey" if request.headers.get("wechatpay-serial", "").startswith("PUB_KEY_ID_") else "cert"
    headers = dict(gateway.wechat_headers(body, signer=signer))
    if not body:
        headers.pop("Content-Type", None)
    return Response(body, status, headers=headers, media_type="application/json" if body else None)


def _wechat_error(status: int, code: str, message: str) -> Response:
    return Response(json.dumps({"code": code, "message": message}, ensure_ascii=False).encode(), status,
                    media_type="application/json")


async def _wechat_verified(gateway: SandboxGateway, request: Request) -> tuple[bytes, Response | None]:
    """Check the merchant's Authorization header over METHOD, the /v3/… path and query, timestamp, nonce, body."""
    body = await request.body()
    header = request.headers.get("authorization", "")
    if not header.startswith(SIGNATURE_TYPE + " "):
        return body, _wechat_error(401, "SIGN_ERROR", "缺少或错误的认证方式")
    items = dict(_AUTH_ITEM.findall(header))
    path = request.url.path
    signed_path = path[path.index("/v3/"):] + (f"?{request.url.query}" if request.url.query else "")
    message = request_message(request.method, signed_path, items.get("timestamp", ""), items.get("nonce_str", ""),
                              body.decode("utf-8", "replace"))
    key = rsa.public_key(gateway.keys.public("wechat_merchant"))
    if (items.get("mchid") != MCHID or items.get("serial_no") != gateway.keys.merchant_serial
            or not rsa.verify(key, message, items.get("signature", ""))):
        return body, _wechat_error(401, "SIGN_ERROR", "签名错误")
    return body, None


def _wechat_order_view(order: SandboxOrder) -> dict[str, Any]:
    view: dict[str, Any] = {"appid": WECHAT_APPID, "mchid": MCHID, "out_trade_no": order.out_trade_no,
                            "trade_type": order.trade_type, "trade_state": order.state,
                            "trade_state_desc": {"SUCCESS": "支付成功", "NOTPAY": "未支付", "CLOSED": "已关闭",
                                                 "REFUND": "转入退款"}[order.state],
                            "attach": order.attach, "amount": {"total": order.amount_fen, "currency": "CNY"}}
    if order.provider_txn:
        view.update(transaction_id=order.provider_txn, bank_type="OTHERS", payer={"openid": order.payer})
        view["amount"].update(payer_total=order.amount_fen, payer_currency="CNY")
    if order.paid_at:
        view["success_time"] = order.paid_at.astimezone(SHANGHAI).isoformat(timespec="seconds")
    return view


def _wechat_refund_view(refund: SandboxRefund, total: int) -> dict[str, Any]:
    return {"refund_id": refund.refund_id, "out_refund_no": refund.out_refund_no, "out_trade_no": refund.out_trade_no,
            "channel": "ORIGINAL", "user_received_account": "支付用户零钱", "status": refund.status,
            "success_time": refund.created_at.astimezone(SHANGHAI).isoformat(timespec="seconds"),
            "create_time": refund.created_at.astimezone(SHANGHAI).isoformat(timespec="seconds"),
            "amount": {"total": total, "refund": refund.refund_fen, "payer_total": total,
                       "payer_refund": refund.refund_fen, "currency": "CNY"}}


def _wechat_routes(router: ServiceRouter, get_gateway: GetGateway) -> None:
    async def create(request: Request, trade_type: str) -> Response:
        gateway = get_gateway(request)
        body, refused = await _wechat_verified(gateway, request)
        if refused:
            return refused
        try:
            doc = json.loads(body)
            total = doc["amount"]["total"]
            no, notify_url = doc["out_trade_no"], doc["notify_url"]
        except (ValueError, KeyError, TypeError):
            return _wechat_error(400, "PARAM_ERROR", "参数错误")
        if doc.get("appid") != WECHAT_APPID or doc.get("mchid") != MCHID:
            return _wechat_error(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0 or not is_valid(str(no)):
            return _wechat_error(400, "PARAM_ERROR", "参数错误")
        if trade_type == "JSAPI" and not (doc.get("payer") or {}).get("openid"):
            return _wechat_error(400, "PARAM_ERROR", "JSAPI 需要 payer.openid")
        order = gateway.open_order(SandboxOrder(Provider.WECHAT, no, total, str(doc.get("description", "")),
                                                notify_url, trade_type=trade_type, attach=str(doc.get("attach", ""))))
        if order.amount_fen != total:
            return _wechat_error(400, "INVALID_REQUEST", "订单号重复，参数与原订单不一致")
        if order.state != "NOTPAY":
            return _wechat_error(400, "ORDERPAID" if order.state in ("SUCCESS", "REFUND") else "ORDER_CLOSED",
                                 "订单已支付" if order.state in ("SUCCESS", "REFUND") else "订单已关闭")
        prepay_id = "wx" + secrets.token_hex(15)
        if trade_type == "JSAPI":
            return _wechat_answer(gateway, request, 200, {"prepay_id": prepay_id})
        if trade_type == "NATIVE":
            # WeChat answers weixin://wxpay/bizpayurl?pr=…, which only WeChat opens; the sandbox's code is its
            # cashier's address, so scanning it with any phone (or opening it on the PC) pays the order.
            public = request.app.state.ctx.settings.public_base_url.rstrip("/")
            code_url = f"{public}/api/payments{PREFIX}/cashier/wechat/{no}"
            return _wechat_answer(gateway, request, 200, {"code_url": code_url})
        url = f"/api/payments{PREFIX}/cashier/wechat/{no}?prepay_id={prepay_id}"
        return _wechat_answer(gateway, request, 200, {"h5_url": url})

    @router.post("/wechat/v3/pay/transactions/h5")
    async def wechat_h5(request: Request) -> Response:
        return await create(request, "MWEB")

    @router.post("/wechat/v3/pay/transactions/jsapi")
    async def wechat_jsapi(request: Request) -> Response:
        return await create(request, "JSAPI")

    @router.post("/wechat/v3/pay/transactions/native")
    async def wechat_native(request: Request) -> Response:
        return await create(request, "NATIVE")

    @router.get("/wechat/v3/pay/transactions/out-trade-no/{out_trade_no}")
    async def wechat_query(out_trade_no: str, request: Request) -> Response:
        gateway = get_gateway(request)
        _, refused = await _wechat_verified(gateway, request)
        if refused:
            return refused
        order = gateway.orders.get((Provider.WECHAT, out_trade_no))
        if order is None:
            return _wechat_error(404, "ORDER_NOT_EXIST", "订单不存在")
        return _wechat_answer(gateway, request, 200, _wechat_order_view(order))

    @router.post("/wechat/v3/pay/transactions/out-trade-no/{out_trade_no}/close")
    async def wechat_close(out_trade_no: str, request: Request) -> Response:
        gateway = get_gateway(request)
        _, refused = await _wechat_verified(gateway, request)
        if refused:
            return refused
        outcome = gateway.close(Provider.WECHAT, out_trade_no)
        if outcome == "ORDER_NOT_EXIST":
            return _wechat_error(404, "ORDER_NOT_EXIST", "订单不存在")
        if outcome == "ORDER_PAID":
            return _wechat_error(400, "ORDERPAID", "订单已支付")
        return _wechat_answer(gateway, request, 204, None)

    @router.post("/wechat/v3/refund/domestic/refunds")
    async def wechat_refund(request: Request) -> Response:
        gateway = get_gateway(request)
        body, refused = await _wechat_verified(gateway, request)
        if refused:
            return refused
        try:
            doc = json.loads(body)
            no, refund_no, fen = doc["out_trade_no"], doc["out_refund_no"], doc["amount"]["refund"]
        except (ValueError, KeyError, TypeError):
            return _wechat_error(400, "PARAM_ERROR", "参数错误")
        outcome = gateway.refund(Provider.WECHAT, no, refund_no, int(fen), doc.get("notify_url"))
        if isinstance(outcome, str):
            return _wechat_error(400, "NOT_ENOUGH" if outcome == "REFUND_AMOUNT_EXCEEDED" else "INVALID_REQUEST",
                                 outcome)
        total = gateway.orders[(Provider.WECHAT, no)].amount_fen
        return _wechat_answer(gateway, request, 200, _wechat_refund_view(outcome, total))

    @router.get("/wechat/v3/refund/domestic/refunds/{out_refund_no}")
    async def wechat_refund_query(out_refund_no: str, request: Request) -> Response:
        gateway = get_gateway(request)
        _, refused = await _wechat_verified(gateway, request)
        if refused:
            return refused
        refund = gateway.refunds.get((Provider.WECHAT, out_refund_no))
        if refund is None:
            return _wechat_error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        total = gateway.orders[(Provider.WECHAT, refund.out_trade_no)].amount_fen
        return _wechat_answer(gateway, request, 200, _wechat_refund_view(refund, total))


# -- Alipay --------------------------------------------------------------------------------------------------------

def _alipay_answer(gateway: SandboxGateway, method: str, inner: Mapping[str, Any]) -> Response:
    """`{"<method>_response": {...}, "sign": "..."}`, signed over the exact inner JSON text."""
    text = json.dumps(inner, ensure_ascii=False, separators=(",", ":"))
    sign = rsa.sign(gateway.keys.private["alipay_platform"], text.encode())
    raw = '{"' + method.replace(".", "_") + '_response":' + text + ',"sign":"' + sign + '"}'
    return Response(raw.encode(), 200, media_type="application/json;charset=utf-8")


def _alipay_error(sub_code: str, sub_msg: str, code: str = "40004", msg: str = "Business Failed") -> dict[str, str]:
    return {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg}


def _alipay_routes(router: ServiceRouter, get_gateway: GetGateway) -> None:
    @router.api_route("/alipay/gateway.do", methods=["GET", "POST"])
    async def alipay_gateway(request: Request) -> Response:
        gateway = get_gateway(request)
        params = dict(request.query_params)
        if request.method == "POST":
            params.update(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        method = params.get("method", "")
        key = rsa.public_key(gateway.keys.public("alipay_app"))
        if (params.get("app_id") != ALIPAY_APP_ID or params.get("sign_type") != "RSA2"
                or not rsa.verify(key, request_content(params).encode(), params.get("sign", ""))):
            return _alipay_answer(gateway, method or "error", _alipay_error(
                "isv.invalid-signature", "验签出错", code="40002", msg="Invalid Arguments"))
        try:
            biz = json.loads(params.get("biz_content", "{}"))
        except ValueError:
            return _alipay_answer(gateway, method, _alipay_error("isv.invalid-parameter", "biz_content 非 JSON"))
        if method in _PAGE_METHODS:
            return _page_pay(gateway, params, biz, _PAGE_METHODS[method])
        handler = _ALIPAY_SERVER_METHODS.get(method)
        if handler is None:
            return _alipay_answer(gateway, method or "error", _alipay_error(
                "isv.invalid-method", "不存在的方法名", code="40002", msg="Invalid Arguments"))
        return _alipay_answer(gateway, method, handler(gateway, biz))


# The browser's pay methods (no server answer: the gateway URL opens the cashier) and their product codes.
_PAGE_METHODS = {"alipay.trade.wap.pay": "QUICK_WAP_WAY", "alipay.trade.page.pay": "FAST_INSTANT_TRADE_PAY"}


def _page_pay(gateway: SandboxGateway, params: Mapping[str, str], biz: Mapping[str, Any], product: str) -> Response:
    if biz.get("product_code", product) != product:
        return HTMLResponse("<h1>产品码错误</h1>", 400)
    try:
        fen = yuan_to_fen(str(biz["total_amount"]))
        no = str(biz["out_trade_no"])
    except (KeyError, ValueError):
        return HTMLResponse("<h1>参数错误</h1>", 400)
    if fen <= 0 or not is_valid(no):
        return HTMLResponse("<h1>参数错误</h1>", 400)
    order = gateway.open_order(SandboxOrder(Provider.ALIPAY, no, fen, str(biz.get("subject", "")),
                                            params.get("notify_url", ""), attach=str(biz.get("passback_params", ""))))
    if order.amount_fen != fen:
        return HTMLResponse("<h1>交易信息被篡改</h1>", 400)
    back = params.get("return_url", "")
    return RedirectResponse(f"/api/payments{PREFIX}/cashier/alipay/{no}"
                            + (f"?return_url={quote(back, safe='')}" if back else ""), 303)


def _alipay_query(gateway: SandboxGateway, biz: Mapping[str, Any]) -> dict[str, Any]:
    order = gateway.orders.get((Provider.ALIPAY, str(biz.get("out_trade_no"))))
    if order is None or order.state == "NOTPAY":  # an Alipay trade exists only once the buyer paid
        return _alipay_error("ACQ.TRADE_NOT_EXIST", "交易不存在")
    answer: dict[str, Any] = {"code": "10000", "msg": "Success", "out_trade_no": order.out_trade_no,
                              "trade_status": _TRADE_STATUS[order.state],
                              "total_amount": fen_to_yuan(order.amount_fen)}
    if order.provider_txn:
        answer.update(trade_no=order.provider_txn, buyer_logon_id="158****1562",
                      send_pay_date=_stamp(gateway, order.paid_at))
    return answer


def _alipay_close(gateway: SandboxGateway, biz: Mapping[str, Any]) -> dict[str, Any]:
    no = str(biz.get("out_trade_no"))
    outcome = gateway.close(Provider.ALIPAY, no)
    if outcome == "ORDER_NOT_EXIST":
        return _alipay_error("ACQ.TRADE_NOT_EXIST", "交易不存在")
    if outcome == "ORDER_PAID":
        return _alipay_error("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
    return {"code": "10000", "msg": "Success", "out_trade_no": no}


def _alipay_refund(gateway: SandboxGateway, biz: Mapping[str, Any]) -> dict[str, Any]:
    no = str(biz.get("out_trade_no"))
    request_no = str(biz.get("out_request_no") or no)
    try:
        fen = yuan_to_fen(str(biz.get("refund_amount")))
    except ValueError:
        return _alipay_error("ACQ.INVALID_PARAMETER", "退款金额错误", code="40002", msg="Invalid Arguments")
    again = (Provider.ALIPAY, request_no) in gateway.refunds
    outcome = gateway.refund(Provider.ALIPAY, no, request_no, fen)
    if isinstance(outcome, str):
        sub = "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL" if outcome == "REFUND_AMOUNT_EXCEEDED" else "ACQ.TRADE_STATUS_ERROR"
        return _alipay_error(sub, outcome)
    order = gateway.orders[(Provider.ALIPAY, no)]
    refunded = sum(r.refund_fen for r in gateway.refunds.values()
                   if r.provider is Provider.ALIPAY and r.out_trade_no == no)
    return {"code": "10000", "msg": "Success", "trade_no": order.provider_txn, "out_trade_no": no,
            "buyer_logon_id": "158****1562", "fund_change": "N" if again else "Y",
            "refund_fee": fen_to_yuan(refunded), "gmt_refund_pay": _stamp(gateway, outcome.created_at)}


def _alipay_refund_query(gateway: SandboxGateway, biz: Mapping[str, Any]) -> dict[str, Any]:
    no = str(biz.get("out_trade_no"))
    refund = gateway.refunds.get((Provider.ALIPAY, str(biz.get("out_request_no") or no)))
    if refund is None or refund.out_trade_no != no:
        return {"code": "10000", "msg": "Success", "out_trade_no": no}  # no refund_status: not refunded
    order = gateway.orders[(Provider.ALIPAY, no)]
    return {"code": "10000", "msg": "Success", "trade_no": order.provider_txn, "out_trade_no": no,
            "out_request_no": refund.out_refund_no, "refund_status": "REFUND_SUCCESS",
            "total_amount": fen_to_yuan(order.amount_fen), "refund_amount": fen_to_yuan(refund.refund_fen),
            "gmt_refund_pay": _stamp(gateway, refund.created_at)}


_ALIPAY_SERVER_METHODS: dict[str, Callable[[SandboxGateway, Mapping[str, Any]], dict[str, Any]]] = {
    "alipay.trade.query": _alipay_query, "alipay.trade.close": _alipay_close, "alipay.trade.refund": _alipay_refund,
    "alipay.trade.fastpay.refund.query": _alipay_refund_query,
}


# -- the cashier ---------------------------------------------------------------------------------------------------

def _safe_return(url: str, request: Request) -> str | None:
    """Only back to our own site: a relative path, or an absolute URL on the host the cashier was opened from."""
    if not url:
        return None
    if url.startswith("/") and not url.startswith("//"):
        return url
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc == request.url.netloc:
        return url
    return None


_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>
<style>body{{margin:0;font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;background:#f5f5f5}}
header{{background:{color};color:#fff;padding:16px;font-size:18px}}main{{padding:24px 16px;text-align:center}}
.amount{{font-size:40px;font-weight:600;margin:16px 0}}.desc{{color:#666}}
.note{{color:#999;font-size:12px;margin-top:24px}}
button{{width:100%;padding:14px;font-size:18px;border:0;border-radius:8px;background:{color};color:#fff;margin-top:32px}}
a{{display:block;margin-top:16px;color:#666}}</style></head><body><header>{title}</header><main>{content}
<p class="note">沙箱收银台：测试密钥，不产生真实扣款</p></main></body></html>"""


def _cashier_page(provider: Provider, order: SandboxOrder | None, back: str | None, message: str = "") -> str:
    title = "微信支付（沙箱）" if provider is Provider.WECHAT else "支付宝（沙箱）"
    color = "#07c160" if provider is Provider.WECHAT else "#1677ff"
    if order is None:
        content = "<h2>订单不存在</h2>"
    elif order.state != "NOTPAY":
        done = {"SUCCESS": "已支付", "REFUND": "已支付（有退款）", "CLOSED": "订单已关闭"}[order.state]
        content = f'<h2>{done}</h2><p class="desc">{html.escape(order.description)}</p>'
        if back:
            content += f'<a href="{html.escape(back)}">返回商户</a>'
    else:
        hidden = f'<input type="hidden" name="return_url" value="{html.escape(back)}">' if back else ""
        content = (f'<p class="desc">{html.escape(order.description)}</p>'
                   f'<div class="amount">¥{fen_to_yuan(order.amount_fen)}</div>'
                   f'<p class="desc">订单号 {html.escape(order.out_trade_no)}</p>'
                   f'<form method="post">{hidden}<button type="submit">确认支付</button></form>'
                   + (f'<a href="{html.escape(back)}">取消支付</a>' if back else ""))
    if message:
        content = f"<p>{html.escape(message)}</p>" + content
    return _PAGE.format(title=title, color=color, content=content)


def _cashier_routes(router: ServiceRouter, get_gateway: GetGateway) -> None:
    @router.get("/cashier/{provider}/{out_trade_no}", response_class=HTMLResponse)
    async def cashier(provider: Provider, out_trade_no: str, request: Request) -> HTMLResponse:
        gateway = get_gateway(request)
        back = _safe_return(request.query_params.get("redirect_url") or request.query_params.get("return_url")
                            or "", request)
        order = gateway.orders.get((provider, out_trade_no))
        return HTMLResponse(_cashier_page(provider, order, back), 200 if order else 404)

    @router.post("/cashier/{provider}/{out_trade_no}")
    async def confirm(provider: Provider, out_trade_no: str, request: Request) -> Response:
        """The student taps 确认支付: the sandbox order is paid and its genuine notification delivered."""
        gateway = get_gateway(request)
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        back = _safe_return(form.get("return_url", ""), request)
        order = gateway.orders.get((provider, out_trade_no))
        if order is None or order.state == "CLOSED":
            return HTMLResponse(_cashier_page(provider, order, back), 404 if order is None else 409)
        note = gateway.pay(provider, out_trade_no)
        try:
            [(status, _)] = await gateway.deliver(note)
            log.info("sandbox_notification_delivered", out_trade_no=out_trade_no, status=status)
        except Exception as error:  # the merchant's endpoint being down is the merchant's problem: it must query
            log.warning("sandbox_notification_failed", out_trade_no=out_trade_no, error=str(error)[:200])
        if back:
            return RedirectResponse(back, 303)
        return HTMLResponse(_cashier_page(provider, order, None, "支付成功"))


# -- WeChat web authorisation (网页授权) -------------------------------------------------------------------------------

def sandbox_openid(appid: str) -> str:
    """The one WeChat user the sandbox knows, as an openid under `appid`."""
    return "oSBX" + hashlib.sha256(appid.encode()).hexdigest()[:24]


def _wechat_oauth_routes(router: ServiceRouter, get_gateway: GetGateway) -> None:
    @router.get("/wechat/connect/oauth2/authorize")
    async def authorize(request: Request, appid: str = "", redirect_uri: str = "", state: str = "",
                        scope: str = "") -> Response:
        # Like WeChat, send the code only back to the registered domain: here, the service's public address.
        target = urlsplit(redirect_uri)
        registered = urlsplit(request.app.state.ctx.settings.public_base_url).netloc
        if appid != WECHAT_APPID or scope != "snsapi_base" or len(state) > 128 or target.netloc != registered \
                or not target.path.startswith("/"):
            return HTMLResponse("<p>redirect_uri 参数错误</p>", 400)
        code = secrets.token_urlsafe(24)
        get_gateway(request).oauth_codes.add(code)
        joiner = "&" if target.query else "?"
        return RedirectResponse(f"{redirect_uri}{joiner}code={code}&state={quote(state)}", 302)

    @router.get("/wechat/sns/oauth2/access_token")
    async def access_token(request: Request, appid: str = "", secret: str = "", code: str = "") -> Response:
        gateway = get_gateway(request)
        given = secret.encode("utf-8", "replace")
        if appid != WECHAT_APPID or not hmac.compare_digest(given, SANDBOX_APP_SECRET.encode()):
            document: dict[str, Any] = {"errcode": 40125, "errmsg": "invalid appsecret"}
        elif code not in gateway.oauth_codes:
            document = {"errcode": 40029, "errmsg": "invalid code"}
        else:
            gateway.oauth_codes.discard(code)  # one exchange per code, as WeChat does
            document = {"access_token": secrets.token_urlsafe(32), "expires_in": 7200,
                        "refresh_token": secrets.token_urlsafe(32), "openid": sandbox_openid(appid),
                        "scope": "snsapi_base"}
        return Response(json.dumps(document).encode(), 200, media_type="application/json")


def _bill_routes(router: ServiceRouter, get_gateway: GetGateway) -> None:
    @router.get("/bills/{provider}/{day}")
    async def day_bill(provider: Provider, day: date, request: Request) -> Response:
        """The providers' download of a day's bill (the sandbox's control): WeChat's trade bill with its SHA1 in a
        header, Alipay's zip. A sandbox-only face; production bills come from the providers' bill APIs."""
        gateway = get_gateway(request)
        if provider is Provider.WECHAT:
            data, sha1 = wechat_trade_bill(gateway, day, bom=True)
            return Response(data, media_type="text/csv", headers={
                "X-Bill-SHA1": sha1, "Content-Disposition": f'attachment; filename="wechat-{day}.csv"'})
        return Response(alipay_bill_zip(gateway, day), media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="alipay-{day}.zip"'})


def sandbox_router(get_gateway: GetGateway) -> ServiceRouter:
    router = ServiceRouter(prefix=PREFIX, include_in_schema=False)
    _bill_routes(router, get_gateway)
    _wechat_routes(router, get_gateway)
    _wechat_oauth_routes(router, get_gateway)
    _alipay_routes(router, get_gateway)
    _cashier_routes(router, get_gateway)
    return router

