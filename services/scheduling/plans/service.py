"""The rules of plans. Plain functions on a unit of work; they never commit.

A plan request snapshots the instance (the day and the approved counts at that moment) into the plan row, so a
plan is reproducible and a hand move is validated against what was solved. When the day has a published plan,
the new one is a re-plan that keeps every class the change did not touch (allocation/replan.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.kernel.errors import Conflict, FieldIssue, NotFound, TucaiError
from services.kernel.jobs import enqueue
from services.kernel.tenancy import Principal, require_school_access
from services.kernel.uow import UnitOfWork
from services.scheduling.allocation.defer import DoesNotFit, defer_to_end
from services.scheduling.allocation.instance import Instance, hhmm, weekday
from services.scheduling.allocation.plan import build_plan
from services.scheduling.allocation.replan import Published, replan
from services.scheduling.allocation.solver import blackout_free, solve
from services.scheduling.days.service import get_day
from services.scheduling.events import PlanPublished, PublishedClassSlot
from services.scheduling.models import CaptureDay, CapturePlan, PublishedSlot
from services.scheduling.plans import instance as build_instance
from services.scheduling.plans import repository as repo

SOLVE_JOB = "scheduling.solve_plan"
INLINE_CLASSES = 300  # up to here a plan solves inside the request (≤ INLINE_SECONDS); beyond, as a job
INLINE_SECONDS = 10.0
JOB_SECONDS = 90.0


def request_plan(uow: UnitOfWork, principal: Principal, day_id: str) -> CapturePlan:
    day = get_day(uow, principal, day_id)
    require_school_access(principal, day.school_code, day.province_code)
    document, labels = build_instance.build(day, repo.class_groups(uow.session, principal, day.school_code))
    if not document["classes"]:
        raise Conflict("no_approved_students", "该校尚无审核通过的学生，无法排期",
                       "The school has no approved students to plan")
    current = repo.published(uow.session, principal, day.id)
    plan = CapturePlan(day_id=day.id, school_code=day.school_code, province_code=day.province_code,
                       instance=document, labels=labels, based_on=current.id if current else None,
                       created_at=datetime.now(UTC))
    uow.session.add(plan)
    if len(document["classes"]) <= INLINE_CLASSES:
        solve_into(plan, current.result if current else None, INLINE_SECONDS)
    else:
        plan.job_id = enqueue(uow, SOLVE_JOB, {"plan_id": plan.id}, province=day.province_code,
                              school=day.school_code, max_attempts=1)
    return plan


def solve_into(plan: CapturePlan, published: dict[str, Any] | None, seconds: float) -> None:
    """Solve the plan's instance (a re-plan when a published plan is given) and store the result."""
    instance = Instance.model_validate(plan.instance)
    if published:
        result = replan(instance, Published.model_validate(published), time_limit=seconds)
    else:
        result = build_plan(instance, solve(instance, time_limit=seconds))
    plan.result = result.model_dump(mode="json", by_alias=True)
    plan.status = "draft"


def solve_for_job(uow: UnitOfWork, plan_id: str) -> None:
    plan = repo.plan_for_system(uow.session, plan_id)
    if plan is None or plan.status != "solving":
        return
    based_on = repo.plan_for_system(uow.session, plan.based_on) if plan.based_on else None
    solve_into(plan, based_on.result if based_on else None, JOB_SECONDS)
    uow.session.add(plan)


def get_plan(uow: UnitOfWork, principal: Principal, plan_id: str) -> CapturePlan:
    plan = repo.plan(uow.session, principal, plan_id)
    if plan is None:
        raise NotFound("plan_not_found", "排期方案不存在或无权访问", "No such plan in your scope")
    return plan


def list_plans(uow: UnitOfWork, principal: Principal, day_id: str) -> list[CapturePlan]:
    get_day(uow, principal, day_id)
    return repo.plans_of_day(uow.session, principal, day_id)


def _writable(uow: UnitOfWork, principal: Principal, plan_id: str) -> CapturePlan:
    plan = get_plan(uow, principal, plan_id)
    require_school_access(principal, plan.school_code, plan.province_code)
    if plan.status != "draft":
        raise Conflict("plan_not_draft", "只能修改或发布草稿方案（请重新排期）",
                       "Only a draft plan can be changed or published; plan again")
    return plan


def move_class(uow: UnitOfWork, principal: Principal, plan_id: str, class_id: str, room_id: str, day: date,
               start: str) -> CapturePlan:
    """Put one class at a room, date and start by hand (the grid's drag); refused unless the plan stays valid:
    the room's campus, a window that holds the whole block, no blackout, no overlap with another class."""
    plan = _writable(uow, principal, plan_id)
    instance = Instance.model_validate(plan.instance)
    klass = next((k for k in instance.classes if k.id == class_id), None)
    if klass is None:
        raise NotFound("class_not_in_plan", "该班级不在方案中", "The class is not in this plan")
    rooms = {room.id: r for r, room in enumerate(instance.rooms)}
    if room_id not in rooms:
        raise _invalid("room", "unknown_room", "没有该场地", "No such room")
    r = rooms[room_id]
    room = instance.rooms[r]
    begin = int(start[:2]) * 60 + int(start[3:])
    end = begin + instance.minutes(klass.students, room.stations)
    if klass.campus and room.campus != klass.campus:
        raise _invalid("room", "wrong_campus", f"该班级须在{klass.campus}采集", f"The class belongs on {klass.campus}")
    if not any(w.date == day and w.start <= begin and end <= w.end for w in room.windows):
        raise _invalid("start", "outside_window", f"{hhmm(begin)}–{hhmm(end)} 超出采集时段",
                       f"{hhmm(begin)}-{hhmm(end)} is outside the room's windows")
    if not blackout_free(instance, r, day, begin, end):
        raise _invalid("start", "blackout", "与停用时段冲突", "It overlaps a blackout")
    others = [a for a in plan.result["assignments"] if a["class"] != class_id]
    for other in others:
        if other["room"] == room_id and other["date"] == day.isoformat() and \
                other["start"] < hhmm(end) and hhmm(begin) < other["end"]:
            raise _invalid("start", "overlap", f"与{other['college']}（{other['start']}–{other['end']}）时间重叠",
                           f"It overlaps class {other['class']} ({other['start']}-{other['end']})")
    moved = {"class": klass.id, "college": klass.college, "students": klass.students, "room": room_id,
             "campus": room.campus, "date": day.isoformat(), "weekday": weekday(day), "start": hhmm(begin),
             "end": hhmm(end), "arrive": hhmm(max(0, begin - instance.arrival_lead_minutes))}
    assignments = sorted([*others, moved], key=lambda a: (a["room"], a["date"], a["start"]))
    unplaced = [u for u in plan.result["unplaced"] if u["class"] != class_id]
    plan.result = {**plan.result, "assignments": assignments, "unplaced": unplaced,
                   "room_finish": _room_finish(plan, assignments),
                   "students_placed": sum(a["students"] for a in assignments), "hand_moved": True}
    uow.session.add(plan)
    return plan


def publish(uow: UnitOfWork, principal: Principal, plan_id: str) -> CapturePlan:
    plan = _writable(uow, principal, plan_id)
    day: CaptureDay = get_day(uow, principal, plan.day_id)
    repo.supersede(uow.session, day.id)
    plan.status, plan.published_at = "published", datetime.now(UTC)
    uow.session.add(plan)
    _announce(uow, plan, day)
    return plan


def defer_class(uow: UnitOfWork, principal: Principal, plan_id: str, class_id: str) -> CapturePlan:
    """On the day, one action for a class that has not arrived by its start: it goes to the end of its room's day,
    the classes after it move up, and the changed published plan is announced again (students' slots, capture)."""
    plan = get_plan(uow, principal, plan_id)
    require_school_access(principal, plan.school_code, plan.province_code)
    if plan.status != "published":
        raise Conflict("plan_not_published", "只能调整已发布的方案（草稿请直接拖动）",
                       "Only a published plan is changed on the day (drag the class in a draft)")
    if not any(a["class"] == class_id for a in plan.result["assignments"]):
        raise NotFound("class_not_in_plan", "该班级不在方案中", "The class is not in this plan")
    try:
        assignments = defer_to_end(Instance.model_validate(plan.instance), plan.result["assignments"], class_id)
    except DoesNotFit as short:
        raise Conflict("no_time_left", f"当天该场地剩余时间不足，还差 {short.short_minutes} 分钟，请安排补拍",
                       f"The room's day has no room left for the class ({short.short_minutes} minutes short); "
                       "book a make-up instead") from None
    plan.result = {**plan.result, "assignments": assignments, "room_finish": _room_finish(plan, assignments),
                   "hand_moved": True}
    uow.session.add(plan)
    _announce(uow, plan, get_day(uow, principal, plan.day_id))
    return plan


def _room_finish(plan: CapturePlan, assignments: list[dict[str, Any]]) -> dict[str, str | None]:
    finish: dict[str, str | None] = {room["id"]: None for room in plan.instance["rooms"]}
    for a in assignments:
        current = finish.get(a["room"])
        finish[a["room"]] = a["end"] if current is None or a["end"] > current else current
    return finish


def _announce(uow: UnitOfWork, plan: CapturePlan, day: CaptureDay) -> None:
    """The plan's slots become the students' slots, and the plan is announced (capture's days and stations)."""
    slots = [_slot(plan, a) for a in plan.result["assignments"]]
    repo.replace_slots(uow.session, day.id, slots)
    uow.emit(PlanPublished(
        plan_id=plan.id, day_id=day.id, school_code=day.school_code, province_code=day.province_code,
        term=day.term, dates=[date.fromisoformat(d) for d in day.dates], rooms=[r["id"] for r in day.rooms],
        room_stations={r["id"]: int(r.get("stations", 1)) for r in day.rooms},
        slots=[PublishedClassSlot(class_id=s.class_id, college_id=s.college_id, room=s.room, campus=s.campus,
                                  date=s.date, start=s.start, end=s.end, arrive=s.arrive, students=s.students)
               for s in slots],
        unplaced_class_ids=[u["class"] for u in plan.result["unplaced"]]))


def _slot(plan: CapturePlan, a: dict[str, Any]) -> PublishedSlot:
    label = plan.labels.get(a["class"], {})
    return PublishedSlot(plan_id=plan.id, day_id=plan.day_id, school_code=plan.school_code,
                         province_code=plan.province_code, class_id=a["class"], college_id=label.get("college_id"),
                         class_code=label.get("code", ""), class_name=label.get("name", ""),
                         college_name=a["college"], students=a["students"], room=a["room"], campus=a["campus"],
                         date=date.fromisoformat(a["date"]), start=a["start"], end=a["end"], arrive=a["arrive"])


def _invalid(field_name: str, code: str, zh: str, en: str) -> TucaiError:
    return TucaiError("move_invalid", f"无法移动：{zh}", f"The move is refused: {en}", status=422,
                      errors=[FieldIssue(field=field_name, code=code, message_zh=zh, message_en=en)])
