"""WeChat web authorisation over HTTP: where to send the phone, and the code it brings back → the openid."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Query

from services.kernel.auth import require_roles
from services.kernel.errors import Problem, TucaiError
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context
from services.kernel.tenancy import Principal, Role
from services.payments.provider_set import provider_set
from services.payments.providers.port import ProviderError
from services.payments.providers.wechat_oauth import OAuthConfig, authorize_url, openid_for
from services.payments.wechat_identity import service
from services.payments.wechat_identity.schemas import OpenidIn, WeChatAuthorize, WeChatOpenid

router = ServiceRouter(prefix="/v1", tags=["payments"], responses={
    401: {"model": Problem}, 403: {"model": Problem}, 409: {"model": Problem}, 422: {"model": Problem},
    502: {"model": Problem}})

StudentCaller = Annotated[Principal, Depends(require_roles(Role.STUDENT))]


def _oauth(ctx: Context) -> OAuthConfig:
    oauth = provider_set(ctx.settings, ctx.runtime).oauth
    if oauth is None:
        raise TucaiError("wechat_oauth_unavailable", "未开通微信内支付，请在浏览器中打开或使用其他支付方式",
                         "Paying inside WeChat is not configured; use another channel", status=409)
    return oauth


@router.get("/wechat/authorize", response_model=WeChatAuthorize,
            summary="Inside WeChat: where to send the phone to learn the payer's openid (JSAPI pay)")
def wechat_authorize(principal: StudentCaller, ctx: Context,
                     back: Annotated[str, Query(max_length=200, description="our path to come back to")] = "/m/pay",
                     ) -> WeChatAuthorize:
    oauth = _oauth(ctx)
    state = service.make_state(ctx.settings.signing_key(), principal.subject, datetime.now(UTC))
    return WeChatAuthorize(url=authorize_url(oauth, service.return_address(ctx.settings.public_base_url, back), state))


@router.post("/wechat/openid", response_model=WeChatOpenid,
             summary="The code WeChat brought back → the payer's openid (once per code)")
async def wechat_openid(body: OpenidIn, principal: StudentCaller, ctx: Context) -> WeChatOpenid:
    oauth = _oauth(ctx)
    service.check_state(ctx.settings.signing_key(), principal.subject, body.state, datetime.now(UTC))
    providers = provider_set(ctx.settings, ctx.runtime)
    try:
        async with providers.client() as client:
            return WeChatOpenid(openid=await openid_for(oauth, client, body.code))
    except ProviderError as error:
        raise TucaiError("wechat_oauth_failed", "微信授权失败（授权码无效或已使用），请重新进入支付页面",
                         f"WeChat refused the code ({error.code}); open the pay page again", status=502) from None
