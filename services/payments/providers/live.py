"""The merchant's own provider configuration (TUCAI_PAYMENTS_PROVIDER=live), read once at start-up from settings
and key files. A provider with none of its settings is not offered; one with some but not all of them, or a key
file that cannot be read, stops the start with a message naming the settings to fix."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from services.kernel.settings import Settings
from services.payments.providers.config import AlipayConfig, WeChatConfig


class LiveConfigError(RuntimeError):
    pass


def _env(name: str) -> str:
    return "TUCAI_" + name.upper()


def _read(name: str, path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise LiveConfigError(f"{_env(name)}: cannot read the key file {path} ({error})") from None
    if "-----BEGIN " not in text:
        raise LiveConfigError(f"{_env(name)}: {path} is not a PEM file")
    return text


def _check(provider: str, settings: Settings, required: list[str]) -> bool:
    """True when the provider is configured; False when none of its settings is; an error when only some are."""
    given = [name for name in required if getattr(settings, name) not in (None, "")]
    if not given:
        return False
    if missing := [name for name in required if name not in given]:
        raise LiveConfigError(f"{provider} is partly configured; also set " + ", ".join(map(_env, missing)))
    return True


def _pairs(name: str, value: str) -> dict[str, Path]:
    """`SERIAL=path,SERIAL=path` → {SERIAL: path}."""
    pairs: dict[str, Path] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        serial, sep, path = item.partition("=")
        if not sep or not serial.strip() or not path.strip():
            raise LiveConfigError(f"{_env(name)}: expected SERIAL=/path/to/cert.pem[,…], got {item!r}")
        pairs[serial.strip().upper()] = Path(path.strip())
    return pairs


def wechat_config(settings: Settings) -> WeChatConfig | None:
    required = ["payments_wechat_mchid", "payments_wechat_appid", "payments_wechat_apiv3_key",
                "payments_wechat_private_key_file", "payments_wechat_serial"]
    if not _check("WeChat Pay", settings, required):
        return None
    assert settings.payments_wechat_apiv3_key and settings.payments_wechat_private_key_file  # _check saw them
    apiv3_key = settings.payments_wechat_apiv3_key.get_secret_value()
    if len(apiv3_key.encode()) != 32:
        raise LiveConfigError(f"{_env('payments_wechat_apiv3_key')}: the APIv3 key has 32 ASCII characters")
    certs = {serial: _read("payments_wechat_platform_certs", path)
             for serial, path in _pairs("payments_wechat_platform_certs",
                                        settings.payments_wechat_platform_certs or "").items()}
    public_keys: dict[str, str] = {}
    if settings.payments_wechat_public_key_id or settings.payments_wechat_public_key_file:
        if not (settings.payments_wechat_public_key_id and settings.payments_wechat_public_key_file):
            raise LiveConfigError(f"set both {_env('payments_wechat_public_key_id')} and "
                                  f"{_env('payments_wechat_public_key_file')}")
        public_keys[settings.payments_wechat_public_key_id.upper()] = _read(
            "payments_wechat_public_key_file", settings.payments_wechat_public_key_file)
    if not certs and not public_keys:
        raise LiveConfigError("WeChat Pay needs a key to verify its messages: set "
                              f"{_env('payments_wechat_public_key_id')} and "
                              f"{_env('payments_wechat_public_key_file')}, or "
                              f"{_env('payments_wechat_platform_certs')}")
    return WeChatConfig(
        mchid=str(settings.payments_wechat_mchid), appid=str(settings.payments_wechat_appid), apiv3_key=apiv3_key,
        merchant_private_key_pem=_read("payments_wechat_private_key_file", settings.payments_wechat_private_key_file),
        merchant_serial=str(settings.payments_wechat_serial).upper(), platform_certs_pem=MappingProxyType(certs),
        public_keys_pem=MappingProxyType(public_keys), api_base=settings.payments_wechat_api_base)


def alipay_config(settings: Settings) -> AlipayConfig | None:
    required = ["payments_alipay_app_id", "payments_alipay_private_key_file", "payments_alipay_public_key_file"]
    if not _check("Alipay", settings, required):
        return None
    assert settings.payments_alipay_private_key_file and settings.payments_alipay_public_key_file
    return AlipayConfig(
        app_id=str(settings.payments_alipay_app_id),
        app_private_key_pem=_read("payments_alipay_private_key_file", settings.payments_alipay_private_key_file),
        alipay_public_key_pem=_read("payments_alipay_public_key_file", settings.payments_alipay_public_key_file),
        seller_id=settings.payments_alipay_seller_id, gateway=settings.payments_alipay_gateway)
