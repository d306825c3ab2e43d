"""Keeps scheduling's copy of the directory and of approved students from roster's events. Only students
the province approved ever arrive here; a withdrawn approval removes them."""

from __future__ import annotations

from datetime import UTC, datetime

from services.kernel.events.consumer import Consumer
from services.kernel.queries import get_system
from services.kernel.uow import UnitOfWork
from services.roster.events import (
    ClassCreated,
    CollegeCreated,
    SchoolRegistered,
    StudentApproved,
    StudentFacts,
    StudentUpdated,
    StudentWithdrawn,
)
from services.scheduling.models import ClassView, CollegeView, SchoolView, StudentView


def _school_registered(uow: UnitOfWork, event: SchoolRegistered) -> None:
    _school(uow, event.school_code, event.province_code).name = event.name


def _college_created(uow: UnitOfWork, event: CollegeCreated) -> None:
    now = datetime.now(UTC)
    if get_system(uow.session, CollegeView, college_id=event.college_id) is None:
        uow.session.add(CollegeView(college_id=event.college_id, school_code=event.school_code,
                                    province_code=event.province_code, code=event.code, name=event.name,
                                    updated_at=now))
    school = _school(uow, event.school_code, event.province_code)
    school.college_count += 1
    school.updated_at = now


def _class_created(uow: UnitOfWork, event: ClassCreated) -> None:
    if get_system(uow.session, ClassView, class_id=event.class_id) is None:
        uow.session.add(ClassView(class_id=event.class_id, college_id=event.college_id,
                                  school_code=event.school_code, province_code=event.province_code,
                                  code=event.code, name=event.name))


def _student_approved(uow: UnitOfWork, event: StudentFacts) -> None:
    student = get_system(uow.session, StudentView, subject_key=event.subject_key) or StudentView(
        subject_key=event.subject_key, school_code=event.school_code, province_code=event.province_code,
        term=event.term, level=event.level)
    student.term = event.term or student.term
    student.college_id, student.class_id = event.college_id, event.class_id
    student.level, student.roster_order = event.level, event.roster_order
    uow.session.add(student)


def _student_withdrawn(uow: UnitOfWork, event: StudentWithdrawn) -> None:
    student = get_system(uow.session, StudentView, subject_key=event.subject_key)
    if student is not None:
        uow.session.delete(student)


def _school(uow: UnitOfWork, code: str, province_code: str) -> SchoolView:
    school = get_system(uow.session, SchoolView, school_code=code)
    if school is None:
        school = SchoolView(school_code=code, province_code=province_code, updated_at=datetime.now(UTC))
        uow.session.add(school)
    return school


directory_consumer = Consumer(name="directory", subjects="roster.>", handlers={
    SchoolRegistered: _school_registered,
    CollegeCreated: _college_created,
    ClassCreated: _class_created,
    StudentApproved: _student_approved,
    StudentUpdated: _student_approved,
    StudentWithdrawn: _student_withdrawn,
})
