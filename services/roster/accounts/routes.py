"""Sign-in for staff and students, the public key set, and who the caller is."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from services.kernel.auth import CurrentPrincipal
from services.kernel.ratelimit import SlidingWindowLimiter
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW
from services.kernel.tenancy import Principal
from services.roster import demo
from services.roster.accounts import refresh as refreshing
from services.roster.accounts import service as accounts
from services.roster.accounts.schemas import (
    DemoAccount,
    DemoStudent,
    JwkSet,
    Me,
    RefreshIn,
    SignInOptions,
    StudentTokenIn,
    Token,
)
from services.roster.deps import PROBLEMS, Issuer

router = ServiceRouter(prefix="/v1/auth", tags=["auth"], responses=PROBLEMS)
me_router = ServiceRouter(prefix="/v1", tags=["auth"], responses=PROBLEMS)

def _limit(request: Request, kind: str) -> None:
    """Per client address: bounds password guessing across accounts (lockout bounds it per student)."""
    limiter: SlidingWindowLimiter = request.app.state.signin_limiter
    limiter.hit(f"{kind}:{request.client.host if request.client else 'unknown'}")


@router.post("/token", response_model=Token, summary="Sign in (OAuth2 password flow)")
def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], uow: UoW, ctx: Context, issuer: Issuer,
            request: Request) -> Token:
    _limit(request, "staff")
    issued = accounts.sign_in(uow.session, issuer, form.username, form.password, ctx.settings.demo)
    return _token(uow, ctx, issued.access_token, issued.expires_in, issued.principal)


@router.post("/student-token", response_model=Token, summary="Student sign-in: school, 学号 and a second factor")
def student_sign_in(body: StudentTokenIn, uow: UoW, ctx: Context, issuer: Issuer, request: Request) -> Token:
    _limit(request, "student")
    issued = accounts.student_sign_in(uow, issuer, body.school_code, body.student_no, body.secret)
    return _token(uow, ctx, issued.access_token, issued.expires_in, issued.principal)


@router.post("/refresh", response_model=Token, summary="A new access token for a refresh token (which is used up)")
def refresh_token(body: RefreshIn, uow: UoW, ctx: Context, issuer: Issuer) -> Token:
    days = ctx.settings.refresh_token_days
    access, successor, _ = refreshing.rotate(uow.session, issuer, body.refresh_token, days)
    return Token(access_token=access, expires_in=issuer.ttl_seconds, refresh_token=successor,
                 refresh_expires_in=days * 86400)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out: the refresh token stops working")
def logout(body: RefreshIn, uow: UoW) -> None:
    refreshing.revoke(uow.session, body.refresh_token)


def _token(uow: UoW, ctx: Context, access: str, expires_in: int, principal: Principal) -> Token:
    days = ctx.settings.refresh_token_days
    return Token(access_token=access, expires_in=expires_in, refresh_expires_in=days * 86400,
                 refresh_token=refreshing.new_refresh_token(uow.session, principal, days))


@router.get("/options", response_model=SignInOptions, summary="What the sign-in page offers (demo accounts)")
def sign_in_options(ctx: Context, uow: UoW) -> SignInOptions:
    if not ctx.settings.demo:
        return SignInOptions(demo=False)
    options = demo.sign_in_options(uow.session)
    return SignInOptions(
        demo=True, demo_password=options.password,
        demo_accounts=[DemoAccount.model_validate(a, from_attributes=True) for a in options.accounts],
        demo_student=DemoStudent.model_validate(options.student, from_attributes=True) if options.student else None)


@router.get("/jwks", response_model=JwkSet, summary="Public keys that verify Tucai tokens")
def jwks(issuer: Issuer) -> JwkSet:
    return JwkSet(keys=issuer.jwks)


@me_router.get("/me", response_model=Me, summary="The signed-in account")
def read_me(principal: CurrentPrincipal, uow: UoW) -> Me:
    return Me.model_validate(accounts.me(uow.session, principal), from_attributes=True)
