"""Accounts' SQL: staff users and the student record a student signs in with."""

from __future__ import annotations

from sqlmodel import Session, select

from services.kernel.errors import register_conflict
from services.kernel.queries import get_scoped, get_system
from services.kernel.tenancy import Principal
from services.roster.models import RefreshToken, Student, UserAccount

register_conflict("useraccount", "username_taken", "用户名已存在", "The username is taken")


def user_by_username(session: Session, username: str) -> UserAccount | None:
    # Sign-in happens before there is a principal: a system read by design.
    return get_system(session, UserAccount, username=username)


def user_by_id(session: Session, principal: Principal, user_id: str) -> UserAccount | None:
    return get_scoped(session, principal, UserAccount, id=user_id)


def student_for_signin(session: Session, school_code: str, student_no: str) -> Student | None:
    return get_system(session, Student, school_code=school_code, student_no=student_no)


def student(session: Session, principal: Principal, student_id: str) -> Student | None:
    return get_scoped(session, principal, Student, id=student_id)


# Refresh tokens are looked up before there is a principal (the access token has expired): system reads by design.
def refresh_token(session: Session, token_hash: str) -> RefreshToken | None:
    return get_system(session, RefreshToken, token_hash=token_hash)


def refresh_family(session: Session, family: str) -> list[RefreshToken]:
    return list(session.exec(select(RefreshToken).where(RefreshToken.family == family)))
