"""Idempotent consumers: a batch of events is applied in one transaction together with its inbox rows; events
the consumer gives up on are kept in the dead_letter table of the same database until replayed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import anyio
import structlog
from pydantic import ValidationError
from sqlalchemy import Table, text

from services.kernel.events import dead_letters
from services.kernel.events.bus import Bus, DeadLetter, PermanentFailure, Subscription
from services.kernel.events.delivery import describe
from services.kernel.events.envelope import Envelope
from services.kernel.events.event import Event
from services.kernel.events.outbox import claim_many
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
        """The typed event and its handler; PermanentFailure (no retry can fix it) for an unknown version or
        a payload that does not validate."""
        cls, handler = self._by_type[envelope.type]
        if envelope.version != cls.VERSION:
            # A version this consumer was not written for: fail loudly (dead letter), never guess.
            raise PermanentFailure(f"{self.name} handles {cls.TYPE} v{cls.VERSION}, got v{envelope.version}")
        try:
            return cls.model_validate(envelope.payload), handler
        except ValidationError as exc:
            raise PermanentFailure(f"{self.name}: {cls.TYPE} v{cls.VERSION} payload does not validate: {exc}") from exc


def apply_batch(make_uow: Callable[[], UnitOfWork], inbox: Table, consumer: Consumer,
                envelopes: list[Envelope]) -> list[str]:
    """Apply, in order and in one transaction, the events of `envelopes` this consumer has not applied yet;
    returns the ids applied now. Raises (and changes nothing) if any of them fails."""
    wanted = [e for e in envelopes if consumer.wants(e)]
    if not wanted:
        return []
    with make_uow() as uow:
        serialize(uow, consumer)
        # One statement claims the whole batch; only the new ones run (a redelivered batch is a no-op).
        new = claim_many(uow.session, inbox, wanted, consumer.name)
        applied: list[str] = []
        for envelope in wanted:
            if envelope.id in new and envelope.id not in applied:
                event, handler = consumer.decode(envelope)
                handler(uow, event)
                applied.append(envelope.id)
        uow.commit()
    if applied:
        log.info("events_applied", consumer=consumer.name, count=len(applied), first_id=applied[0],
                 last_id=applied[-1])
    return applied


def serialize(uow: UnitOfWork, consumer: Consumer) -> None:
    """Hold this consumer's lock until the transaction ends. Handlers read-modify-write their read models (a
    counter += 1 through the ORM); two of their transactions at once (a replay beside the live consumer, two
    replicas, a process that is being replaced) would lose or double updates. On PostgreSQL a transaction-level
    advisory lock per consumer makes them take turns; SQLite allows one writer per database anyway."""
    if uow.session.get_bind().dialect.name == "postgresql":
        uow.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                            {"key": f"tucai-consumer:{consumer.name}"})


def store_dead_letter(make_uow: Callable[[], UnitOfWork], table: Table, consumer: Consumer,
                      letter: DeadLetter) -> None:
    with make_uow() as uow:
        dead_letters.record(uow.session, table, consumer.name, letter)
        uow.commit()


async def start_consumer(
    bus: Bus, service: str, consumer: Consumer, make_uow: Callable[[], UnitOfWork], inbox: Table,
    dead_letter_table: Table,
) -> Subscription:
    async def handler(envelopes: list[Envelope]) -> None:
        await anyio.to_thread.run_sync(apply_batch, make_uow, inbox, consumer, envelopes)

    async def sink(letter: DeadLetter) -> None:
        await anyio.to_thread.run_sync(store_dead_letter, make_uow, dead_letter_table, consumer, letter)

    return await bus.subscribe(f"{service}-{consumer.name}", consumer.subjects, handler, dead_letters=sink)


# -- replay --------------------------------------------------------------------------------------------------


class ReplayError(Exception):
    """A dead letter could not be replayed: `code` says why (not_found, not_replayable, failed_again)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def replay(make_uow: Callable[[], UnitOfWork], inbox: Table, table: Table, consumers: list[Consumer],
           letter_id: str) -> dict[str, Any]:
    """Apply a dead letter through its consumer now: handler, inbox row and the removal of the dead letter in one
    transaction. If it fails again the row stays, with the new error and one more attempt, and ReplayError says
    why. Returns the dead letter as it was, with `applied`: False when the inbox already had the event."""
    with make_uow() as uow:
        row = dead_letters.get(uow.session, table, letter_id)
    if row is None:
        raise ReplayError("not_found", f"no dead letter {letter_id}")
    consumer = next((c for c in consumers if c.name == row["consumer"]), None)
    envelope = dead_letters.envelope_of(row)
    if consumer is None or envelope is None or not consumer.wants(envelope):
        raise ReplayError("not_replayable", "the message never decoded, or no consumer of this service takes it")
    try:
        with make_uow() as uow:
            serialize(uow, consumer)
            new = claim_many(uow.session, inbox, [envelope], consumer.name)
            if new:
                event, handler = consumer.decode(envelope)
                handler(uow, event)
            dead_letters.remove(uow.session, table, letter_id)
            uow.commit()
    except Exception as exc:
        error = describe(exc)
        with make_uow() as uow:
            dead_letters.failed_again(uow.session, table, letter_id, error, datetime.now(UTC))
            uow.commit()
        raise ReplayError("failed_again", error) from exc
    log.info("dead_letter_replayed", consumer=consumer.name, event_id=envelope.id, applied=bool(new))
    return {**row, "applied": bool(new)}
