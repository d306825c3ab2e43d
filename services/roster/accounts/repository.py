"""Accounts' SQL: staff users and the student record a student signs in with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, or_, update
from sqlmodel import Session, col, select

from services.kernel.db import table_of, upsert_insert
from services.kernel.errors import register_conflict
from services.kernel.queries import get_scoped, get_system
from services.kernel.tenancy import Principal
from services.roster.models import RefreshToken, SignInFailure, Student, UserAccount

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


# Sign-in failures are counted before there is a principal: system reads and writes by design.
def sign_in_failure(session: Session, key: str) -> SignInFailure | None:
    return get_system(session, SignInFailure, key=key)


def count_sign_in_failure(session: Session, key: str, now: datetime, window_start_after: datetime) -> int:
    """One more failure for `key`, in one statement that concurrent replicas cannot interleave: a window that
    started before `window_start_after` restarts at 1. Returns the failures in the current window."""
    table = table_of(SignInFailure)
    stale = table.c.window_start < window_start_after
    insert = upsert_insert(session, table).values(key=key, failures=1, window_start=now, locked_until=None)
    counted = insert.on_conflict_do_update(index_elements=[table.c.key], set_={
        "failures": case((stale, 1), else_=table.c.failures + 1),
        "window_start": case((stale, insert.excluded.window_start), else_=table.c.window_start),
    }).returning(table.c.failures)
    return int(session.execute(counted).scalar_one())


def lock_sign_in(session: Session, key: str, until: datetime) -> None:
    session.execute(update(SignInFailure).where(col(SignInFailure.key) == key).values(locked_until=until, failures=0))


def clear_sign_in_failures(session: Session, key: str) -> None:
    session.execute(delete(SignInFailure).where(col(SignInFailure.key) == key))


def prune_sign_in_failures(session: Session, before: datetime) -> None:
    """Forget windows and locks that ended before `before` (made-up names must not pile up)."""
    session.execute(delete(SignInFailure).where(
        col(SignInFailure.window_start) < before,
        or_(col(SignInFailure.locked_until).is_(None), col(SignInFailure.locked_until) < before)))
