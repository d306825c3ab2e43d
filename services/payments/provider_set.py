"""The payment providers this process talks to, built once per runtime from settings.

Sandbox mode (the default, embedded and tests): the real WeChat Pay and Alipay adapters with the sandbox's test
keys, pointed at the sandbox's HTTP face inside the payments service (/api/payments/sandbox/…), reached in-process
through ASGI when embedded and over HTTP when TUCAI_PAYMENTS_URL is set. One code path either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from services.kernel.runtime import Runtime
from services.kernel.service_client import make_client
from services.kernel.settings import Settings
from services.payments.providers import alipay, wechat
from services.payments.providers.alipay import Alipay
from services.payments.providers.port import (
    Ack,
    Channel,
    PaymentProvider,
    Provider,
    VerifiedNotification,
)
from services.payments.providers.sandbox import SandboxGateway
from services.payments.providers.sandbox_http import PREFIX
from services.payments.providers.sandbox_keys import SandboxKeys
from services.payments.providers.wechat import WeChatPay, WeChatVerifier

SANDBOX_BASE = "/api/payments" + PREFIX
CHANNEL_PROVIDER = {Channel.WECHAT_H5: Provider.WECHAT, Channel.WECHAT_JSAPI: Provider.WECHAT,
                    Channel.ALIPAY_WAP: Provider.ALIPAY}


class ProviderSet:
    def __init__(self, settings: Settings, runtime: Runtime) -> None:
        if settings.payments_provider != "sandbox":
            raise RuntimeError("only TUCAI_PAYMENTS_PROVIDER=sandbox is wired so far (live keys: not yet)")
        self.settings = settings
        self.runtime = runtime
        self.keys = SandboxKeys.load_or_create(settings.data_dir)
        self.sandbox = SandboxGateway(self.keys, send=self._send)
        self.wechat_config = self.keys.wechat_config(SANDBOX_BASE + "/wechat")
        self.alipay_config = self.keys.alipay_config(SANDBOX_BASE + "/alipay/gateway.do")
        self._wechat_verifier = WeChatVerifier(self.wechat_config)

    def client(self) -> httpx.AsyncClient:
        """A client for the providers' APIs (the sandbox lives in the payments service itself)."""
        return make_client("payments", self.settings.service_url("payments"), self.runtime.local_apps.get("payments"))

    def adapter(self, provider: Provider, client: httpx.AsyncClient) -> PaymentProvider:
        if provider is Provider.WECHAT:
            return WeChatPay(self.wechat_config, client)
        return Alipay(self.alipay_config, client)

    def notify_url(self, provider: Provider) -> str:
        return f"{self.settings.public_base_url.rstrip('/')}/api/payments/v1/notify/{provider.value}"

    def parse_notification(self, provider: Provider, body: bytes, headers: Mapping[str, str],
                           now: datetime | None = None) -> VerifiedNotification:
        """Pure CPU, no client needed: verify (and decrypt) one notification or raise NotificationRejected."""
        if provider is Provider.WECHAT:
            return wechat.parse_notification(self.wechat_config, self._wechat_verifier, body, headers, now)
        return alipay.parse_notification(self.alipay_config, body)

    @staticmethod
    def ack(provider: Provider, ok: bool, status: int = 400) -> Ack:
        return wechat.ack(ok, status) if provider is Provider.WECHAT else alipay.ack(ok, status)

    async def _send(self, url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        """The sandbox delivers a notification to our notify URL: same process, or over HTTP."""
        parts = urlsplit(url)
        async with self.client() as client:
            response = await client.post(parts.path, headers=dict(headers), content=body)
        return response.status_code, response.content


_SETS: dict[int, ProviderSet] = {}


def provider_set(settings: Settings, runtime: Runtime) -> ProviderSet:
    """One set per runtime (the sandbox's orders live in memory and must be shared by routes and jobs)."""
    key = id(runtime)
    if key not in _SETS or _SETS[key].runtime is not runtime:
        _SETS[key] = ProviderSet(settings, runtime)
    return _SETS[key]
