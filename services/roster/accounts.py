"""Sign-in for staff accounts and who the caller is."""

from __future__ import annotations

from sqlmodel import Session

from services.kernel.auth import TokenIssuer, hash_password, verify_password
from services.kernel.errors import TucaiError, Unauthorized
from services.kernel.tenancy import ROLE_LABELS, Principal, Role
from services.roster import repository as repo
from services.roster.schemas import Me, Token

# Verifying against a fixed hash when the user is unknown keeps response times alike (no user probing).
_DUMMY_HASH = hash_password("no-such-user")


def sign_in(session: Session, issuer: TokenIssuer, username: str, password: str, demo_mode: bool) -> Token:
    user = repo.user_by_username(session, username.strip())
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        raise _invalid()
    if not verify_password(user.password_hash, password):
        raise _invalid()
    if user.is_demo and not demo_mode:
        raise TucaiError("demo_login_disabled", "演示账号仅在演示模式下可用",
                         "Demo accounts work only in demo mode", status=403)
    principal = Principal(subject=user.id, role=Role(user.role), username=user.username,
                          province=user.province_code, school=user.school_code)
    return Token(access_token=issuer.issue(principal), expires_in=issuer.ttl_seconds)


def _invalid() -> Unauthorized:
    return Unauthorized("invalid_credentials", "用户名或密码错误", "Wrong username or password",
                        headers={"WWW-Authenticate": "Bearer"})


def me(session: Session, principal: Principal) -> Me:
    user = repo.user_by_id(session, principal, principal.subject)
    province = repo.province(session, principal.province) if principal.province else None
    school = repo.school(session, principal, principal.school) if principal.school else None
    return Me(
        username=principal.username,
        display_name=user.display_name if user else principal.username,
        role=principal.role.value,
        role_label=ROLE_LABELS[principal.role],
        province_code=principal.province,
        province_name=province.name if province else None,
        school_code=principal.school,
        school_name=school.name if school else None,
    )
