"""Scheduling's HTTP routes."""

from __future__ import annotations

from fastapi import APIRouter

from services.kernel.auth import CurrentPrincipal
from services.kernel.errors import NotFound, Problem
from services.kernel.service import UoW
from services.scheduling import repository as repo
from services.scheduling.schemas import ClassList, ClassOut, CollegeList, CollegeOut, SchoolSummary

router = APIRouter(prefix="/v1", tags=["directory"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}})


@router.get("/colleges", response_model=CollegeList, summary="Colleges known to scheduling, in scope")
def list_colleges(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None) -> CollegeList:
    items = [CollegeOut(id=c.college_id, school_code=c.school_code, code=c.code, name=c.name)
             for c in repo.colleges(uow.session, principal, school_code)]
    return CollegeList(items=items, total=len(items))


@router.get("/schools/{school_code}/summary", response_model=SchoolSummary, summary="A school at a glance")
def school_summary(school_code: str, principal: CurrentPrincipal, uow: UoW) -> SchoolSummary:
    school = repo.school(uow.session, principal, school_code)
    if school is None:
        raise NotFound("school_not_found", "学校不存在或无权访问", "No such school in your scope")
    return SchoolSummary(school_code=school.school_code, name=school.name, province_code=school.province_code,
                         colleges=school.college_count,
                         approved_students=repo.approved_count(uow.session, principal, school_code))


@router.get("/classes", response_model=ClassList, summary="Classes with their approved students, in scope")
def list_classes(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None) -> ClassList:
    items = [ClassOut(id=c.class_id, school_code=c.school_code, college_id=c.college_id, code=c.code, name=c.name,
                      approved_students=n) for c, n in repo.classes(uow.session, principal, school_code)]
    return ClassList(items=items, total=len(items))
