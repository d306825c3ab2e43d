"""The real adapters' network methods against the sandbox's HTTP face (httpx ASGITransport, no network): merchant
signatures verified by the sandbox, answers verified by the adapters (certificate and public-key modes)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from services.kernel.settings import Settings
from services.payments.app import create_app
from services.payments.provider_set import SANDBOX_BASE, ProviderSet, provider_set
from services.payments.providers.alipay import Alipay
from services.payments.providers.port import (
    Channel,
    PaymentRequest,
    Provider,
    ProviderError,
    RefundRequest,
    RefundState,
    TradeState,
)
from services.payments.providers.sandbox_keys import SandboxKeys
from services.payments.providers.wechat import WeChatPay

pytestmark = pytest.mark.anyio


@pytest.fixture
def wired(tmp_path: Path) -> tuple[ProviderSet, httpx.AsyncClient]:
    settings = Settings(data_dir=tmp_path, payments_database_url=f"sqlite:///{tmp_path / 'p.db'}")  # type: ignore[call-arg]
    app = create_app(settings)
    providers = provider_set(settings, app.state.ctx.runtime)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://payments")
    return providers, client


def _request(no: str, channel: Channel) -> PaymentRequest:
    return PaymentRequest(out_trade_no=no, amount_fen=1500, description="毕业证图像采集费", channel=channel,
                          notify_url="https://tucai.test/api/payments/v1/notify/x", return_url="/m/pay/result",
                          payer_openid="oTEST1" if channel is Channel.WECHAT_JSAPI else None)


@pytest.mark.parametrize("pubkey", [True, False])
async def test_wechat_create_query_close_refund(wired: tuple[ProviderSet, httpx.AsyncClient], pubkey: bool) -> None:
    providers, client = wired
    config = providers.sandbox.keys.wechat_config(SANDBOX_BASE + "/wechat", cert=not pubkey, pubkey=pubkey)
    wechat = WeChatPay(config, client)
    launch = await wechat.create_payment(_request("STU261201AAAAAA", Channel.WECHAT_H5))
    assert launch.redirect_url and "/sandbox/cashier/wechat/STU261201AAAAAA" in launch.redirect_url
    jsapi = await wechat.create_payment(_request("STU261201JJJJJJ", Channel.WECHAT_JSAPI))
    assert jsapi.jsapi and jsapi.jsapi["package"].startswith("prepay_id=wx")
    assert (await wechat.query_order("STU261201AAAAAA")).state is TradeState.NOTPAY
    providers.sandbox.pay(Provider.WECHAT, "STU261201AAAAAA")
    paid = await wechat.query_order("STU261201AAAAAA")
    assert paid.state is TradeState.PAID and paid.amount_fen == 1500 and paid.provider_txn
    with pytest.raises(ProviderError) as closing:
        await wechat.close_order("STU261201AAAAAA")
    assert closing.value.code == "ORDERPAID"
    await wechat.close_order("STU261201JJJJJJ")  # 204, signed empty body
    assert (await wechat.query_order("STU261201JJJJJJ")).state is TradeState.CLOSED
    request = RefundRequest("STU261201AAAAAA", "RF261201BBBBBB", 1500, 1500)
    first, again = await wechat.refund(request), await wechat.refund(request)
    assert first.state is RefundState.SUCCESS and again.provider_refund_id == first.provider_refund_id
    assert (await wechat.query_refund("RF261201BBBBBB", "STU261201AAAAAA")).refund_fen == 1500


async def test_wechat_refuses_an_unsigned_or_wrongly_signed_request(
        wired: tuple[ProviderSet, httpx.AsyncClient], tmp_path: Path) -> None:
    providers, client = wired
    stranger = SandboxKeys.load_or_create(tmp_path / "other")  # another merchant key, same ids
    config = providers.sandbox.keys.wechat_config(SANDBOX_BASE + "/wechat")
    forged = WeChatPay(config.__class__(**{**config.__dict__,
                                           "merchant_private_key_pem": stranger.private["wechat_merchant"]}), client)
    with pytest.raises(ProviderError) as refused:
        await forged.query_order("STU261201AAAAAA")
    assert refused.value.code == "SIGN_ERROR" and refused.value.status == 401


async def test_alipay_wap_query_close_refund(wired: tuple[ProviderSet, httpx.AsyncClient]) -> None:
    providers, client = wired
    alipay = Alipay(providers.alipay_config, client)
    launch = await alipay.create_payment(_request("STU261201CCCCCC", Channel.ALIPAY_WAP))
    page = await client.get(launch.redirect_url or "", follow_redirects=True)
    assert page.status_code == 200 and "确认支付" in page.text and "¥15.00" in page.text
    assert (await alipay.query_order("STU261201CCCCCC")).state is TradeState.NOTPAY  # ACQ.TRADE_NOT_EXIST
    providers.sandbox.pay(Provider.ALIPAY, "STU261201CCCCCC")
    paid = await alipay.query_order("STU261201CCCCCC")
    assert paid.state is TradeState.PAID and paid.amount_fen == 1500
    with pytest.raises(ProviderError):
        await alipay.close_order("STU261201CCCCCC")
    request = RefundRequest("STU261201CCCCCC", "RF261201DDDDDD", 500, 1500)
    refund = await alipay.refund(request)
    assert refund.state is RefundState.SUCCESS and refund.raw["fund_change"] == "Y"
    assert (await alipay.refund(request)).raw["fund_change"] == "N"  # the retry moves no money
    followed = await alipay.query_refund("RF261201DDDDDD", "STU261201CCCCCC")
    assert followed.state is RefundState.SUCCESS and followed.refund_fen == 500
    await alipay.close_order("STU261201NEVER0")  # never paid, never created: as closed as it gets


async def test_a_pc_pays_by_wechat_native_qr_code_or_alipay_page(wired: tuple[ProviderSet, httpx.AsyncClient]) -> None:
    """The school pays on a PC: WeChat Native answers a code_url (the QR code the payer scans; in the sandbox the
    cashier's address), Alipay's computer-site cashier is a signed gateway URL (alipay.trade.page.pay)."""
    providers, client = wired
    wechat = WeChatPay(providers.sandbox.keys.wechat_config(SANDBOX_BASE + "/wechat"), client)
    native = await wechat.create_payment(_request("SCH261201NNNNNN", Channel.WECHAT_NATIVE))
    assert native.redirect_url is None and native.jsapi is None
    assert native.code_url and native.code_url.endswith("/sandbox/cashier/wechat/SCH261201NNNNNN")
    assert providers.sandbox.orders[(Provider.WECHAT, "SCH261201NNNNNN")].trade_type == "NATIVE"
    cashier = await client.get(httpx.URL(native.code_url).path)
    assert cashier.status_code == 200 and "确认支付" in cashier.text and "¥15.00" in cashier.text
    providers.sandbox.pay(Provider.WECHAT, "SCH261201NNNNNN")
    assert (await wechat.query_order("SCH261201NNNNNN")).state is TradeState.PAID

    alipay = Alipay(providers.alipay_config, client)
    page = await alipay.create_payment(_request("SCH261201PPPPPP", Channel.ALIPAY_PAGE))
    assert page.redirect_url and "alipay.trade.page.pay" in page.redirect_url
    assert "FAST_INSTANT_TRADE_PAY" in httpx.URL(page.redirect_url).params["biz_content"]
    opened = await client.get(page.redirect_url, follow_redirects=True)
    assert opened.status_code == 200 and "确认支付" in opened.text and "¥15.00" in opened.text
    assert "return_url=%2Fm%2Fpay%2Fresult" in str(opened.url)
    with pytest.raises(ValueError):  # Alipay has no QR channel here, WeChat no computer-site cashier
        await alipay.create_payment(_request("SCH261201XXXXXX", Channel.WECHAT_NATIVE))
    with pytest.raises(ValueError):
        await wechat.create_payment(_request("SCH261201YYYYYY", Channel.ALIPAY_PAGE))
