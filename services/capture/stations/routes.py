"""The stations' HTTP routes: parse, call the service, translate to schemas."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends

from services.capture.models import Station
from services.capture.stations import service
from services.capture.stations.schemas import (
    CaptureDayIn,
    CaptureDayOut,
    FrontCheckin,
    PhotographerIn,
    QueuedSubject,
    StationBoard,
    StationList,
    StationOut,
)
from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role

router = ServiceRouter(prefix="/v1", tags=["capture"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}})

Agency = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN))]
StationViewer = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN, Role.PHOTOGRAPHER, Role.SCHOOL_ADMIN))]


def station_out(s: Station) -> StationOut:
    return StationOut(id=s.id, capture_day_id=s.capture_day_id, school_code=s.school_code,
                      province_code=s.province_code, day=s.day, room=s.room, name=s.name,
                      photographer=s.photographer, last_sequence_no=s.last_sequence_no)


@router.post("/capture-days", response_model=CaptureDayOut, status_code=201, responses={409: {"model": Problem}},
             summary="Create a capture day with its stations (until scheduling publishes capture days)")
def create_capture_day(body: CaptureDayIn, principal: Agency, uow: UoW) -> CaptureDayOut:
    day, stations = service.create_capture_day(
        uow, principal, body.school_code, body.day, body.rooms,
        [service.NewStation(room=s.room, name=s.name, photographer=s.photographer) for s in body.stations])
    return CaptureDayOut(id=day.id, school_code=day.school_code, province_code=day.province_code, day=day.day,
                         rooms=day.rooms, stations=[station_out(s) for s in stations])


@router.get("/stations", response_model=StationList,
            summary="The caller's stations: a photographer's own, a school's, the agency's province's")
def list_stations(principal: StationViewer, uow: UoW, day: date | None = None) -> StationList:
    items = [station_out(s) for s in service.my_stations(uow, principal, day)]
    return StationList(items=items, total=len(items))


@router.put("/stations/{station_id}/photographer", response_model=StationOut, responses={409: {"model": Problem}},
            summary="Assign a station's photographer (the agency; a planned station starts with none)")
def assign_photographer(station_id: str, body: PhotographerIn, principal: Agency, uow: UoW) -> StationOut:
    return station_out(service.assign_photographer(uow, principal, station_id, body.photographer))


@router.get("/stations/{station_id}", response_model=StationBoard,
            summary="The station screen: the student in front (open check-in) and the queue behind")
def read_station(station_id: str, principal: StationViewer, uow: UoW) -> StationBoard:
    b = service.board(uow, principal, station_id)
    front = None
    if b.front is not None:
        subject = b.front_subject
        front = FrontCheckin(id=b.front.id, sequence_no=b.front.sequence_no, subject_key=b.front.subject_key,
                             masked_name=subject.masked_name if subject else "—",
                             class_no=subject.class_no if subject else None,
                             college_name=subject.college_name if subject else None,
                             opened_at=b.front.opened_at, photo_versions=b.front_versions,
                             accepted=b.front_accepted)
    return StationBoard(station=station_out(b.station), front=front, done_today=b.done_today,
                        queue=[QueuedSubject(subject_key=s.subject_key, masked_name=s.masked_name,
                                             class_no=s.class_no, roster_order=s.roster_order) for s in b.queue])
