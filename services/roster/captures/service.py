"""The captures' rules: record the first accepted photo of a student's term and follow its retakes."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from services.kernel.uow import UnitOfWork
from services.roster.captures import repository as repo
from services.roster.models import StudentCapture

log = structlog.get_logger("tucai.roster.captures")


def record(uow: UnitOfWork, subject_key: str, photo_id: str, version: int) -> StudentCapture | None:
    """Idempotent (the inbox already drops a redelivered event; an older version arriving late changes nothing)."""
    session = uow.session
    student = repo.student_by_key(session, subject_key)
    if student is None:  # a key roster never issued: nothing to record, and nothing to retry
        log.warning("capture_for_unknown_subject", photo_id=photo_id)
        return None
    term = repo.approved_term(session, student.id) or ""
    row = repo.capture(session, student.id, term)
    now = datetime.now(UTC)
    if row is None:
        row = StudentCapture(student_id=student.id, school_code=student.school_code,
                             province_code=student.province_code, term=term, first_photo_id=photo_id,
                             captured_at=now, latest_photo_id=photo_id, latest_version=version, updated_at=now)
    elif version > row.latest_version:
        row.latest_photo_id, row.latest_version, row.updated_at = photo_id, version, now
    session.add(row)
    return row
