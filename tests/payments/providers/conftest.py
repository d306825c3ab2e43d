"""One set of sandbox keys per test session (RSA generation is the slow part), and a gateway per test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from services.payments.providers.config import AlipayConfig, WeChatConfig
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SandboxGateway, SandboxOrder
from services.payments.providers.sandbox_keys import SandboxKeys

NOTIFY = "https://tucai.test/api/payments/notify"


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> SandboxKeys:
    return SandboxKeys.load_or_create(tmp_path_factory.mktemp("data"))


@pytest.fixture
def gateway(keys: SandboxKeys) -> Iterator[SandboxGateway]:
    yield SandboxGateway(keys)


@pytest.fixture
def wechat_config(keys: SandboxKeys) -> WeChatConfig:
    return keys.wechat_config("http://sandbox.test")


@pytest.fixture
def alipay_config(keys: SandboxKeys) -> AlipayConfig:
    return keys.alipay_config("http://sandbox.test/gateway.do")


def paid_order(gateway: SandboxGateway, provider: Provider, no: str = "STU250901ABCDEF", fen: int = 1500,
               ) -> SandboxOrder:
    gateway.open_order(SandboxOrder(provider, no, fen, "照片采集费", NOTIFY))
    gateway.pay(provider, no)
    return gateway.orders[(provider, no)]


def now() -> datetime:
    return datetime.now(UTC)
