"""The photos feature reacting to capture's own PhotoAccepted (a first photo, a retake or an override alike):
queue the identity guard for that version. The inbox makes a redelivered event queue nothing twice."""

from __future__ import annotations

from services.capture.events import PhotoAccepted
from services.capture.photos.guard import IDENTITY_JOB
from services.kernel.events.consumer import Consumer
from services.kernel.jobs import enqueue
from services.kernel.uow import UnitOfWork


def _on_accepted(uow: UnitOfWork, event: PhotoAccepted) -> None:
    enqueue(uow, IDENTITY_JOB, {"photo_id": event.photo_id}, province=event.province_code,
            school=event.school_code)


identity_consumer = Consumer(name="identity", subjects=PhotoAccepted.TYPE,
                             handlers={PhotoAccepted: _on_accepted})
