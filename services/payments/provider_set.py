"""The payment providers this process talks to, built once per runtime from settings.

Sandbox mode (the default, embedded and tests): the real WeChat Pay and Alipay adapters with the sandbox's test
keys, pointed at the sandbox's HTTP face inside the payments service (/api/payments/sandbox/…), reached in-process
through ASGI when embedded and over HTTP when TUCAI_PAYMENTS_URL is set. Live mode: the same adapters with the
merchant's keys (providers/live.py) against the providers' own hosts. One code path either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from services.kernel.errors import TucaiError
from services.kernel.runtime import Runtime
from services.kernel.service_client import make_client
from services.kernel.settings import Settings
from services.payments.providers import alipay, live, wechat
from services.payments.providers.alipay import Alipay
from services.payments.providers.config import AlipayConfig, WeChatConfig
from services.payments.providers.port import (
    Ack,
    Channel,
    NotificationRejected,
    PaymentProvider,
    Provider,
    RejectCode,
    VerifiedNotification,
)
from services.payments.providers.sandbox import SandboxGateway
from services.payments.providers.sandbox_http import PREFIX
from services.payments.providers.sandbox_keys import SANDBOX_APP_SECRET, SandboxKeys
from services.payments.providers.wechat import WeChatPay, WeChatVerifier
from services.payments.providers.wechat_oauth import OAuthConfig

SANDBOX_BASE = "/api/payments" + PREFIX
CHANNEL_PROVIDER = {Channel.WECHAT_H5: Provider.WECHAT, Channel.WECHAT_JSAPI: Provider.WECHAT,
                    Channel.WECHAT_NATIVE: Provider.WECHAT, Channel.ALIPAY_WAP: Provider.ALIPAY,
                    Channel.ALIPAY_PAGE: Provider.ALIPAY}


class ProviderSet:
    def __init__(self, settings: Settings, runtime: Runtime) -> None:
        self.settings = settings
        self.runtime = runtime
        self.wechat_config: WeChatConfig | None
        self.alipay_config: AlipayConfig | None
        self.oauth: OAuthConfig | None = None  # JSAPI's openid (WeChat web authorisation); None: not offered
        if settings.payments_provider == "live":
            self._sandbox: SandboxGateway | None = None
            self.wechat_config, self.alipay_config = live.wechat_config(settings), live.alipay_config(settings)
            if self.wechat_config and settings.payments_wechat_app_secret:
                self.oauth = OAuthConfig(self.wechat_config.appid,
                                         settings.payments_wechat_app_secret.get_secret_value())
            if self.wechat_config is None and self.alipay_config is None:
                raise live.LiveConfigError("TUCAI_PAYMENTS_PROVIDER=live but neither WeChat Pay "
                                           "(TUCAI_PAYMENTS_WECHAT_*) nor Alipay (TUCAI_PAYMENTS_ALIPAY_*) is set")
        else:
            keys = SandboxKeys.load_or_create(settings.data_dir)
            self._sandbox = SandboxGateway(keys, send=self._send)
            self.wechat_config = keys.wechat_config(SANDBOX_BASE + "/wechat")
            self.alipay_config = keys.alipay_config(SANDBOX_BASE + "/alipay/gateway.do")
            self.oauth = OAuthConfig(
                self.wechat_config.appid, SANDBOX_APP_SECRET,
                authorize_url=settings.public_base_url.rstrip("/") + SANDBOX_BASE + "/wechat/connect/oauth2/authorize",
                token_url=SANDBOX_BASE + "/wechat/sns/oauth2/access_token")
        self._wechat_verifier = WeChatVerifier(self.wechat_config) if self.wechat_config else None

    @property
    def sandbox(self) -> SandboxGateway:
        if self._sandbox is None:
            raise RuntimeError("no sandbox gateway: TUCAI_PAYMENTS_PROVIDER is live")
        return self._sandbox

    def client(self) -> httpx.AsyncClient:
        """A client for the providers' APIs: the sandbox lives in the payments service itself; the live providers
        are absolute URLs."""
        if self._sandbox is None:
            return httpx.AsyncClient(timeout=10.0)
        return make_client("payments", self.settings.service_url("payments"), self.runtime.local_apps.get("payments"))

    def offers(self, provider: Provider) -> bool:
        return (self.wechat_config if provider is Provider.WECHAT else self.alipay_config) is not None

    def adapter(self, provider: Provider, client: httpx.AsyncClient) -> PaymentProvider:
        if provider is Provider.WECHAT and self.wechat_config is not None:
            return WeChatPay(self.wechat_config, client)
        if provider is Provider.ALIPAY and self.alipay_config is not None:
            return Alipay(self.alipay_config, client)
        raise channel_unavailable()

    def notify_url(self, provider: Provider) -> str:
        return f"{self.settings.public_base_url.rstrip('/')}/api/payments/v1/notify/{provider.value}"

    def parse_notification(self, provider: Provider, body: bytes, headers: Mapping[str, str],
                           now: datetime | None = None) -> VerifiedNotification:
        """Pure CPU, no client needed: verify (and decrypt) one notification or raise NotificationRejected."""
        if provider is Provider.WECHAT and self.wechat_config is not None and self._wechat_verifier is not None:
            return wechat.parse_notification(self.wechat_config, self._wechat_verifier, body, headers, now)
        if provider is Provider.ALIPAY and self.alipay_config is not None:
            return alipay.parse_notification(self.alipay_config, body)
        raise NotificationRejected(RejectCode.UNKNOWN_SERIAL, f"{provider.value} is not configured here")

    @staticmethod
    def ack(provider: Provider, ok: bool, status: int = 400) -> Ack:
        return wechat.ack(ok, status) if provider is Provider.WECHAT else alipay.ack(ok, status)

    async def _send(self, url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        """The sandbox delivers a notification to our notify URL: same process, or over HTTP."""
        parts = urlsplit(url)
        async with self.client() as client:
            response = await client.post(parts.path, headers=dict(headers), content=body)
        return response.status_code, response.content


def channel_unavailable() -> TucaiError:
    return TucaiError("payment_channel_unavailable", "该支付方式暂未开通，请选择其他支付方式",
                      "This payment method is not offered here; choose another", status=409)


_SETS: dict[int, ProviderSet] = {}


def provider_set(settings: Settings, runtime: Runtime) -> ProviderSet:
    """One set per runtime (the sandbox's orders live in memory and must be shared by routes and jobs)."""
    key = id(runtime)
    if key not in _SETS or _SETS[key].runtime is not runtime:
        _SETS[key] = ProviderSet(settings, runtime)
    return _SETS[key]
