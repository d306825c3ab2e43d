"""Notifications: WeChat verify+decrypt (and Alipay verify) through the provider adapters, beside a bare loop of
the `cryptography` primitives over the same notifications (RSA PKCS#1 v1.5 verify, AES-256-GCM decrypt, json
parse) — the physical limit. The ratio is what the adapter's checks cost on top. N from TUCAI_BENCH_NOTIFY.
The HTTP endpoint figure of issue 12 part 9 (verify + decrypt + apply) comes with the orders layer.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.payments.providers import rsa
from services.payments.providers.alipay import Alipay
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SandboxGateway, SandboxOrder
from services.payments.providers.sandbox_keys import SandboxKeys
from services.payments.providers.wechat import WeChatPay
from tests.bench.common import Row, env_int, rate, write_result

NAME = "notify"
DEFAULT_N = 2000
REPEAT = 3


def run(out_dir: Path) -> dict[str, Any]:
    n = env_int("TUCAI_BENCH_NOTIFY", DEFAULT_N)
    keys = SandboxKeys.load_or_create(out_dir / "cache")
    gateway = SandboxGateway(keys)
    wechat, alipay = [], []
    for k in range(n):
        for provider, bucket in ((Provider.WECHAT, wechat), (Provider.ALIPAY, alipay)):
            gateway.open_order(SandboxOrder(provider, f"BENCH{k:010d}", 1500, "照片采集费", "https://x.test/n"))
            bucket.append(gateway.pay(provider, f"BENCH{k:010d}"))
    wx = WeChatPay(keys.wechat_config("http://sandbox.test"), client=None)  # type: ignore[arg-type]
    ap = Alipay(keys.alipay_config("http://sandbox.test/gateway.do"), client=None)  # type: ignore[arg-type]
    wx_key = rsa.public_key(keys.platform_cert_pem)
    ap_key = rsa.public_key(keys.public("alipay_platform"))
    aes = AESGCM(keys.apiv3_key.encode())

    def bare_wechat() -> None:
        for note in wechat:
            h = note.headers
            message = f"{h['Wechatpay-Timestamp']}\n{h['Wechatpay-Nonce']}\n".encode() + note.body + b"\n"
            wx_key.verify(base64.b64decode(h["Wechatpay-Signature"]), message, padding.PKCS1v15(), hashes.SHA256())
            resource = json.loads(note.body)["resource"]
            json.loads(aes.decrypt(resource["nonce"].encode(), base64.b64decode(resource["ciphertext"]),
                                   resource["associated_data"].encode()))

    def adapter_wechat() -> None:
        for note in wechat:
            wx.parse_notification(note.body, note.headers)

    def bare_alipay() -> None:
        for note in alipay:
            params = dict(parse_qsl(note.body.decode()))
            content = "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in ("sign", "sign_type"))
            ap_key.verify(base64.b64decode(params["sign"]), content.encode(), padding.PKCS1v15(), hashes.SHA256())

    def adapter_alipay() -> None:
        for note in alipay:
            ap.parse_notification(note.body, note.headers)

    best: dict[str, float] = {}
    for _ in range(REPEAT):  # alternate, so both see the same machine
        for name, loop in (("bare_wechat", bare_wechat), ("adapter_wechat", adapter_wechat),
                           ("bare_alipay", bare_alipay), ("adapter_alipay", adapter_alipay)):
            started = time.perf_counter()
            loop()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - started)
    rows = [Row("WeChat verify+decrypt (adapter)", rate(n, best["adapter_wechat"]), "msg/s",
                "bare RSA verify+AES-GCM+json", rate(n, best["bare_wechat"])),
            Row("Alipay verify (adapter)", rate(n, best["adapter_alipay"]), "msg/s",
                "bare parse+sort+RSA verify", rate(n, best["bare_alipay"]))]
    result: dict[str, Any] = {
        "n": n, "rows": [row.as_dict() for row in rows], "seconds": {k: round(v, 4) for k, v in best.items()},
        "main_cost": (f"RSA-2048 verify dominates: {1e6 * best['bare_wechat'] / n:.0f} µs/msg bare, "
                      f"{1e6 * best['adapter_wechat'] / n:.0f} µs/msg through the WeChat adapter (header checks, "
                      "two json parses, ownership checks)"),
        "notes": [f"best of {REPEAT} runs each, alternated; keys cached under {out_dir / 'cache'}"],
    }
    result["path"] = write_result(out_dir, NAME, result)
    return result
