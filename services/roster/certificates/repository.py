"""Make-up certificates' SQL."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from services.kernel.queries import get_scoped, list_scoped
from services.kernel.tenancy import Principal, unscoped_for_system
from services.roster.models import Certificate


def certificate(session: Session, principal: Principal, number: str) -> Certificate | None:
    return get_scoped(session, principal, Certificate, number=number)


def student_certificates(session: Session, principal: Principal, student_id: str) -> list[Certificate]:
    return list_scoped(session, principal, Certificate, Certificate.issued_at, student_id=student_id)


def certificate_count(session: Session, school_code: str, year_prefix: str) -> int:
    stmt = unscoped_for_system(select(func.count()).select_from(Certificate).where(
        Certificate.school_code == school_code, Certificate.number.like(f"%-{school_code}-{year_prefix}-%")))  # type: ignore[attr-defined]
    return int(session.exec(stmt).one())
