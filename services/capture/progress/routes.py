"""The school progress's HTTP route: by college and class, for the school and the agency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from services.capture.progress import service
from services.capture.progress.schemas import ClassCaptureProgressOut, ProgressTotals, SchoolProgress
from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role

router = ServiceRouter(prefix="/v1", tags=["capture"], responses={
    401: {"model": Problem}, 403: {"model": Problem}, 422: {"model": Problem}})

Reader = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN, Role.AGENCY_ADMIN, Role.PROVINCE_REVIEWER))]


@router.get("/progress", response_model=SchoolProgress,
            summary="A school's capture progress by college and class: approved, checked in, photographed, confirmed")
def school_progress(principal: Reader, uow: UoW,
                    school_code: Annotated[str | None, Query(pattern=r"^\d{5}$")] = None,
                    term: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None) -> SchoolProgress:
    result = service.progress(uow, principal, school_code, term)
    rows = result.classes
    classes = [ClassCaptureProgressOut(**vars(r)) for r in rows]
    totals = ProgressTotals(approved=sum(r.approved for r in rows), checked_in=sum(r.checked_in for r in rows),
                            photographed=sum(r.photographed for r in rows),
                            confirmed=sum(r.confirmed for r in rows))
    return SchoolProgress(school_code=result.school_code, term=term, classes=classes, totals=totals)
