"""The live board's rules: marks from capture's events, and the board of a day computed from the published slots
and the marks. Plain functions on a unit of work; they never commit.

A mark is dated by the local day its event is applied on (capture's events carry no date; they are applied
within seconds). A student counts in their class's slot of that date; one who is in no slot of it (another
class, a make-up) counts as unscheduled."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.capture.events import CheckinClosed, CheckinOpened, PhotoAccepted
from services.kernel.errors import Forbidden
from services.kernel.tenancy import PROVINCE_ROLES, Principal, Role
from services.kernel.uow import UnitOfWork
from services.scheduling.allocation.instance import hhmm
from services.scheduling.board import repository as repo
from services.scheduling.days.service import get_day
from services.scheduling.models import LOCAL_TZ, BoardMark, CaptureDay, PublishedSlot

ZONE = ZoneInfo(LOCAL_TZ)
RATE_WINDOW_MINUTES = 20  # the current rate: students photographed in this many minutes before now
VIEWERS = PROVINCE_ROLES | {Role.SCHOOL_ADMIN, Role.PLATFORM_ADMIN}


def local_today(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(ZONE).date()


def _mark(uow: UnitOfWork, subject_key: str, school_code: str, province_code: str) -> BoardMark:
    today = local_today()
    mark = repo.mark_for_system(uow.session, subject_key, today)
    if mark is None:
        mark = BoardMark(school_code=school_code, province_code=province_code, subject_key=subject_key, day=today,
                         class_id=repo.class_of_for_system(uow.session, subject_key))
    uow.session.add(mark)
    return mark


def record_checkin(uow: UnitOfWork, event: CheckinOpened) -> None:
    mark = _mark(uow, event.subject_key, event.school_code, event.province_code)
    mark.checked_in, mark.checkin_id, mark.station_id = True, event.checkin_id, event.station_id
    mark.checked_in_at = mark.checked_in_at or datetime.now(UTC)
    uow.session.flush()


def record_close(uow: UnitOfWork, event: CheckinClosed) -> None:
    """A voided number (the wrong student scanned) takes back that student's arrival unless they were
    photographed since; a close without a photo leaves them arrived, not photographed."""
    mark = repo.mark_for_system(uow.session, event.subject_key, local_today())
    if mark is not None and event.status == "void" and mark.checkin_id == event.checkin_id and not mark.photographed:
        mark.checked_in, mark.checked_in_at = False, None
        uow.session.add(mark)


def record_photo(uow: UnitOfWork, event: PhotoAccepted) -> None:
    mark = _mark(uow, event.subject_key, event.school_code, event.province_code)
    now = datetime.now(UTC)
    mark.checked_in, mark.photographed = True, True
    mark.checked_in_at = mark.checked_in_at or now
    mark.photographed_at = mark.photographed_at or now
    uow.session.flush()


@dataclass(frozen=True)
class SlotProgress:
    slot: PublishedSlot
    checked_in: int
    photographed: int


@dataclass
class RoomProgress:
    room: str
    campus: str | None
    slots: list[SlotProgress] = field(default_factory=list)
    rate_per_minute: float = 0.0
    projected_finish: str | None = None

    @property
    def expected(self) -> int:
        return sum(s.slot.students for s in self.slots)

    @property
    def checked_in(self) -> int:
        return sum(s.checked_in for s in self.slots)

    @property
    def photographed(self) -> int:
        return sum(s.photographed for s in self.slots)


@dataclass(frozen=True)
class Board:
    day: CaptureDay
    date: date
    window_end: str
    rooms: list[RoomProgress]
    unscheduled_checked_in: int
    unscheduled_photographed: int


def require_viewer(principal: Principal) -> None:
    if principal.role not in VIEWERS:
        raise Forbidden("role_not_allowed", "当前角色无权查看采集看板", "Your role may not see the capture board")


def board(uow: UnitOfWork, principal: Principal, day_id: str, on: date | None = None,
          now: datetime | None = None) -> Board:
    """The day's board on one of its dates (today when the day has it, else its first date)."""
    require_viewer(principal)
    day = get_day(uow, principal, day_id)
    now = now or datetime.now(UTC)
    dates = [date.fromisoformat(d) for d in day.dates]
    when = on if on in dates else (local_today(now) if local_today(now) in dates else dates[0])
    marks = repo.marks(uow.session, principal, day.school_code, when)
    checked = Counter(m.class_id for m in marks if m.checked_in)
    shot = Counter(m.class_id for m in marks if m.photographed)
    recent_cutoff = now - timedelta(minutes=RATE_WINDOW_MINUTES)
    recent = Counter(m.class_id for m in marks if m.photographed_at and m.photographed_at >= recent_cutoff)
    rooms: dict[str, RoomProgress] = {}
    placed: set[str | None] = set()
    for slot in repo.slots(uow.session, principal, day.id, when):
        room = rooms.setdefault(slot.room, RoomProgress(room=slot.room, campus=slot.campus))
        room.slots.append(SlotProgress(slot, checked[slot.class_id], shot[slot.class_id]))
        placed.add(slot.class_id)
    for room in rooms.values():
        _project(room, sum(recent[s.slot.class_id] for s in room.slots), now if when == local_today(now) else None)
    return Board(day=day, date=when, window_end=max((w["end"] for w in day.windows), default="00:00"),
                 rooms=list(rooms.values()),
                 unscheduled_checked_in=sum(n for c, n in checked.items() if c not in placed),
                 unscheduled_photographed=sum(n for c, n in shot.items() if c not in placed))


def _project(room: RoomProgress, recent: int, now: datetime | None) -> None:
    """The room's current rate and, on the day itself, when it finishes at that rate."""
    room.rate_per_minute = round(recent / RATE_WINDOW_MINUTES, 2)
    remaining = room.expected - room.photographed
    if now is None or room.rate_per_minute <= 0 or remaining <= 0:
        return
    local = now.astimezone(ZONE)
    finish = local.hour * 60 + local.minute + round(remaining / room.rate_per_minute)
    room.projected_finish = hhmm(min(finish, 24 * 60 - 1))
