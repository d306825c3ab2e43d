"""The sandbox's test keys: generated at first use under the data dir (mode 0600), never committed.

Five RSA keys play every role of the real protocols: our WeChat merchant key, WeChat's platform certificate (a
self-signed X.509 with a hex serial), WeChat's `PUB_KEY_ID_…` public key, our Alipay app key and Alipay's own key;
plus a 32-character APIv3 key. The merchant-side configs the adapters take come from here too, so in embedded
mode the real adapters run unchanged against the sandbox.
"""

from __future__ import annotations

import json
import os
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa as rsa_types
from cryptography.x509.oid import NameOID

from services.payments.providers.config import AlipayConfig, WeChatConfig

ROLES = ("wechat_merchant", "wechat_platform", "wechat_pubkey", "alipay_app", "alipay_platform")
MCHID = "1900000001"
WECHAT_APPID = "wx0000000000000001"
ALIPAY_APP_ID = "2021000000000001"
ALIPAY_SELLER_ID = "2088000000000001"
SANDBOX_APP_SECRET = "sandbox-official-account-secret"  # the sandbox's AppSecret (web authorisation)
PUB_KEY_ID = "PUB_KEY_ID_0000000000000024101100397200000006"  # the documented shape, a test value


def _private_pem(key: rsa_types.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _certificate(private_pem: str) -> tuple[str, str]:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa_types.RSAPrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA (tucai sandbox)")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode(), format(cert.serial_number, "X")


@dataclass(frozen=True)
class SandboxKeys:
    private: MappingProxyType[str, str]  # role → PKCS#8 PEM
    platform_cert_pem: str
    platform_serial: str  # upper-case hex, as WeChat writes serials
    apiv3_key: str
    merchant_serial: str

    @classmethod
    def load_or_create(cls, data_dir: Path) -> SandboxKeys:
        folder = data_dir / "payments-sandbox"
        path = folder / "keys.json"
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            private = {role: _private_pem(rsa_types.generate_private_key(65537, 2048)) for role in ROLES}
            cert_pem, serial = _certificate(private["wechat_platform"])
            alphabet = string.ascii_letters + string.digits
            document = {"private": private, "platform_cert_pem": cert_pem, "platform_serial": serial,
                        "apiv3_key": "".join(secrets.choice(alphabet) for _ in range(32)),
                        "merchant_serial": secrets.token_hex(20).upper()}
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(document, f)
            tmp.replace(path)  # atomic: two processes starting at once never see half a file
        document = json.loads(path.read_text(encoding="utf-8"))
        return cls(private=MappingProxyType(document["private"]), platform_cert_pem=document["platform_cert_pem"],
                   platform_serial=document["platform_serial"], apiv3_key=document["apiv3_key"],
                   merchant_serial=document["merchant_serial"])

    def public(self, role: str) -> str:
        return public_pem(self.private[role])

    def wechat_config(self, api_base: str, cert: bool = True, pubkey: bool = True) -> WeChatConfig:
        """What a merchant would configure for this sandbox (both verification modes by default)."""
        return WeChatConfig(
            mchid=MCHID, appid=WECHAT_APPID, apiv3_key=self.apiv3_key,
            merchant_private_key_pem=self.private["wechat_merchant"], merchant_serial=self.merchant_serial,
            platform_certs_pem=MappingProxyType({self.platform_serial: self.platform_cert_pem} if cert else {}),
            public_keys_pem=MappingProxyType({PUB_KEY_ID: self.public("wechat_pubkey")} if pubkey else {}),
            api_base=api_base)

    def alipay_config(self, gateway: str) -> AlipayConfig:
        return AlipayConfig(app_id=ALIPAY_APP_ID, app_private_key_pem=self.private["alipay_app"],
                            alipay_public_key_pem=self.public("alipay_platform"), seller_id=ALIPAY_SELLER_ID,
                            gateway=gateway)
