"""The stations' rules. Plain functions on a unit of work; they never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.capture.models import CaptureDay, Checkin, Station, Subject
from services.capture.stations import repository as repo
from services.kernel.errors import Conflict, Forbidden, NotFound, TucaiError
from services.kernel.tenancy import Principal, Role, require_school_access
from services.kernel.uow import UnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUEUE_LENGTH = 8


def today() -> date:
    """Capture days are calendar days in China, whatever the server's zone."""
    return datetime.now(SHANGHAI).date()


@dataclass(frozen=True)
class NewStation:
    room: str
    name: str
    photographer: str


def create_capture_day(uow: UnitOfWork, principal: Principal, school_code: str, day: date, rooms: list[str],
                       stations: list[NewStation]) -> tuple[CaptureDay, list[Station]]:
    """A capture day with its stations. The school's province comes from its approved students when capture knows
    any (so an agency cannot book another province's school), else from the agency's own province."""
    province = repo.province_of_school(uow.session, school_code) or principal.province
    if not province:
        raise TucaiError("province_unknown", "无法确定该学校所属省份", "The school's province is not known")
    require_school_access(principal, school_code, province)
    unknown_rooms = {s.room for s in stations} - set(rooms)
    if unknown_rooms:
        raise TucaiError("room_unknown", f"机位所在教室不在采集日教室列表中：{'、'.join(sorted(unknown_rooms))}",
                         f"Stations name rooms not in the day's rooms: {', '.join(sorted(unknown_rooms))}",
                         status=422)
    capture_day = CaptureDay(school_code=school_code, province_code=province, day=day, rooms=rooms)
    uow.session.add(capture_day)
    created = [Station(capture_day_id=capture_day.id, school_code=school_code, province_code=province, day=day,
                       room=s.room, name=s.name, photographer=s.photographer) for s in stations]
    uow.session.add_all(created)
    uow.session.flush()  # a duplicate day or station name becomes the registered 409 here
    return capture_day, created


def my_stations(uow: UnitOfWork, principal: Principal, day: date | None) -> list[Station]:
    return repo.stations(uow.session, principal, day)


def station(uow: UnitOfWork, principal: Principal, station_id: str) -> Station:
    found = repo.station(uow.session, principal, station_id)
    if found is None:
        raise NotFound("station_not_found", "机位不存在或不属于您", "No such station, or it is not yours")
    return found


def assign_photographer(uow: UnitOfWork, principal: Principal, station_id: str, username: str) -> Station:
    """The agency puts a photographer at a station (a planned station starts with none). Not while a student is
    checked in there: the number in front belongs to whoever bound it."""
    found = station(uow, principal, station_id)
    if principal.role != Role.AGENCY_ADMIN:
        raise Forbidden("role_not_allowed", "只有采集中心可以分配摄影师",
                        "Only the capture centre assigns photographers")
    if found.photographer != username and repo.open_checkin(uow.session, found.id) is not None:
        raise Conflict("station_busy", "该机位有学生正在签到，请先完成或作废后再更换摄影师",
                       "A student is checked in at this station; finish or void that number first")
    found.photographer = username
    uow.session.add(found)
    return found


@dataclass(frozen=True)
class Board:
    station: Station
    front: Checkin | None
    front_subject: Subject | None
    queue: list[Subject]
    done_today: int
    front_versions: int = 0
    front_accepted: bool = False


def board(uow: UnitOfWork, principal: Principal, station_id: str) -> Board:
    """The station screen: the student in front (the open check-in) and the next students of the list."""
    found = station(uow, principal, station_id)
    front = repo.open_checkin(uow.session, found.id)
    subject = repo.subject_for_system(uow.session, front.subject_key) if front else None
    versions, accepted = repo.photo_stats(uow.session, front.id) if front else (0, False)
    return Board(station=found, front=front, front_subject=subject,
                 queue=repo.queue(uow.session, found.school_code, QUEUE_LENGTH),
                 done_today=repo.done_count(uow.session, found.id), front_versions=versions,
                 front_accepted=accepted)


@dataclass(frozen=True)
class PlannedRoom:
    room: str
    stations: int


def apply_published_plan(uow: UnitOfWork, school_code: str, province_code: str, dates: list[date],
                         rooms: list[PlannedRoom]) -> list[CaptureDay]:
    """Scheduling published (or re-published) a plan: every date of it becomes a capture day of the school with
    the plan's rooms, and every room gets as many stations as it has cameras. Applying the same plan again
    changes nothing (replay-safe); a re-plan adds what is new and removes nothing, because a station may already
    hold numbered check-ins. Planned stations start without a photographer ("") until the agency assigns one; a
    day the agency created by hand keeps its own stations and gains only the rooms the plan adds."""
    changed = []
    for day in sorted(set(dates)):
        capture_day = repo.capture_day_for_system(uow.session, school_code, day)
        if capture_day is None:
            capture_day = CaptureDay(school_code=school_code, province_code=province_code, day=day, rooms=[])
            uow.session.add(capture_day)
        known = list(capture_day.rooms)
        capture_day.rooms = known + [r.room for r in rooms if r.room not in known]
        existing = repo.day_stations(uow.session, capture_day.id)
        names = {s.name for s in existing}
        for planned in rooms:
            missing = planned.stations - sum(1 for s in existing if s.room == planned.room)
            for _ in range(max(0, missing)):
                name = _free_name(names)
                names.add(name)
                uow.session.add(Station(capture_day_id=capture_day.id, school_code=school_code,
                                        province_code=province_code, day=day, room=planned.room, name=name,
                                        photographer=""))
        changed.append(capture_day)
    uow.session.flush()
    return changed


def _free_name(taken: set[str]) -> str:
    n = 1
    while f"机位{n}" in taken:
        n += 1
    return f"机位{n}"
