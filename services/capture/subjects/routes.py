"""The subjects' HTTP routes: parse, call the service, translate to schemas. Paths, function names and the
"capture" tag make the OpenAPI operation ids the SPA's generated client calls; keep them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.capture.subjects import service
from services.capture.subjects.schemas import SubjectList, SubjectOut
from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role

router = ServiceRouter(prefix="/v1", tags=["capture"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}})

CaptureStaff = Annotated[Principal, Depends(require_roles(
    Role.AGENCY_ADMIN, Role.PHOTOGRAPHER, Role.SCHOOL_ADMIN, Role.COLLEGE_COORDINATOR, Role.CLASS_MONITOR))]


@router.get("/subjects", response_model=SubjectList,
            summary="Approved students who may be photographed, masked, in queue order")
def list_subjects(principal: CaptureStaff, uow: UoW, school_code: str | None = None,
                  class_id: str | None = None) -> SubjectList:
    items = [SubjectOut(subject_key=s.subject_key, school_code=s.school_code, college_name=s.college_name,
                        class_no=s.class_no, roster_order=s.roster_order, masked_name=s.masked_name,
                        masked_id_number=s.masked_id_number, sex=s.sex, level=s.level,
                        has_capture_code=bool(s.capture_code), makeup_certified_at=s.makeup_certified_at)
             for s in service.subjects(uow, principal, school_code, class_id)]
    return SubjectList(items=items, total=len(items))
