"""All of the anomalies feature's SQL."""

from __future__ import annotations

from sqlmodel import Session, col, select

from services.capture.models import Anomaly
from services.kernel.tenancy import Principal, scoped


def anomalies(session: Session, principal: Principal, status: str | None, school_code: str | None) -> list[Anomaly]:
    stmt = scoped(select(Anomaly), Anomaly, principal)
    if status:
        stmt = stmt.where(col(Anomaly.status) == status)
    if school_code:
        stmt = stmt.where(col(Anomaly.school_code) == school_code)
    return list(session.exec(stmt.order_by(col(Anomaly.created_at).desc()).limit(500)))


def anomaly(session: Session, principal: Principal, anomaly_id: str) -> Anomaly | None:
    return session.exec(scoped(select(Anomaly).where(col(Anomaly.id) == anomaly_id), Anomaly, principal)).first()
