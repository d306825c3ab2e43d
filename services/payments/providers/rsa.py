"""SHA256withRSA (PKCS#1 v1.5) as both providers use it, over the `cryptography` primitives."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


@lru_cache(maxsize=64)
def private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(_pem(pem, "PRIVATE KEY").encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


@lru_cache(maxsize=64)
def public_key(pem: str) -> rsa.RSAPublicKey:
    """A PEM public key, a bare Base64 one (as Alipay's console shows it) or an X.509 certificate."""
    key: object
    if "BEGIN CERTIFICATE" in pem:
        key = x509.load_pem_x509_certificate(pem.encode()).public_key()
    else:
        key = serialization.load_pem_public_key(_pem(pem, "PUBLIC KEY").encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def _pem(text: str, kind: str) -> str:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return text
    return f"-----BEGIN {kind}-----\n{text}\n-----END {kind}-----\n"


def sign(key_pem: str, message: bytes) -> str:
    raw = private_key(key_pem).sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode("ascii")


def verify(key: rsa.RSAPublicKey, message: bytes, signature_b64: str) -> bool:
    try:
        raw = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
