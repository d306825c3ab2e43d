"""Idempotent consumers: each event is applied in one transaction together with its inbox row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import anyio
import structlog
from sqlalchemy import Table

from services.kernel.events.bus import Bus, Subscription
from services.kernel.events.envelope import Envelope
from services.kernel.events.outbox import claim
from services.kernel.uow import UnitOfWork

log = structlog.get_logger("tucai.consumer")


@dataclass(frozen=True)
class Consumer:
    """A named reaction to events of some types. `handle` gets a unit of work it must not commit."""

    name: str
    subjects: str  # "roster.>" or one type, "roster.college.created"
    handle: Callable[[UnitOfWork, Envelope], None]


def apply_once(make_uow: Callable[[], UnitOfWork], inbox: Table, consumer: Consumer, envelope: Envelope) -> bool:
    """Apply `envelope` unless this consumer already did; returns whether it was applied now."""
    with make_uow() as uow:
        # Claim the event first: one statement instead of a look-up plus an insert, and a concurrent delivery
        # of the same event waits on the key, then finds it taken.
        if not claim(uow.session, inbox, envelope, consumer.name):
            return False
        consumer.handle(uow, envelope)
        uow.commit()
    log.info("event_applied", consumer=consumer.name, event_type=envelope.type, event_id=envelope.id)
    return True


async def start_consumer(
    bus: Bus, service: str, consumer: Consumer, make_uow: Callable[[], UnitOfWork], inbox: Table
) -> Subscription:
    async def handler(envelope: Envelope) -> None:
        await anyio.to_thread.run_sync(apply_once, make_uow, inbox, consumer, envelope)

    return await bus.subscribe(f"{service}-{consumer.name}", consumer.subjects, handler)
