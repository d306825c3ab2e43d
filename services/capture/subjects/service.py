"""The subjects' rules. Plain functions on a unit of work; they never commit."""

from __future__ import annotations

from datetime import datetime

from services.capture.models import Subject
from services.capture.subjects import repository as repo
from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork


def subjects(uow: UnitOfWork, principal: Principal, school_code: str | None, class_id: str | None) -> list[Subject]:
    """Approved students in the caller's scope, by school, class and queue order."""
    return repo.subjects(uow.session, principal, school_code, class_id)


def register_capture_code(uow: UnitOfWork, subject_key: str, capture_code: str) -> None:
    repo.set_capture_code(uow.session, subject_key, capture_code)


def record_makeup_certificate(uow: UnitOfWork, subject_key: str, issued_at: datetime) -> None:
    """Keep the latest certificate's time: a redelivered or older certificate never moves it back."""
    repo.set_makeup_certified_at(uow.session, subject_key, issued_at)
