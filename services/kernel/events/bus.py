"""The event bus port. Adapters: in-process (embedded) and NATS JetStream (distributed).

Semantics every adapter honours (tests/kernel/test_bus_contract.py runs against each):
- publish() returns once the bus has durably accepted the event; publishing the same envelope id twice
  stores it once (JetStream's Nats-Msg-Id duplicate window; the in-process log keeps a set of ids).
- subscribe(durable, subjects, handler): a durable consumer sees every event published to the stream whose
  type matches `subjects` (a type pattern like "roster.>" or "roster.college.created"), from the start of the
  stream, in publish order, and resumes where it left off when it subscribes again under the same durable name.
- handler returning normally acks; raising naks and the event is redelivered (at least once), up to
  max_deliver attempts, after which it is dropped and logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from services.kernel.events.envelope import Envelope

Handler = Callable[[Envelope], Awaitable[None]]


class Subscription(Protocol):
    async def stop(self) -> None: ...


class Bus(Protocol):
    async def connect(self) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> bool: ...

    async def publish(self, envelope: Envelope) -> None: ...

    async def subscribe(self, durable: str, subjects: str, handler: Handler) -> Subscription: ...
