"""Capture learns its days, rooms and stations from scheduling's published plans (the agency's capture-days
endpoint stays for days without a plan). Idempotent by the inbox and by the upsert in the service."""

from __future__ import annotations

from services.capture.stations import service
from services.kernel.events.consumer import Consumer
from services.kernel.uow import UnitOfWork
from services.scheduling.events import PlanPublished


def _plan_published(uow: UnitOfWork, event: PlanPublished) -> None:
    service.apply_published_plan(
        uow, event.school_code, event.province_code, event.dates,
        [service.PlannedRoom(room=room, stations=max(1, min(event.room_stations.get(room, 1), 20)))
         for room in event.rooms])


plans_consumer = Consumer(name="plans", subjects=PlanPublished.TYPE, handlers={PlanPublished: _plan_published})
