"""Request and response bodies of WeChat web authorisation."""

from __future__ import annotations

from pydantic import BaseModel, Field


class WeChatAuthorize(BaseModel):
    """Send the phone to `url` (WeChat's authorize page); it comes back to the return path with `code` and
    `state` in the query."""

    url: str


class OpenidIn(BaseModel):
    code: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")
    state: str = Field(min_length=1, max_length=128)


class WeChatOpenid(BaseModel):
    """The payer's openid under our appid: pass it as `openid` when paying with channel wechat_jsapi."""

    openid: str
