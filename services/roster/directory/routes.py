"""The directory over HTTP: provinces, agencies, schools, colleges, classes, coordinators."""

from __future__ import annotations

from fastapi import Response, status

from services.kernel.auth import CurrentPrincipal
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.roster.deps import PROBLEMS, PlatformAdmin, ProvinceReviewer, SchoolAdmin
from services.roster.directory import service as directory
from services.roster.directory.schemas import (
    AgencyIn,
    AgencyList,
    AgencyOut,
    CampusIn,
    CampusList,
    CampusOut,
    ClassIn,
    ClassList,
    ClassOut,
    ClassUpdate,
    CollegeIn,
    CollegeList,
    CollegeOut,
    CollegeUpdate,
    CoordinatorIn,
    CoordinatorList,
    CoordinatorOut,
    ProvinceIn,
    ProvinceList,
    ProvinceOut,
    SchoolIn,
    SchoolList,
    SchoolOut,
    SchoolUpdate,
)
from services.roster.models import Coordinator, School, SchoolClass

router = ServiceRouter(prefix="/v1", tags=["directory"], responses=PROBLEMS)


def _school_out(school: School) -> SchoolOut:
    return SchoolOut(code=school.school_code, name=school.name, province_code=school.province_code,
                     contact_recipient=school.contact_recipient, contact_address=school.contact_address,
                     contact_postcode=school.contact_postcode, contact_phone=school.contact_phone,
                     student_second_factor=school.student_second_factor)


@router.get("/provinces", response_model=ProvinceList, summary="Provinces")
def list_provinces(principal: CurrentPrincipal, uow: UoW) -> ProvinceList:
    items = [ProvinceOut(code=p.code, name=p.name) for p in directory.provinces(uow.session, principal)]
    return ProvinceList(items=items, total=len(items))


@router.post("/provinces", response_model=ProvinceOut, status_code=status.HTTP_201_CREATED,
             summary="Add a province (platform admin)")
def create_province(body: ProvinceIn, principal: PlatformAdmin, uow: UoW) -> ProvinceOut:
    province = directory.create_province(uow, body.code, body.name)
    return ProvinceOut(code=province.code, name=province.name)


@router.get("/agencies", response_model=AgencyList, summary="Capture centres in scope")
def list_agencies(principal: CurrentPrincipal, uow: UoW) -> AgencyList:
    items = [AgencyOut(id=a.id, province_code=a.province_code, name=a.name)
             for a in directory.agencies(uow.session, principal)]
    return AgencyList(items=items, total=len(items))


@router.post("/agencies", response_model=AgencyOut, status_code=status.HTTP_201_CREATED,
             summary="Add a capture centre (platform admin)")
def create_agency(body: AgencyIn, principal: PlatformAdmin, uow: UoW) -> AgencyOut:
    agency = directory.create_agency(uow, body.province_code, body.name)
    return AgencyOut(id=agency.id, province_code=agency.province_code, name=agency.name)


@router.get("/schools", response_model=SchoolList, summary="Schools in the caller's scope")
def list_schools(principal: CurrentPrincipal, uow: UoW) -> SchoolList:
    items = [_school_out(s) for s in directory.schools(uow.session, principal)]
    return SchoolList(items=items, total=len(items))


@router.post("/schools", response_model=SchoolOut, status_code=status.HTTP_201_CREATED,
             summary="Add a school (province reviewer in their province, or platform admin)")
def create_school(body: SchoolIn, principal: ProvinceReviewer, uow: UoW) -> SchoolOut:
    school = directory.create_school(uow, principal, body.code, body.name, body.province_code)
    return _school_out(school)


@router.patch("/schools/{school_code}", response_model=SchoolOut,
              summary="Update a school's name, make-up contact and student sign-in factor")
def update_school(school_code: str, body: SchoolUpdate, principal: SchoolAdmin, uow: UoW) -> SchoolOut:
    school = directory.update_school(uow, principal, school_code, body.model_dump(exclude_unset=True))
    return _school_out(school)


@router.get("/campuses", response_model=CampusList, summary="Campuses (校区) of schools in scope")
def list_campuses(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None) -> CampusList:
    items = [CampusOut(id=c.id, school_code=c.school_code, name=c.name)
             for c in directory.campuses(uow.session, principal, school_code)]
    return CampusList(items=items, total=len(items))


@router.post("/campuses", response_model=CampusOut, status_code=status.HTTP_201_CREATED,
             summary="Add a branch campus under the school's own code")
def create_campus(body: CampusIn, principal: SchoolAdmin, uow: UoW) -> CampusOut:
    campus = directory.add_campus(uow, principal, body.name, body.school_code)
    return CampusOut(id=campus.id, school_code=campus.school_code, name=campus.name)


@router.get("/colleges", response_model=CollegeList, summary="Colleges in the caller's scope")
def list_colleges(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None) -> CollegeList:
    items = [CollegeOut.model_validate(c, from_attributes=True)
             for c in directory.colleges(uow.session, principal, school_code)]
    return CollegeList(items=items, total=len(items))


@router.post("/colleges", response_model=CollegeOut, status_code=status.HTTP_201_CREATED,
             summary="Create a college (院系)")
def create_college(body: CollegeIn, principal: SchoolAdmin, uow: UoW) -> CollegeOut:
    college = directory.create_college(uow, principal, body.code, body.name, body.school_code)
    return CollegeOut.model_validate(college, from_attributes=True)


@router.patch("/colleges/{college_id}", response_model=CollegeOut, summary="Rename a college")
def update_college(college_id: str, body: CollegeUpdate, principal: SchoolAdmin, uow: UoW) -> CollegeOut:
    college = directory.update_college(uow, principal, college_id, body.name)
    return CollegeOut.model_validate(college, from_attributes=True)


def _class_out(klass: SchoolClass, students: int = 0) -> ClassOut:
    return ClassOut(id=klass.id, school_code=klass.school_code, college_id=klass.college_id, code=klass.code,
                    name=klass.name, students=students)


@router.get("/classes", response_model=ClassList, summary="Classes in the caller's scope, with student counts")
def list_classes(principal: CurrentPrincipal, uow: UoW, college_id: str | None = None,
                 school_code: str | None = None) -> ClassList:
    items = [_class_out(c.klass, c.students)
             for c in directory.classes(uow.session, principal, college_id, school_code)]
    return ClassList(items=items, total=len(items))


@router.post("/classes", response_model=ClassOut, status_code=status.HTTP_201_CREATED, summary="Create a class")
def create_class(body: ClassIn, principal: SchoolAdmin, uow: UoW) -> ClassOut:
    klass = directory.add_class(uow, principal, body.college_id, body.code, body.name)
    return _class_out(klass)


@router.patch("/classes/{class_id}", response_model=ClassOut, summary="Rename or recode a class")
def update_class(class_id: str, body: ClassUpdate, principal: SchoolAdmin, uow: UoW) -> ClassOut:
    updated = directory.update_class(uow, principal, class_id, body.code, body.name)
    return _class_out(updated.klass, updated.students)


def _coordinator_out(c: Coordinator) -> CoordinatorOut:
    return CoordinatorOut(id=c.id, school_code=c.school_code, college_id=c.college_id, class_id=c.class_id,
                          kind=c.kind, name=c.name, phone=c.phone)


@router.get("/coordinators", response_model=CoordinatorList, summary="College and class coordinators")
def list_coordinators(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None) -> CoordinatorList:
    items = [_coordinator_out(c) for c in directory.coordinators(uow.session, principal, school_code)]
    return CoordinatorList(items=items, total=len(items))


@router.post("/coordinators", response_model=CoordinatorOut, status_code=status.HTTP_201_CREATED,
             summary="Name a coordinator: a teacher per college, two students per class")
def create_coordinator(body: CoordinatorIn, principal: SchoolAdmin, uow: UoW) -> CoordinatorOut:
    coordinator = directory.add_coordinator(uow, principal, body.college_id, body.class_id, body.kind, body.name,
                                             body.phone)
    return _coordinator_out(coordinator)


@router.delete("/coordinators/{coordinator_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a coordinator")
def delete_coordinator(coordinator_id: str, principal: SchoolAdmin, uow: UoW) -> Response:
    directory.remove_coordinator(uow, principal, coordinator_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
