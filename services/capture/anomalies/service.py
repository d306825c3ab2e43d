"""The anomalies' rules. Raising one records it and emits AnomalyRaised in the caller's unit of work; the caller
then refuses with keep_changes=True so the record survives the refusal."""

from __future__ import annotations

import structlog

from services.capture.anomalies import repository as repo
from services.capture.events import AnomalyRaised, AnomalyResolved
from services.capture.models import Anomaly, utcnow
from services.kernel.errors import Conflict, NotFound
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork

log = structlog.get_logger("tucai.capture.anomalies")


def raise_anomaly(uow: UnitOfWork, kind: str, *, school_code: str, province_code: str, detail: str,
                  reported_by: str, station_id: str | None = None, checkin_id: str | None = None,
                  subject_key: str | None = None, other_subject_key: str | None = None,
                  photo_id: str | None = None) -> Anomaly:
    anomaly = Anomaly(kind=kind, school_code=school_code, province_code=province_code, station_id=station_id,
                      checkin_id=checkin_id, subject_key=subject_key, other_subject_key=other_subject_key,
                      photo_id=photo_id, detail=detail[:400], reported_by=reported_by)
    uow.session.add(anomaly)
    uow.emit(AnomalyRaised(anomaly_id=anomaly.id, kind=kind, school_code=school_code, province_code=province_code,
                           station_id=station_id, subject_key=subject_key))
    # Ids only: the log never carries names or ID numbers.
    log.warning("capture_anomaly", kind=kind, anomaly_id=anomaly.id, station_id=station_id, checkin_id=checkin_id)
    return anomaly


def anomalies(uow: UnitOfWork, principal: Principal, status: str | None, school_code: str | None) -> list[Anomaly]:
    return repo.anomalies(uow.session, principal, status, school_code)


def resolve(uow: UnitOfWork, principal: Principal, anomaly_id: str, resolution: str) -> Anomaly:
    anomaly = repo.anomaly(uow.session, principal, anomaly_id)
    if anomaly is None:
        raise NotFound("anomaly_not_found", "异常记录不存在", "No such anomaly")
    if anomaly.status == "resolved":
        raise Conflict("anomaly_resolved", "该异常已处理", "This anomaly is already resolved")
    anomaly.status, anomaly.resolution = "resolved", resolution
    anomaly.resolved_by, anomaly.resolved_at = principal.username or principal.subject, utcnow()
    uow.session.add(anomaly)
    uow.emit(AnomalyResolved(anomaly_id=anomaly.id, kind=anomaly.kind, school_code=anomaly.school_code,
                             province_code=anomaly.province_code))
    return anomaly
