"""The payers' rules. Plain functions on a unit of work; they never commit."""

from __future__ import annotations

from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.payments.models import Payer
from services.payments.payers import repository as repo


def payers(uow: UnitOfWork, principal: Principal, school_code: str | None) -> list[Payer]:
    """Approved students in the caller's scope, by school and class."""
    return repo.payers(uow.session, principal, school_code)
