"""The rules of capture days. The agency of the school's province creates and edits a day; the school reads its
own and proposes preferences. A day must make a valid allocation instance (allocation/instance.py checks windows,
stations, overlaps), so a day that saves is a day that can be planned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from services.kernel.errors import FieldIssue, NotFound, TucaiError
from services.kernel.tenancy import PROVINCE_ROLES, Principal, Role, require_school_access
from services.kernel.uow import UnitOfWork
from services.scheduling.allocation.instance import Instance, problems_of
from services.scheduling.days import repository as repo
from services.scheduling.models import CaptureDay

DEFAULT_BRING = ["学生证或身份证", "采集凭证二维码（学生端“我的采集时间”）", "缴费凭证（如需现场缴费）"]
DEFAULT_DRESS = ["着深色有领上衣，避免白色及浅色衣服", "不戴帽子、不戴美瞳，眼镜不反光", "头发整洁，露出双耳与眉毛"]


@dataclass(frozen=True)
class DaySpec:
    """A capture day as the agency enters it: local dates and "HH:MM" local times."""

    school_code: str
    term: str
    title: str
    dates: list[date]
    windows: list[dict[str, str]]
    rooms: list[dict[str, Any]]
    blackouts: list[dict[str, Any]] = field(default_factory=list)
    rate_per_station_per_minute: float = 2.7
    arrival_lead_minutes: int = 20
    bring: list[str] | None = None
    dress: list[str] | None = None


def get_day(uow: UnitOfWork, principal: Principal, day_id: str) -> CaptureDay:
    day = repo.day(uow.session, principal, day_id)
    if day is None:
        raise NotFound("capture_day_not_found", "采集日不存在或无权访问", "No such capture day in your scope")
    return day


def list_days(uow: UnitOfWork, principal: Principal, school_code: str | None, term: str | None
              ) -> list[CaptureDay]:
    return repo.days(uow.session, principal, school_code, term)


@dataclass(frozen=True)
class DayState:
    """What a list of days shows beside each: the school's name and where its plan stands."""

    school_name: str
    plan_status: str  # none, solving, draft, published or failed


def plan_state(statuses: list[str]) -> str:
    """A day's plan state from its plans' statuses (newest first): published as soon as one is (a re-plan's
    draft does not unpublish it), else the newest plan's status, "none" without any."""
    if "published" in statuses:
        return "published"
    current = [s for s in statuses if s != "superseded"]
    return current[0] if current else "none"


def day_states(uow: UnitOfWork, principal: Principal, days: list[CaptureDay]) -> dict[str, DayState]:
    """The state of every listed day in two queries, whatever their number."""
    names = repo.school_names(uow.session, principal, {d.school_code for d in days}) if days else {}
    plans = repo.plan_statuses(uow.session, principal, [d.id for d in days]) if days else {}
    return {d.id: DayState(school_name=names.get(d.school_code, ""), plan_status=plan_state(plans.get(d.id, [])))
            for d in days}


def create_day(uow: UnitOfWork, principal: Principal, spec: DaySpec) -> CaptureDay:
    school = repo.school(uow.session, principal, spec.school_code)
    if school is None:
        raise NotFound("school_not_found", "学校不存在或无权访问", "No such school in your scope")
    require_school_access(principal, school.school_code, school.province_code)
    now = datetime.now(UTC)
    day = CaptureDay(school_code=school.school_code, province_code=school.province_code, term=spec.term,
                     created_at=now, updated_at=now)
    _apply(day, spec)
    uow.session.add(day)
    return day


def update_day(uow: UnitOfWork, principal: Principal, day_id: str, spec: DaySpec) -> CaptureDay:
    day = get_day(uow, principal, day_id)
    if spec.school_code != day.school_code:
        raise TucaiError("capture_day_school_fixed", "采集日所属学校不可更改", "A capture day cannot change school",
                         status=422, errors=[_issue("school_code", "fixed", "不可更改", "cannot change")])
    day.term = spec.term
    _apply(day, spec)
    day.updated_at = datetime.now(UTC)
    uow.session.add(day)
    return day


def set_preferences(uow: UnitOfWork, principal: Principal, day_id: str, items: list[dict[str, Any]]
                    ) -> CaptureDay:
    """The school's (or the agency's) wishes: a campus per college, a requested date and start time. Soft:
    the plan honours them when it can."""
    day = get_day(uow, principal, day_id)
    if principal.role not in PROVINCE_ROLES | {Role.SCHOOL_ADMIN, Role.PLATFORM_ADMIN}:
        raise TucaiError("role_not_allowed", "当前角色无权执行此操作", "Your role may not do this", status=403)
    require_school_access(principal, day.school_code, day.province_code)
    colleges = repo.college_ids(uow.session, principal, day.school_code)
    campuses = {room.get("campus") for room in day.rooms if room.get("campus")}
    issues: list[FieldIssue] = []
    for i, item in enumerate(items):
        if item["college_id"] not in colleges:
            issues.append(_issue(f"items[{i}].college_id", "unknown_college", "该学院不属于本校",
                                 "not a college of this school"))
        if item.get("campus") and item["campus"] not in campuses:
            issues.append(_issue(f"items[{i}].campus", "unknown_campus", "采集日没有该校区的场地",
                                 "no room of the day is on this campus"))
        if item.get("date") and item["date"] not in day.dates:
            issues.append(_issue(f"items[{i}].date", "date_not_in_day", "不是采集日期", "not a date of the day"))
    if issues:
        raise TucaiError("preferences_invalid", "偏好设置有误", "The preferences are invalid", status=422,
                         errors=issues)
    day.preferences = [{k: v for k, v in item.items() if v is not None} for item in items]
    day.updated_at = datetime.now(UTC)
    uow.session.add(day)
    return day


def instance_rooms(day: CaptureDay) -> dict[str, Any]:
    """The day as the rooms, rates and blackouts of an allocation instance (no classes yet)."""
    rooms = []
    for room in day.rooms:
        windows = [{"date": d, **w} for d in day.dates for w in day.windows]
        own = [{k: b[k] for k in ("date", "start", "end")} for b in day.blackouts if b.get("room") == room["id"]]
        rooms.append({"id": room["id"], "campus": room.get("campus") or None,
                      "stations": room.get("stations", 1), "windows": windows, "blackouts": own})
    shared = [{k: b[k] for k in ("date", "start", "end")} for b in day.blackouts if not b.get("room")]
    return {"rate_per_station_per_minute": day.rate_per_station_per_minute,
            "arrival_lead_minutes": day.arrival_lead_minutes, "rooms": rooms, "blackouts": shared}


def _apply(day: CaptureDay, spec: DaySpec) -> None:
    day.title = spec.title
    day.dates = sorted({d.isoformat() for d in spec.dates})
    day.windows = sorted(spec.windows, key=lambda w: w["start"])
    day.rooms = spec.rooms
    day.blackouts = [{**b, "date": str(b["date"])} for b in spec.blackouts]
    day.rate_per_station_per_minute = spec.rate_per_station_per_minute
    day.arrival_lead_minutes = spec.arrival_lead_minutes
    day.bring = spec.bring if spec.bring is not None else (day.bring or DEFAULT_BRING)
    day.dress = spec.dress if spec.dress is not None else (day.dress or DEFAULT_DRESS)
    _check(day)


def _check(day: CaptureDay) -> None:
    issues: list[FieldIssue] = []
    rooms = [r["id"] for r in day.rooms]
    if len(set(rooms)) != len(rooms):
        issues.append(_issue("rooms", "duplicate_room", "场地名称重复", "a room appears twice"))
    for i, blackout in enumerate(day.blackouts):
        if blackout["date"] not in day.dates:
            issues.append(_issue(f"blackouts[{i}].date", "date_not_in_day", "不是采集日期", "not a date of the day"))
        if blackout.get("room") and blackout["room"] not in rooms:
            issues.append(_issue(f"blackouts[{i}].room", "unknown_room", "没有该场地", "no such room"))
    if not issues:
        try:
            Instance.model_validate({**instance_rooms(day), "classes": []})
        except ValidationError as error:
            issues += [_issue(None, "invalid", f"时间或场地设置冲突：{p}", p) for p in problems_of(error)]
    if issues:
        raise TucaiError("capture_day_invalid", "采集日设置有误", "The capture day is invalid", status=422,
                         errors=issues)


def _issue(field_name: str | None, code: str, zh: str, en: str) -> FieldIssue:
    return FieldIssue(field=field_name, code=code, message_zh=zh, message_en=en)
