"""The state that ties WeChat's redirect back to the student who left for it (WeChat allows 128 characters, so a
compact HMAC rather than a JWT), and the return address, which must stay on our own site."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime

from services.kernel.errors import TucaiError

STATE_SECONDS = 600  # the student has ten minutes to come back from WeChat's authorize page
_BACK = re.compile(r"^/[A-Za-z0-9/_.-]{0,199}$")


def _mac(key: bytes, subject: str, expires: int) -> str:
    digest = hmac.new(key, f"wechat-oauth|{subject}|{expires}".encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_state(key: bytes, subject: str, now: datetime) -> str:
    expires = int(now.timestamp()) + STATE_SECONDS
    return f"{expires:x}.{_mac(key, subject, expires)}"


def check_state(key: bytes, subject: str, state: str, now: datetime) -> None:
    """The state was made for this student and has not expired; otherwise a 422 (a forged or stale return)."""
    expires_hex, _, mac = state.partition(".")
    try:
        expires = int(expires_hex, 16)
    except ValueError:
        expires = 0
    # Bytes, not str: compare_digest refuses non-ASCII text, and a forged state may be anything.
    given = mac.encode("utf-8", "replace")
    if not mac or not hmac.compare_digest(given, _mac(key, subject, expires).encode()) or expires < now.timestamp():
        raise TucaiError("oauth_state_invalid", "微信授权已过期或无效，请重新进入支付页面",
                         "The WeChat authorisation is stale or not yours; open the pay page again", status=422)


def return_address(public_base_url: str, back: str) -> str:
    """Where WeChat sends the student back: a path of our own site, never another host."""
    if not _BACK.match(back) or "//" in back or ".." in back:
        raise TucaiError("oauth_return_invalid", "返回地址无效", "The return address must be a path of this site",
                         status=422)
    return public_base_url.rstrip("/") + back
