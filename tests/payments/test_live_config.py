"""Live payment providers from the merchant's own configuration (TUCAI_PAYMENTS_PROVIDER=live): the keys are read
from files at start-up, a partial configuration stops the start naming what is missing, a provider left unset is
not offered, and a genuine notification signed with the merchant's keys is verified and credits the order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.kernel.errors import TucaiError
from services.kernel.ids import new_id
from services.kernel.service import ServiceContext
from services.kernel.settings import Settings
from services.kernel.tenancy import unscoped_for_system
from services.payments.app import create_app
from services.payments.models import OrderState, PaymentOrder
from services.payments.orders import repository as repo
from services.payments.provider_set import provider_set
from services.payments.providers import order_numbers
from services.payments.providers.live import LiveConfigError
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SandboxGateway, SandboxOrder
from services.payments.providers.sandbox_keys import MCHID, PUB_KEY_ID, WECHAT_APPID, SandboxKeys


def _merchant_files(folder: Path, mode: str = "pubkey") -> tuple[SandboxKeys, dict[str, object]]:
    """What a merchant downloads from the WeChat Pay platform, as files, and the settings pointing at them (the
    sandbox's key set plays WeChat Pay here: it signs the notifications the way WeChat Pay does). `mode`: WeChat
    Pay's public key, or its platform certificate."""
    keys = SandboxKeys.load_or_create(folder / "provider")
    (folder / "apiclient_key.pem").write_text(keys.private["wechat_merchant"])
    (folder / "pub_key.pem").write_text(keys.public("wechat_pubkey"))
    (folder / "platform_cert.pem").write_text(keys.platform_cert_pem)
    verification: dict[str, object] = (
        {"payments_wechat_public_key_id": PUB_KEY_ID, "payments_wechat_public_key_file": folder / "pub_key.pem"}
        if mode == "pubkey" else
        {"payments_wechat_platform_certs": f"{keys.platform_serial.lower()}={folder / 'platform_cert.pem'}"})
    return keys, {
        "payments_provider": "live", "payments_wechat_mchid": MCHID, "payments_wechat_appid": WECHAT_APPID,
        "payments_wechat_apiv3_key": keys.apiv3_key, "payments_wechat_serial": keys.merchant_serial,
        "payments_wechat_private_key_file": folder / "apiclient_key.pem", **verification}


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(data_dir=tmp_path, relay_poll_seconds=0.2, payments_sweep_seconds=3600, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["pubkey", "cert"])
def test_a_genuine_notification_signed_with_the_merchants_keys_credits_the_order(tmp_path: Path, mode: str) -> None:
    keys, values = _merchant_files(tmp_path, mode)
    app = create_app(_settings(tmp_path, **values))
    with TestClient(app) as client:
        ctx: ServiceContext = app.state.ctx
        providers = provider_set(ctx.settings, ctx.runtime)
        assert providers.offers(Provider.WECHAT) and not providers.offers(Provider.ALIPAY)
        assert providers.wechat_config and providers.wechat_config.api_base == "https://api.mch.weixin.qq.com"
        assert client.get("/api/payments/sandbox/wechat/v3/pay/transactions/out-trade-no/x").status_code == 404

        at, key = datetime.now(UTC), new_id()[-12:]
        order = PaymentOrder(id=new_id(), kind="student", owner_key=key, province_code="36", school_code="10403",
                             class_id="C1", subject_key=key, term="2026-06", description="毕业证图像采集费",
                             amount_fen=1500, unit_fen=1500, out_trade_no=order_numbers.make("STU"),
                             opened_at="wechat", launched_at=at, expires_at=at + timedelta(minutes=30))
        with ctx.transaction() as uow:
            repo.add_order(uow.session, order)
        wechat_pay = SandboxGateway(keys)  # it only signs here
        wechat_pay.wechat_signer = mode
        wechat_pay.open_order(SandboxOrder(Provider.WECHAT, order.out_trade_no, 1500, order.description,
                                           providers.notify_url(Provider.WECHAT)))
        note = wechat_pay.pay(Provider.WECHAT, order.out_trade_no)
        answer = client.post(urlsplit(note.url).path, headers=dict(note.headers), content=note.body)
        assert answer.status_code == 204, answer.text
        with ctx.sessions() as session:
            state = session.execute(unscoped_for_system(select(PaymentOrder.state))
                                    .where(PaymentOrder.id == order.id)).scalar_one()
        assert state == OrderState.PAID

        alipay = client.post("/api/payments/v1/notify/alipay", content=b"trade_status=TRADE_SUCCESS&sign=x",
                             headers={"content-type": "application/x-www-form-urlencoded"})
        assert alipay.content == b"fail"  # Alipay is not configured: nothing it could sign is believed
        with pytest.raises(TucaiError) as refused:  # and paying with it is a clear 409, not a crash
            providers.adapter(Provider.ALIPAY, httpx.AsyncClient())
        assert refused.value.code == "payment_channel_unavailable" and refused.value.status == 409


@pytest.mark.parametrize(("drop", "named"), [
    ("payments_wechat_serial", "TUCAI_PAYMENTS_WECHAT_SERIAL"),
    ("payments_wechat_public_key_file", "TUCAI_PAYMENTS_WECHAT_PUBLIC_KEY_FILE"),
])
def test_a_partial_configuration_stops_the_start_naming_what_to_set(tmp_path: Path, drop: str, named: str) -> None:
    _, values = _merchant_files(tmp_path)
    values.pop(drop)
    with pytest.raises(LiveConfigError, match=named):
        create_app(_settings(tmp_path, **values))


def test_live_without_any_provider_and_unreadable_keys_are_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(LiveConfigError, match="neither WeChat Pay"):
        create_app(_settings(tmp_path, payments_provider="live"))
    _, values = _merchant_files(tmp_path)
    (tmp_path / "not-a-key.pem").write_text("hello")
    for bad in (tmp_path / "missing.pem", tmp_path / "not-a-key.pem"):
        with pytest.raises(LiveConfigError, match="TUCAI_PAYMENTS_WECHAT_PRIVATE_KEY_FILE"):
            create_app(_settings(tmp_path, **{**values, "payments_wechat_private_key_file": bad}))
    with pytest.raises(LiveConfigError, match="APIv3"):
        create_app(_settings(tmp_path, **{**values, "payments_wechat_apiv3_key": "short"}))
