"""The directory's HTTP routes: parse, call the service, translate to schemas. Paths, function names and the
"directory" tag make the OpenAPI operation ids the SPA's generated client calls; keep them."""

from __future__ import annotations

from services.kernel.auth import CurrentPrincipal
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.scheduling.directory import service
from services.scheduling.directory.schemas import ClassList, ClassOut, CollegeList, CollegeOut, SchoolSummary

router = ServiceRouter(prefix="/v1", tags=["directory"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}})


@router.get("/colleges", response_model=CollegeList, summary="Colleges known to scheduling, in scope")
def list_colleges(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None) -> CollegeList:
    items = [CollegeOut(id=c.college_id, school_code=c.school_code, code=c.code, name=c.name)
             for c in service.colleges(uow, principal, school_code)]
    return CollegeList(items=items, total=len(items))


@router.get("/schools/{school_code}/summary", response_model=SchoolSummary, summary="A school at a glance")
def school_summary(school_code: str, principal: CurrentPrincipal, uow: UoW) -> SchoolSummary:
    glance = service.school_at_a_glance(uow, principal, school_code)
    school = glance.school
    return SchoolSummary(school_code=school.school_code, name=school.name, province_code=school.province_code,
                         colleges=school.college_count, approved_students=glance.approved_students)


@router.get("/classes", response_model=ClassList, summary="Classes with their approved students, in scope")
def list_classes(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None) -> ClassList:
    items = [ClassOut(id=c.klass.class_id, school_code=c.klass.school_code, college_id=c.klass.college_id,
                      code=c.klass.code, name=c.klass.name, approved_students=c.approved_students)
             for c in service.classes(uow, principal, school_code)]
    return ClassList(items=items, total=len(items))
