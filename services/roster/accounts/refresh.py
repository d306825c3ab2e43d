"""Refresh tokens: a signed-in session lasts `refresh_token_days` while access tokens last minutes. Each refresh
token works once: using it returns a new access token and a new refresh token of the same family; presenting a used
one again means a copy was stolen, and the whole family is revoked. Signing out revokes the family."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from services.kernel.auth import TokenIssuer
from services.kernel.errors import Unauthorized
from services.kernel.ids import new_id
from services.kernel.tenancy import Principal, Role
from services.roster.accounts import repository as repo
from services.roster.models import RefreshToken


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _claims(principal: Principal) -> dict[str, str | None]:
    return {"sub": principal.subject, "role": principal.role.value, "usr": principal.username,
            "prov": principal.province, "sch": principal.school, "col": principal.college, "cls": principal.klass}


def _principal(claims: dict[str, str | None]) -> Principal:
    return Principal(subject=str(claims["sub"]), role=Role(str(claims["role"])), username=str(claims["usr"] or ""),
                     province=claims.get("prov"), school=claims.get("sch"), college=claims.get("col"),
                     klass=claims.get("cls"))


def new_refresh_token(session: Session, principal: Principal, days: int, family: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(RefreshToken(family=family or new_id(), token_hash=_hash(token), subject=principal.subject,
                             claims=_claims(principal), issued_at=now, expires_at=now + timedelta(days=days)))
    return token


def rotate(session: Session, issuer: TokenIssuer, token: str, days: int) -> tuple[str, str, Principal]:
    """Use a refresh token once: (new access token, new refresh token, principal). Raises a 401 problem."""
    row = repo.refresh_token(session, _hash(token))
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise _refused("refresh_token_invalid", "登录已过期，请重新登录", "The refresh token is invalid or expired")
    if row.used_at is not None:
        _revoke_family(session, row.family, now)
        raise _refused("refresh_token_reused", "登录凭证已被使用过，为安全起见已退出所有相关登录，请重新登录",
                       "The refresh token was already used; its sessions are revoked", keep_changes=True)
    principal = _principal(row.claims)
    if not _still_allowed(session, principal):
        _revoke_family(session, row.family, now)
        raise _refused("refresh_token_invalid", "账号已停用，请联系管理员", "The account is no longer active",
                       keep_changes=True)
    row.used_at = now
    session.add(row)
    successor = new_refresh_token(session, principal, days, family=row.family)
    return issuer.issue(principal), successor, principal


def revoke(session: Session, token: str) -> None:
    """Sign out: the refresh token's family stops working (unknown tokens are ignored: signing out always works)."""
    row = repo.refresh_token(session, _hash(token))
    if row is not None:
        _revoke_family(session, row.family, datetime.now(UTC))


def _revoke_family(session: Session, family: str, now: datetime) -> None:
    for member in repo.refresh_family(session, family):
        if member.revoked_at is None:
            member.revoked_at = now
            session.add(member)


def _still_allowed(session: Session, principal: Principal) -> bool:
    if principal.role == Role.STUDENT:
        return repo.student(session, principal, principal.subject) is not None
    user = repo.user_by_id(session, principal, principal.subject)
    return user is not None and user.is_active


def _refused(code: str, zh: str, en: str, *, keep_changes: bool = False) -> Unauthorized:
    return Unauthorized(code, zh, en, headers={"WWW-Authenticate": "Bearer"}, keep_changes=keep_changes)
