"""Keeps payments' photographed table from capture's accepted photos (idempotent upsert by subject). Capture's
event names the student by pseudonym; the class and term come from payments' own payer row (roster's
projection), so a retake or a redelivery never counts a student twice."""

from __future__ import annotations

from sqlalchemy import Table

from services.capture.events import PhotoAccepted
from services.kernel.db import table_of, upsert_insert
from services.kernel.events.consumer import Consumer
from services.kernel.queries import get_system
from services.kernel.uow import UnitOfWork
from services.payments.models import Payer, Photographed, utcnow

TABLE: Table = table_of(Photographed)


def on_photo_accepted(uow: UnitOfWork, event: PhotoAccepted) -> None:
    payer = get_system(uow.session, Payer, subject_key=event.subject_key)
    values = {"subject_key": event.subject_key, "province_code": event.province_code,
              "school_code": event.school_code, "class_id": payer.class_id if payer else None,
              "term": payer.term if payer else "", "photographed_at": utcnow()}
    stmt = upsert_insert(uow.session, TABLE).values(**values)
    uow.session.execute(stmt.on_conflict_do_nothing(index_elements=[TABLE.c.subject_key]))


photographed_consumer = Consumer(name="photographed", subjects="capture.>",
                                 handlers={PhotoAccepted: on_photo_accepted})
