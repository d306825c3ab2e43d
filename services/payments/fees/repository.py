"""All of the fee profiles' SQL."""

from __future__ import annotations

from sqlmodel import Session

from services.kernel.queries import get_scoped, get_system, list_scoped
from services.kernel.tenancy import Principal
from services.payments.models import FeeProfile, Payer


def profiles(session: Session, principal: Principal, school_code: str | None, term: str | None) -> list[FeeProfile]:
    return list_scoped(session, principal, FeeProfile, FeeProfile.school_code, FeeProfile.term,
                       school_code=school_code, term=term)


def profile_in_scope(session: Session, principal: Principal, school_code: str, term: str) -> FeeProfile | None:
    return get_scoped(session, principal, FeeProfile, school_code=school_code, term=term)


def profile_for_system(session: Session, school_code: str, term: str) -> FeeProfile | None:
    """System read: the fee an order is priced at (the caller's own scope was checked on the order)."""
    return get_system(session, FeeProfile, school_code=school_code, term=term)


def province_of_school(session: Session, school_code: str) -> str | None:
    """A school's province as payments knows it (from its approved students); None if none arrived yet."""
    payer = get_system(session, Payer, school_code=school_code)
    return payer.province_code if payer else None
