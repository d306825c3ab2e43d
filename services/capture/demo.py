"""Capture's demo data: a capture day at 南昌大学 dated the day the demo is loaded (so it is always open), with two
stations run by the demo photographer. Idempotent: run at every start in demo mode, it adds today's day once."""

from __future__ import annotations

from services.capture.models import CaptureDay, Station
from services.capture.stations import repository as repo
from services.capture.stations.service import today
from services.kernel.uow import UnitOfWork

SCHOOL, PROVINCE = "10403", "36"
ROOMS = ["前湖校区 教学主楼A101", "前湖校区 教学主楼A102"]
PHOTOGRAPHER = "photographer"


def load(uow: UnitOfWork) -> None:
    day = today()
    if repo.capture_day_for_system(uow.session, SCHOOL, day) is not None:
        return
    capture_day = CaptureDay(school_code=SCHOOL, province_code=PROVINCE, day=day, rooms=ROOMS)
    uow.session.add(capture_day)
    uow.session.add_all([Station(capture_day_id=capture_day.id, school_code=SCHOOL, province_code=PROVINCE,
                                 day=day, room=room, name=f"机位{i}", photographer=PHOTOGRAPHER)
                         for i, room in enumerate(ROOMS, start=1)])
