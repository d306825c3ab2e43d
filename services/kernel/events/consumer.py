"""Idempotent consumers: each event is applied in one transaction together with its inbox row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import structlog
from sqlalchemy import Table

from services.kernel.events.bus import Bus, Subscription
from services.kernel.events.envelope import Envelope
from services.kernel.events.event import Event, UnknownEvent
from services.kernel.events.outbox import claim
from services.kernel.uow import UnitOfWork

log = structlog.get_logger("tucai.consumer")

# A handler receives the typed event of the class it was registered for.
EventHandler = Callable[[UnitOfWork, Any], None]


@dataclass(frozen=True)
class Consumer:
    """A named reaction to events. `handlers` maps each event class to a function that gets a unit of work it
    must not commit and the typed event; events of other types on `subjects` are acknowledged and ignored."""

    name: str
    subjects: str  # "roster.>" or one type, "roster.college.created"
    handlers: Mapping[type[Event], EventHandler]
    _by_type: dict[str, tuple[type[Event], EventHandler]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_type", {cls.TYPE: (cls, fn) for cls, fn in self.handlers.items()})

    def wants(self, envelope: Envelope) -> bool:
        return envelope.type in self._by_type

    def decode(self, envelope: Envelope) -> tuple[Event, EventHandler]:
        cls, handler = self._by_type[envelope.type]
        if envelope.version != cls.VERSION:
            # A version this consumer was not written for: fail loudly (dead letter), never guess.
            raise UnknownEvent(f"{self.name} handles {cls.TYPE} v{cls.VERSION}, got v{envelope.version}")
        return cls.model_validate(envelope.payload), handler


def apply_once(make_uow: Callable[[], UnitOfWork], inbox: Table, consumer: Consumer, envelope: Envelope) -> bool:
    """Apply `envelope` unless this consumer already did; returns whether it was applied now."""
    if not consumer.wants(envelope):
        return False
    event, handler = consumer.decode(envelope)
    with make_uow() as uow:
        # Claim the event first: one statement instead of a look-up plus an insert, and a concurrent delivery
        # of the same event waits on the key, then finds it taken.
        if not claim(uow.session, inbox, envelope, consumer.name):
            return False
        handler(uow, event)
        uow.commit()
    log.info("event_applied", consumer=consumer.name, event_type=envelope.type, event_id=envelope.id)
    return True


async def start_consumer(
    bus: Bus, service: str, consumer: Consumer, make_uow: Callable[[], UnitOfWork], inbox: Table
) -> Subscription:
    async def handler(envelope: Envelope) -> None:
        await anyio.to_thread.run_sync(apply_once, make_uow, inbox, consumer, envelope)

    return await bus.subscribe(f"{service}-{consumer.name}", consumer.subjects, handler)
