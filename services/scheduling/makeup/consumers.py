"""Keeps the make-up certificates roster issued (by pseudonym): booking a make-up seat requires one."""

from __future__ import annotations

from services.kernel.events.consumer import Consumer
from services.kernel.uow import UnitOfWork
from services.roster.events import MakeupCertificateIssued
from services.scheduling.makeup import service


def _issued(uow: UnitOfWork, event: MakeupCertificateIssued) -> None:
    service.record_certificate(uow, event.number, event.subject_key, event.school_code, event.province_code,
                               event.issued_at)


certificates_consumer = Consumer(name="certificates", subjects="roster.certificate.>",
                                 handlers={MakeupCertificateIssued: _issued})
