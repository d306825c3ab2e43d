"""Plan routes: solve a day, read, move a class by hand, publish."""

from __future__ import annotations

from typing import Any

from services.kernel.auth import CurrentPrincipal
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.scheduling.days.routes import Agency
from services.scheduling.models import LOCAL_TZ, CapturePlan
from services.scheduling.plans import service
from services.scheduling.plans.schemas import (
    AssignmentOut,
    MovedOut,
    MoveIn,
    PlanList,
    PlanOut,
    PlanSummary,
    UnplacedOut,
)

router = ServiceRouter(prefix="/v1", tags=["plans"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem},
                              409: {"model": Problem}})


def plan_out(plan: CapturePlan) -> PlanOut:
    result: dict[str, Any] = plan.result
    labels = plan.labels

    def label(class_id: str, key: str, default: Any = "") -> Any:
        return labels.get(class_id, {}).get(key, default)

    assignments = [AssignmentOut(class_id=a["class"], class_code=label(a["class"], "code"),
                                 class_name=label(a["class"], "name"), college=a["college"],
                                 college_id=label(a["class"], "college_id", None), students=a["students"],
                                 room=a["room"], campus=a["campus"], date=a["date"], weekday=a["weekday"],
                                 start=a["start"], end=a["end"], arrive=a["arrive"])
                   for a in result.get("assignments", [])]
    unplaced = [UnplacedOut(class_id=u["class"], class_name=label(u["class"], "name"), college=u["college"],
                            students=u["students"], short_minutes=u["short_minutes"], reason=u["reason"])
                for u in result.get("unplaced", [])]
    moved = result.get("moved")
    return PlanOut(
        id=plan.id, day_id=plan.day_id, school_code=plan.school_code, province_code=plan.province_code,
        status=plan.status, job_id=plan.job_id, based_on=plan.based_on, timezone=LOCAL_TZ,
        created_at=plan.created_at, published_at=plan.published_at,
        rooms=[r["id"] for r in plan.instance.get("rooms", [])], assignments=assignments, unplaced=unplaced,
        room_finish=result.get("room_finish", {}), lower_bound_minutes=result.get("lower_bound_minutes"),
        makespan_minutes=result.get("makespan_minutes"), finish_ratio=result.get("finish_ratio"),
        students_placed=result.get("students_placed"), students_total=result.get("students_total"),
        gap=result.get("gap"), solve_seconds=result.get("solve_seconds"), kept=result.get("kept"),
        moved=[MovedOut(class_id=m["class"], before=m["before"], after=m["after"]) for m in moved]
        if moved is not None else None)


@router.post("/capture-days/{day_id}/plan", response_model=PlanOut, status_code=201,
             summary="Plan the day: solved at once when small, else as a job (status solving, job_id)")
def plan_capture_day(day_id: str, principal: Agency, uow: UoW) -> PlanOut:
    plan = service.request_plan(uow, principal, day_id)
    uow.session.flush()
    return plan_out(plan)


@router.get("/capture-days/{day_id}/plans", response_model=PlanList, summary="The plans of a day, newest first")
def list_day_plans(day_id: str, principal: CurrentPrincipal, uow: UoW) -> PlanList:
    items = [PlanSummary(id=p.id, status=p.status, created_at=p.created_at, published_at=p.published_at,
                         students_placed=p.result.get("students_placed"),
                         students_total=p.result.get("students_total"),
                         unplaced=len(p.result.get("unplaced", [])))
             for p in service.list_plans(uow, principal, day_id)]
    return PlanList(items=items, total=len(items))


@router.get("/plans/{plan_id}", response_model=PlanOut, summary="A plan with its assignments")
def read_plan(plan_id: str, principal: CurrentPrincipal, uow: UoW) -> PlanOut:
    return plan_out(service.get_plan(uow, principal, plan_id))


@router.post("/plans/{plan_id}/assignments/{class_id}/defer", response_model=PlanOut,
             summary="On the day: a class that has not arrived goes to the end of its room's day (published plan)")
def defer_plan_class(plan_id: str, class_id: str, principal: Agency, uow: UoW) -> PlanOut:
    return plan_out(service.defer_class(uow, principal, plan_id, class_id))


@router.put("/plans/{plan_id}/assignments/{class_id}", response_model=PlanOut,
            summary="Move a class by hand (a draft plan); refused unless the plan stays valid")
def move_plan_class(plan_id: str, class_id: str, body: MoveIn, principal: Agency, uow: UoW) -> PlanOut:
    return plan_out(service.move_class(uow, principal, plan_id, class_id, body.room, body.date, body.start))


@router.post("/plans/{plan_id}/publish", response_model=PlanOut,
             summary="Publish a draft plan: students see their slots; emits scheduling.plan.published")
def publish_plan(plan_id: str, principal: Agency, uow: UoW) -> PlanOut:
    return plan_out(service.publish(uow, principal, plan_id))
