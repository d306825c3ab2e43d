"""Keeps payments' list of who may owe the fee from roster's events (approved students only)."""

from __future__ import annotations

from sqlmodel import Session

from services.kernel.events.consumer import Consumer
from services.kernel.queries import get_system, list_scoped
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.payments.models import Payer
from services.roster.events import StudentApproved, StudentFacts, StudentUpdated, StudentWithdrawn


def _find(session: Session, subject_key: str) -> Payer | None:
    return get_system(session, Payer, subject_key=subject_key)


def _approved(uow: UnitOfWork, event: StudentFacts) -> None:
    payer = _find(uow.session, event.subject_key) or Payer(
        subject_key=event.subject_key, school_code=event.school_code, province_code=event.province_code,
        term=event.term, masked_name=event.masked_name)
    payer.term = event.term or payer.term
    payer.class_id, payer.class_no, payer.masked_name = event.class_id, event.class_no, event.masked_name
    uow.session.add(payer)


def _withdrawn(uow: UnitOfWork, event: StudentWithdrawn) -> None:
    payer = _find(uow.session, event.subject_key)
    if payer is not None:
        uow.session.delete(payer)


def payers(session: Session, principal: Principal, school_code: str | None) -> list[Payer]:
    return list_scoped(session, principal, Payer, Payer.school_code, Payer.class_no, school_code=school_code)


payers_consumer = Consumer(name="payers", subjects="roster.student.>", handlers={
    StudentApproved: _approved, StudentUpdated: _approved, StudentWithdrawn: _withdrawn})
