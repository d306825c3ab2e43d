"""Keeps payments' photographed table from capture's accepted photos (idempotent upsert by subject)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from services.kernel.events.consumer import Consumer
from services.kernel.uow import UnitOfWork
from services.payments.models import Photographed
from services.payments.settlement.capture_standin import PhotoAccepted

TABLE: Table = Photographed.__table__  # type: ignore[attr-defined]


def on_photo_accepted(uow: UnitOfWork, event: PhotoAccepted) -> None:
    insert = postgresql.insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = {"subject_key": event.subject_key, "province_code": event.province_code,
              "school_code": event.school_code, "class_id": event.class_id, "term": event.term,
              "photographed_at": event.accepted_at}
    uow.session.execute(insert(TABLE).values(**values).on_conflict_do_nothing(index_elements=[TABLE.c.subject_key]))


photographed_consumer = Consumer(name="photographed", subjects="capture.>",
                                 handlers={PhotoAccepted: on_photo_accepted})
