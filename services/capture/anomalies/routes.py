"""The anomaly queue's HTTP routes: the agency sees and resolves; a school sees its own."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.capture.anomalies import service
from services.capture.anomalies.schemas import AnomalyList, AnomalyOut, ResolveIn
from services.capture.models import Anomaly
from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role

router = ServiceRouter(prefix="/v1", tags=["capture"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}})

Agency = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN))]
Viewer = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN, Role.SCHOOL_ADMIN))]


def anomaly_out(a: Anomaly) -> AnomalyOut:
    return AnomalyOut.model_validate(a, from_attributes=True)


@router.get("/anomalies", response_model=AnomalyList, summary="The anomaly queue, newest first")
def list_anomalies(principal: Viewer, uow: UoW, status: str | None = None,
                   school_code: str | None = None) -> AnomalyList:
    items = [anomaly_out(a) for a in service.anomalies(uow, principal, status, school_code)]
    return AnomalyList(items=items, total=len(items))


@router.post("/anomalies/{anomaly_id}/resolve", response_model=AnomalyOut, responses={409: {"model": Problem}},
             summary="Resolve an anomaly with a reason")
def resolve_anomaly(anomaly_id: str, body: ResolveIn, principal: Agency, uow: UoW) -> AnomalyOut:
    return anomaly_out(service.resolve(uow, principal, anomaly_id, body.resolution))
