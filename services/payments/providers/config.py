"""Provider configuration as plain frozen dataclasses: the adapters take these, so wiring them to pydantic-settings
(TUCAI_PAYMENTS_WECHAT_* / TUCAI_PAYMENTS_ALIPAY_*) is a one-liner later and tests need no environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

WECHAT_API = "https://api.mch.weixin.qq.com"
ALIPAY_GATEWAY = "https://openapi.alipay.com/gateway.do"


@dataclass(frozen=True)
class WeChatConfig:
    mchid: str
    appid: str
    apiv3_key: str  # 32 ASCII characters: the AES-256-GCM key of notification resources
    merchant_private_key_pem: str  # signs our requests and JSAPI paySign
    merchant_serial: str  # the serial of the merchant API certificate, sent as serial_no
    # Verification keys, chosen by each message's Wechatpay-Serial. During WeChat's certificate → public-key
    # migration both kinds sign callbacks, so both can be configured at once.
    platform_certs_pem: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # serial → cert
    public_keys_pem: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # PUB_KEY_ID_… → key
    api_base: str = WECHAT_API
    timestamp_window_s: int = 300  # the official SDKs refuse messages five minutes or more off


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    app_private_key_pem: str  # signs our requests
    alipay_public_key_pem: str  # verifies notifications and responses (NOT the app's own public key)
    seller_id: str | None = None  # the 2088… partner id; notifications for another seller are refused
    gateway: str = ALIPAY_GATEWAY
