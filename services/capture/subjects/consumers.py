"""Keeps capture's subjects from roster's events: roster's approved-student projection, plus the capture code and
the time of the student's latest make-up certificate (补拍证明: it lets a student already photographed be checked in
again, checkins/service.py).
It listens to all of roster ("roster.>"), not only students, because college and class renames must reach
the names shown to photographers; widening the filter updates the durable in place, keeping its position."""

from __future__ import annotations

from services.capture.models import Subject
from services.capture.subjects import service
from services.kernel.events.consumer import Consumer
from services.kernel.uow import UnitOfWork
from services.roster.events import CaptureCodeRegistered, MakeupCertificateIssued
from services.roster.projection import approved_students_handlers, merge_handlers


def _capture_code(uow: UnitOfWork, event: CaptureCodeRegistered) -> None:
    service.register_capture_code(uow, event.subject_key, event.capture_code)


def _makeup_certificate(uow: UnitOfWork, event: MakeupCertificateIssued) -> None:
    service.record_makeup_certificate(uow, event.subject_key, event.issued_at)


subjects_consumer = Consumer(name="subjects", subjects="roster.>", handlers=merge_handlers(
    approved_students_handlers(Subject),
    {CaptureCodeRegistered: _capture_code, MakeupCertificateIssued: _makeup_certificate}))
