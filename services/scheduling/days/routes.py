"""Capture-day routes: parse, call the service, translate to schemas."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends

from services.kernel.auth import CurrentPrincipal, require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role
from services.scheduling.allocation.instance import weekday
from services.scheduling.days import service
from services.scheduling.days.schemas import (
    CaptureDayIn,
    CaptureDayList,
    CaptureDayOut,
    DayDate,
    PreferencesIn,
)
from services.scheduling.models import LOCAL_TZ, CaptureDay

router = ServiceRouter(prefix="/v1", tags=["capture-days"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}})

Agency = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN))]


def day_out(day: CaptureDay, state: service.DayState | None = None) -> CaptureDayOut:
    extra = {"school_name": state.school_name, "plan_status": state.plan_status} if state else {}
    return CaptureDayOut.model_validate({
        **day.model_dump(exclude={"dates"}), "timezone": LOCAL_TZ, **extra,
        "dates": [DayDate(date=d, weekday=weekday(date.fromisoformat(d))) for d in day.dates]})


def _spec(body: CaptureDayIn) -> service.DaySpec:
    return service.DaySpec(
        school_code=body.school_code, term=body.term, title=body.title, dates=body.dates,
        windows=[w.model_dump() for w in body.windows], rooms=[r.model_dump() for r in body.rooms],
        blackouts=[b.model_dump(mode="json") for b in body.blackouts],
        rate_per_station_per_minute=body.rate_per_station_per_minute,
        arrival_lead_minutes=body.arrival_lead_minutes, bring=body.bring, dress=body.dress)


@router.get("/capture-days", response_model=CaptureDayList, summary="Capture days in scope")
def list_capture_days(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None,
                      term: str | None = None) -> CaptureDayList:
    days = service.list_days(uow, principal, school_code, term)
    states = service.day_states(uow, principal, days)
    items = [day_out(d, states[d.id]) for d in days]
    return CaptureDayList(items=items, total=len(items))


@router.post("/capture-days", response_model=CaptureDayOut, status_code=201,
             summary="Create a capture day (the agency of the school's province)")
def create_capture_day(body: CaptureDayIn, principal: Agency, uow: UoW) -> CaptureDayOut:
    day = service.create_day(uow, principal, _spec(body))
    uow.session.flush()
    return day_out(day)


@router.get("/capture-days/{day_id}", response_model=CaptureDayOut, summary="One capture day")
def read_capture_day(day_id: str, principal: CurrentPrincipal, uow: UoW) -> CaptureDayOut:
    return day_out(service.get_day(uow, principal, day_id))


@router.put("/capture-days/{day_id}", response_model=CaptureDayOut, summary="Replace a capture day's settings")
def update_capture_day(day_id: str, body: CaptureDayIn, principal: Agency, uow: UoW) -> CaptureDayOut:
    return day_out(service.update_day(uow, principal, day_id, _spec(body)))


@router.put("/capture-days/{day_id}/preferences", response_model=CaptureDayOut,
            summary="The school's preferences: campus per college, requested date and time")
def set_capture_day_preferences(day_id: str, body: PreferencesIn, principal: CurrentPrincipal,
                                uow: UoW) -> CaptureDayOut:
    items = [p.model_dump(mode="json") for p in body.items]
    return day_out(service.set_preferences(uow, principal, day_id, items))
