"""Slot routes: the student's own slot; a day's timetable as a workbook."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi.responses import Response

from services.kernel.auth import CurrentPrincipal
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.scheduling.allocation.instance import weekday
from services.scheduling.models import LOCAL_TZ
from services.scheduling.slots import pdf, service, xlsx
from services.scheduling.slots.identity import StudentKey
from services.scheduling.slots.schemas import MySlotOut

router = ServiceRouter(prefix="/v1", tags=["slots"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/slots/me", response_model=MySlotOut, summary="The signed-in student's capture slot")
def read_my_slot(student: StudentKey, uow: UoW) -> MySlotOut:
    mine = service.my_slot(uow, student)
    slot = mine.slot
    return MySlotOut(timezone=LOCAL_TZ, date=slot.date, weekday=weekday(slot.date), room=slot.room,
                     campus=slot.campus, start=slot.start, end=slot.end, arrive=slot.arrive,
                     college=slot.college_name, class_name=slot.class_name, bring=mine.day.bring,
                     dress=mine.day.dress)


@router.get("/capture-days/{day_id}/timetable.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}}}, summary="The published timetable: by room, college or school")
def download_timetable(day_id: str, principal: CurrentPrincipal, uow: UoW,
                       by: Literal["room", "college", "school"] = "room") -> Response:
    table = service.timetable(uow, principal, day_id)
    name = f"timetable-{table.day.school_code}-{by}.xlsx"
    return Response(xlsx.workbook(table, by), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/capture-days/{day_id}/timetable.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, 503: {"model": Problem}},
            summary="The published timetable as PDF (embedded Chinese font): by room, college, school, or a notice "
                    "per class; `on` keeps one date")
def download_timetable_pdf(day_id: str, principal: CurrentPrincipal, uow: UoW,
                           by: Literal["room", "college", "school", "class"] = "room",
                           on: date | None = None) -> Response:
    table = service.timetable(uow, principal, day_id)
    suffix = f"-{on.isoformat()}" if on else ""
    name = f"timetable-{table.day.school_code}-{by}{suffix}.pdf"
    return Response(pdf.timetable_pdf(table, by, on), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
