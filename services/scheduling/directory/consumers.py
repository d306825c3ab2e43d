"""Keeps the directory views and the approved students from roster's events. Only students the province
approved ever arrive here; a withdrawn approval removes them. Renames of schools, colleges and classes reach
both the views and every student row (roster's projection does the students)."""

from __future__ import annotations

from services.kernel.events.consumer import Consumer
from services.kernel.uow import UnitOfWork
from services.roster.events import (
    ClassCreated,
    ClassUpdated,
    CollegeCreated,
    CollegeUpdated,
    SchoolRegistered,
    SchoolUpdated,
)
from services.roster.projection import approved_students_handlers, merge_handlers
from services.scheduling.directory import service
from services.scheduling.models import StudentView


def _school(uow: UnitOfWork, event: SchoolRegistered | SchoolUpdated) -> None:
    service.name_school(uow, event.school_code, event.province_code, event.name)


def _college_created(uow: UnitOfWork, event: CollegeCreated) -> None:
    service.add_college(uow, event.college_id, event.school_code, event.province_code, event.code, event.name)


def _college_updated(uow: UnitOfWork, event: CollegeUpdated) -> None:
    service.rename_college(uow, event.college_id, event.school_code, event.province_code, event.code, event.name)


def _class(uow: UnitOfWork, event: ClassCreated | ClassUpdated) -> None:
    service.record_class(uow, event.class_id, event.college_id, event.school_code, event.province_code,
                         event.code, event.name)


# The durable keeps its name ("scheduling-directory"): renaming it would replay the stream from the start.
directory_consumer = Consumer(name="directory", subjects="roster.>", handlers=merge_handlers(
    approved_students_handlers(StudentView),
    {SchoolRegistered: _school, SchoolUpdated: _school, CollegeCreated: _college_created,
     CollegeUpdated: _college_updated, ClassCreated: _class, ClassUpdated: _class},
))
