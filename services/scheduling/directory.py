"""Keeps scheduling's copy of the directory (schools, colleges) from roster's events."""

from __future__ import annotations

from datetime import UTC, datetime

from services.kernel.events.consumer import Consumer
from services.kernel.events.envelope import Envelope
from services.kernel.uow import UnitOfWork
from services.roster.events import CollegeCreated, SchoolRegistered
from services.scheduling import repository as repo
from services.scheduling.models import CollegeView, SchoolView


def on_roster_event(uow: UnitOfWork, envelope: Envelope) -> None:
    if envelope.type == SchoolRegistered.TYPE:
        _school_registered(uow, SchoolRegistered.model_validate(envelope.payload))
    elif envelope.type == CollegeCreated.TYPE:
        _college_created(uow, CollegeCreated.model_validate(envelope.payload))


def _school_registered(uow: UnitOfWork, event: SchoolRegistered) -> None:
    school = _school(uow, event.school_code, event.province_code)
    school.name = event.name


def _college_created(uow: UnitOfWork, event: CollegeCreated) -> None:
    now = datetime.now(UTC)
    college = repo.college_for_system(uow.session, event.college_id)
    if college is None:
        college = CollegeView(college_id=event.college_id, school_code=event.school_code,
                              province_code=event.province_code, code=event.code, name=event.name, updated_at=now)
        uow.session.add(college)
    school = _school(uow, event.school_code, event.province_code)
    school.college_count += 1
    school.updated_at = now


def _school(uow: UnitOfWork, code: str, province_code: str) -> SchoolView:
    school = repo.school_for_system(uow.session, code)
    if school is None:
        school = SchoolView(school_code=code, province_code=province_code, updated_at=datetime.now(UTC))
        uow.session.add(school)
    return school


directory_consumer = Consumer(name="directory", subjects="roster.>", handle=on_roster_event)
