"""Errata's SQL."""

from __future__ import annotations

from sqlmodel import Session, col

from services.kernel.queries import get_scoped, list_scoped
from services.kernel.tenancy import Principal
from services.roster.models import Erratum


def errata(session: Session, principal: Principal, status: str | None, student_id: str | None) -> list[Erratum]:
    return list_scoped(session, principal, Erratum, col(Erratum.requested_at).desc(),
                       status=status, student_id=student_id)


def erratum(session: Session, principal: Principal, erratum_id: str) -> Erratum | None:
    return get_scoped(session, principal, Erratum, id=erratum_id)
