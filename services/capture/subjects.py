"""Keeps capture's list of who may be photographed from roster's events (approved students only)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.capture.models import Subject
from services.kernel.events.consumer import Consumer
from services.kernel.queries import get_system, list_scoped
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.roster.events import (
    CaptureCodeRegistered,
    StudentApproved,
    StudentFacts,
    StudentUpdated,
    StudentWithdrawn,
)


def _find(session: Session, subject_key: str) -> Subject | None:
    return get_system(session, Subject, subject_key=subject_key)


def _approved(uow: UnitOfWork, event: StudentFacts) -> None:
    _upsert(uow, event.model_dump())


def _withdrawn(uow: UnitOfWork, event: StudentWithdrawn) -> None:
    subject = _find(uow.session, event.subject_key)
    if subject is not None:
        uow.session.delete(subject)


def _capture_code(uow: UnitOfWork, event: CaptureCodeRegistered) -> None:
    subject = _find(uow.session, event.subject_key)
    if subject is not None:
        subject.capture_code = event.capture_code
        uow.session.add(subject)


def _upsert(uow: UnitOfWork, facts: dict[str, Any]) -> None:
    subject = _find(uow.session, facts["subject_key"]) or Subject(
        subject_key=facts["subject_key"], school_code=facts["school_code"], province_code=facts["province_code"],
        term=facts["term"], level=facts["level"], sex=facts["sex"], masked_name=facts["masked_name"],
        masked_id_number=facts["masked_id_number"])
    for field in ("term", "college_id", "college_name", "class_id", "class_no", "level", "sex", "masked_name",
                  "masked_id_number", "roster_order"):
        if facts.get(field) is not None:
            setattr(subject, field, facts[field])
    uow.session.add(subject)


def subjects(session: Session, principal: Principal, school_code: str | None, class_id: str | None) -> list[Subject]:
    return list_scoped(session, principal, Subject, Subject.school_code, Subject.class_no, Subject.roster_order,
                       school_code=school_code, class_id=class_id)


subjects_consumer = Consumer(name="subjects", subjects="roster.student.>", handlers={
    StudentApproved: _approved, StudentUpdated: _approved, StudentWithdrawn: _withdrawn,
    CaptureCodeRegistered: _capture_code})
