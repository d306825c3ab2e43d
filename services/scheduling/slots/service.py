"""Rules for reading published slots: a student's own, and a day's timetable for the users in scope."""

from __future__ import annotations

from dataclasses import dataclass

from services.kernel.errors import NotFound
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.scheduling.days.service import get_day
from services.scheduling.models import CaptureDay, PublishedSlot, StudentView
from services.scheduling.slots import repository as repo


@dataclass(frozen=True)
class MySlot:
    student: StudentView
    slot: PublishedSlot
    day: CaptureDay


@dataclass(frozen=True)
class Timetable:
    day: CaptureDay
    school_name: str
    slots: list[PublishedSlot]


def my_slot(uow: UnitOfWork, student: Principal) -> MySlot:
    """`student` is the pseudonymous principal (identity.student_key)."""
    row = repo.own_student(uow.session, student)
    if row is None or row.class_id is None:
        raise NotFound("not_approved", "资格审查通过后才有采集安排", "Slots are given after approval")
    for slot in repo.slots_of_class_for_system(uow.session, row.class_id):
        day = repo.day_for_system(uow.session, slot.day_id)
        if day is not None and day.school_code == row.school_code:
            return MySlot(row, slot, day)
    raise NotFound("slot_not_published", "采集时间尚未公布，请留意学校通知", "Your slot has not been published yet")


def timetable(uow: UnitOfWork, principal: Principal, day_id: str) -> Timetable:
    day = get_day(uow, principal, day_id)
    slots = repo.day_slots(uow.session, principal, day.id)
    if not slots:
        raise NotFound("plan_not_published", "该采集日尚未发布排期", "The day has no published plan")
    school = repo.school_for_system(uow.session, day.school_code)
    return Timetable(day, school.name if school else day.school_code, slots)
