"""The event bus port. Adapters: in-process (embedded) and NATS JetStream (distributed).

Semantics every adapter honours (tests/kernel/test_bus_contract.py runs against each):
- publish() returns once the bus has durably accepted the event; publishing the same envelope id twice
  stores it once (JetStream's Nats-Msg-Id duplicate window; the in-process log keeps a set of ids).
- subscribe(durable, subjects, handler): a durable consumer sees every event published to the stream whose
  type matches `subjects` (a type pattern like "roster.>" or "roster.college.created"), from the start of the
  stream, in publish order, and resumes where it left off when it subscribes again under the same durable name.
- The handler gets a batch: the next events in publish order (up to `batch_size`). Returning normally acks all
  of them. Raising means "not applied": the adapter then hands the events over again one at a time, in order,
  so only the event that fails stays behind; it is retried (with backoff, later events waiting so order holds)
  up to max_deliver attempts, or at once given up when the handler raised PermanentFailure.
- An event given up on goes to the subscription's dead-letter sink (the consumer's `dead_letter` table) and
  is acked only once the sink accepted it: never dropped. Messages that cannot be decoded go there too.
- One live subscription per durable and process, and batches are applied one after another: that single
  ordered reader is what keeps the events of one key (one student, one college) in publish order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.kernel.events.envelope import Envelope

# Events in publish order; returns once all are applied, raises if none of them is.
Handler = Callable[[list[Envelope]], Awaitable[None]]

BATCH_SIZE = 256  # events per handler call at most: one transaction each, a few ms of database work


class PermanentFailure(Exception):
    """Retrying cannot help (an unknown version, a payload that does not validate): dead-letter at once."""


@dataclass(frozen=True)
class DeadLetter:
    """An event the consumer gave up on, with why. `envelope` is None when the message did not decode."""

    event_id: str
    envelope: Envelope | None
    raw: bytes | None
    subject: str
    error: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime


DeadLetterSink = Callable[[DeadLetter], Awaitable[None]]


class Subscription(Protocol):
    async def stop(self) -> None: ...


class Bus(Protocol):
    async def connect(self) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> bool: ...

    async def publish(self, envelope: Envelope) -> None: ...

    async def publish_many(self, envelopes: list[Envelope]) -> int:
        """Publish in order, pipelined; returns how many (from the first) were accepted before a failure."""
        ...

    async def subscribe(
        self, durable: str, subjects: str, handler: Handler, *, dead_letters: DeadLetterSink | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> Subscription: ...
