"""Generic reads by column values, always through the tenant-scoping rule: the one way services fetch rows."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from services.kernel.tenancy import Principal, scoped, unscoped_for_system

M = TypeVar("M", bound=SQLModel)


def _where(model: type[M], keys: dict[str, Any]) -> SelectOfScalar[M]:
    stmt = select(model)
    for column, value in keys.items():
        if value is not None:
            stmt = stmt.where(getattr(model, column) == value)
    return stmt


def get_scoped(session: Session, principal: Principal, model: type[M], **keys: Any) -> M | None:
    """One row by column values, if the principal may see it."""
    return session.exec(scoped(_where(model, keys), model, principal)).first()


def list_scoped(session: Session, principal: Principal, model: type[M], *order_by: Any, **filters: Any) -> list[M]:
    """Rows the principal may see; filters whose value is None are ignored."""
    return list(session.exec(scoped(_where(model, filters), model, principal).order_by(*order_by)))


def get_system(session: Session, model: type[M], **keys: Any) -> M | None:
    """One row for work no user drives (event consumers, sign-in, start-up)."""
    return session.exec(unscoped_for_system(_where(model, keys))).first()
