"""Roster follows capture's accepted photos (capture's published event class; nothing else of capture)."""

from __future__ import annotations

from services.capture.events import PhotoAccepted
from services.kernel.events.consumer import Consumer
from services.kernel.uow import UnitOfWork
from services.roster.captures import service


def _accepted(uow: UnitOfWork, event: PhotoAccepted) -> None:
    service.record(uow, event.subject_key, event.photo_id, event.version)


captures_consumer = Consumer(name="captures", subjects="capture.photo.accepted", handlers={PhotoAccepted: _accepted})
