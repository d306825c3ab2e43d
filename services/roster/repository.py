"""All of roster's SQL. Reads on behalf of a user go through tenancy.scoped(); system reads say so."""

from __future__ import annotations

from sqlmodel import Session, func, select

from services.kernel.tenancy import Principal, scoped, unscoped_for_system
from services.roster.models import College, Province, School, UserAccount


def user_by_username(session: Session, username: str) -> UserAccount | None:
    # Login happens before there is a principal: a system read by design.
    return session.exec(unscoped_for_system(select(UserAccount).where(UserAccount.username == username))).first()


def user_by_id(session: Session, principal: Principal, user_id: str) -> UserAccount | None:
    stmt = scoped(select(UserAccount).where(UserAccount.id == user_id), UserAccount, principal)
    return session.exec(stmt).first()


def province(session: Session, code: str) -> Province | None:
    return session.get(Province, code)


def schools(session: Session, principal: Principal) -> list[School]:
    return list(session.exec(scoped(select(School), School, principal).order_by(School.school_code)))


def school(session: Session, principal: Principal, code: str) -> School | None:
    return session.exec(scoped(select(School).where(School.school_code == code), School, principal)).first()


def school_for_system(session: Session, code: str) -> School | None:
    return session.exec(unscoped_for_system(select(School).where(School.school_code == code))).first()


def colleges(session: Session, principal: Principal, school_code: str | None = None) -> list[College]:
    stmt = scoped(select(College), College, principal)
    if school_code:
        stmt = stmt.where(College.school_code == school_code)
    return list(session.exec(stmt.order_by(College.school_code, College.code)))


def college_code_taken(session: Session, school_code: str, code: str) -> bool:
    stmt = unscoped_for_system(
        select(func.count()).select_from(College).where(College.school_code == school_code, College.code == code))
    return session.exec(stmt).one() > 0


def has_any_school(session: Session) -> bool:
    return session.exec(unscoped_for_system(select(func.count()).select_from(School))).one() > 0
