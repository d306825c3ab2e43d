"""The payers' HTTP routes: parse, call the service, translate to schemas. Paths, function names and the
"payments" tag make the OpenAPI operation ids the SPA's generated client calls; keep them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role
from services.payments.payers import service
from services.payments.payers.schemas import PayerList, PayerOut

router = ServiceRouter(prefix="/v1", tags=["payments"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}})

FeeStaff = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN, Role.SCHOOL_ADMIN, Role.CLASS_MONITOR))]


@router.get("/payers", response_model=PayerList, summary="Approved students who may owe the capture fee (masked)")
def list_payers(principal: FeeStaff, uow: UoW, school_code: str | None = None) -> PayerList:
    items = [PayerOut(subject_key=p.subject_key, school_code=p.school_code, class_no=p.class_no,
                      masked_name=p.masked_name) for p in service.payers(uow, principal, school_code)]
    return PayerList(items=items, total=len(items))
