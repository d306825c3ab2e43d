"""Proofreading follows capture's own events: a newer accepted version answers older retake requests; a resolved
anomaly closes the not-me report that raised it."""

from __future__ import annotations

from services.capture.events import AnomalyResolved, PhotoAccepted
from services.capture.proofreading import service
from services.kernel.events.consumer import Consumer
from services.kernel.uow import UnitOfWork


def _accepted(uow: UnitOfWork, event: PhotoAccepted) -> None:
    service.photo_accepted(uow, event.subject_key, event.version)


def _resolved(uow: UnitOfWork, event: AnomalyResolved) -> None:
    service.anomaly_resolved(uow, event.anomaly_id)


proofreading_consumer = Consumer(name="proofreading", subjects="capture.>",
                                 handlers={PhotoAccepted: _accepted, AnomalyResolved: _resolved})
