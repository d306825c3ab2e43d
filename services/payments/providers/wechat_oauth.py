"""WeChat web authorisation (网页授权, scope snsapi_base). Inside WeChat, JSAPI pay needs the payer's openid under
our appid: the phone is sent to WeChat's authorize page, comes back to us with a one-time code, and the server
exchanges the code for the openid with the official account's AppSecret (which never reaches the phone)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from services.payments.providers.port import ProviderError

AUTHORIZE_URL = "https://open.weixin.qq.com/connect/oauth2/authorize"
TOKEN_URL = "https://api.weixin.qq.com/sns/oauth2/access_token"


@dataclass(frozen=True)
class OAuthConfig:
    appid: str
    secret: str
    authorize_url: str = AUTHORIZE_URL  # where the phone goes (absolute)
    token_url: str = TOKEN_URL  # where the server exchanges the code


def authorize_url(config: OAuthConfig, redirect_uri: str, state: str) -> str:
    query = urlencode({"appid": config.appid, "redirect_uri": redirect_uri, "response_type": "code",
                       "scope": "snsapi_base", "state": state})
    return f"{config.authorize_url}?{query}#wechat_redirect"  # WeChat asks for the fragment


async def openid_for(config: OAuthConfig, client: httpx.AsyncClient, code: str) -> str:
    """The openid behind a one-time code; WeChat's errcode (40029 invalid, 40163 used) as a ProviderError."""
    try:
        response = await client.get(config.token_url, params={
            "appid": config.appid, "secret": config.secret, "code": code, "grant_type": "authorization_code"})
        document = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderError("transport", str(error)) from None
    openid = document.get("openid") if isinstance(document, dict) else None
    if not isinstance(openid, str) or not openid:
        errcode = document.get("errcode", "no_openid") if isinstance(document, dict) else "no_openid"
        raise ProviderError(str(errcode), str(document)[:200])
    return openid
