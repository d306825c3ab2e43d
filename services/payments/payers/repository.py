"""All of the payers feature's SQL (the projection's own writes live in services.roster.projection)."""

from __future__ import annotations

from sqlmodel import Session

from services.kernel.queries import list_scoped
from services.kernel.tenancy import Principal
from services.payments.models import Payer


def payers(session: Session, principal: Principal, school_code: str | None) -> list[Payer]:
    return list_scoped(session, principal, Payer, Payer.school_code, Payer.class_no, school_code=school_code)
