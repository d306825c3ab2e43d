"""Embedded-mode event bus: an in-memory, append-only stream with per-durable cursors.

Same semantics as the NATS adapter (see bus.py), plus one guarantee that makes the embedded mode crash safe:
the log lives in memory, so publish() only returns once every durable consumer subscribed at publish time
(whose filter matches) has acked the event or given up on it. Until then the caller (the outbox relay) keeps
the event in its outbox, so a crash loses nothing that was not already handled.

The name helpers at the top are shared with the NATS adapter so both accept exactly the same names.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any

import structlog

from services.kernel.events.bus import Handler
from services.kernel.events.envelope import Envelope

log = structlog.get_logger("tucai.bus")

# A literal subject token: NATS forbids dots (separator), wildcards and whitespace inside a token.
_LITERAL = re.compile(r"[^\s.*>]+")
# Durable names become NATS consumer names: keep them to a portable alphabet.
_DURABLE = re.compile(r"[A-Za-z0-9_-]+")
# How long stop() lets an in-flight handler finish before cancelling it.
STOP_GRACE = 10.0


def check_type(event_type: str) -> None:
    """An event type is a dotted, wildcard-free subject such as "roster.college.created"."""
    if not all(_LITERAL.fullmatch(token) for token in event_type.split(".")):
        raise ValueError(f"invalid event type {event_type!r}: expected dotted words without wildcards")


def check_pattern(pattern: str) -> None:
    """A subscription pattern is a type where "*" stands for one token and a final ">" for one or more."""
    tokens = pattern.split(".")
    for i, token in enumerate(tokens):
        if token == "*" or (token == ">" and i == len(tokens) - 1) or _LITERAL.fullmatch(token):
            continue
        raise ValueError(f"invalid subject pattern {pattern!r}")


def check_durable(durable: str) -> None:
    if not _DURABLE.fullmatch(durable):
        raise ValueError(f"invalid durable name {durable!r}: use letters, digits, '-' and '_'")


def subject_matches(pattern: str, event_type: str) -> bool:
    """NATS subject matching: "*" matches exactly one token, a trailing ">" one or more."""
    wanted, tokens = pattern.split("."), event_type.split(".")
    for i, want in enumerate(wanted):
        if want == ">":
            return len(tokens) > i
        if i >= len(tokens) or (want != "*" and want != tokens[i]):
            return False
    return len(tokens) == len(wanted)


def retry_delay(base: float, attempt: int, cap: float = 60.0) -> float:
    """Exponential backoff after the `attempt`-th failed delivery (1-based)."""
    return min(base * 2 ** (attempt - 1), cap)


class Worker:
    """A consumer loop in its own task, stopped gracefully: a handler that is running may finish (and ack),
    anything else (waiting for events, backing off) is cancelled at once."""

    def __init__(self) -> None:
        self.stopping = False
        self.in_handler = False
        self._task: asyncio.Task[None] | None = None

    def start(self, loop: Coroutine[Any, Any, None], name: str) -> None:
        self._task = asyncio.create_task(loop, name=name)

    async def stop_worker(self) -> None:
        self.stopping = True
        task = self._task
        if task is None or task.done():
            return
        if task is asyncio.current_task():
            return  # stopped from inside its own handler: the loop exits once the handler returns
        if not self.in_handler:
            task.cancel()
        await asyncio.wait({task}, timeout=STOP_GRACE)
        if not task.done():
            task.cancel()
            await asyncio.wait({task})


# The consumer whose handler is running in this context, so publish() from inside a handler does not wait
# for that same consumer (which could only move on after the handler returns: a deadlock).
_current_consumer: ContextVar[_Consumer | None] = ContextVar("tucai_bus_consumer", default=None)


class InProcessBus:
    def __init__(self, *, ack_timeout: float = 30.0, max_deliver: int = 5, retry_delay: float = 0.1) -> None:
        self.ack_timeout = ack_timeout
        self.max_deliver = max_deliver
        self.retry_delay = retry_delay
        self.log: list[Envelope] = []  # the stream: append-only, in publish order
        self._positions: dict[str, int] = {}  # envelope id -> position in the log (dedupe)
        self.cursors: dict[str, int] = {}  # durable -> position of the next event it has not finished
        self._consumers: dict[str, _Consumer] = {}  # live subscriptions by durable
        self._tick = asyncio.Event()  # replaced on every change; waiters re-check their condition
        self._open = False

    async def connect(self) -> None:
        self._open = True

    async def close(self) -> None:
        for consumer in list(self._consumers.values()):
            await consumer.stop()
        self._open = False

    async def ping(self) -> bool:
        return self._open

    async def publish(self, envelope: Envelope) -> None:
        self._require_open()
        check_type(envelope.type)
        position = self._positions.get(envelope.id)
        if position is None:
            position = self._append(envelope)
        pending = [c for c in self._consumers.values() if c.owes(position)]
        if not pending:
            return
        try:
            async with asyncio.timeout(self.ack_timeout):
                await self.wait_until(lambda: all(c.finished(position) for c in pending))
        except TimeoutError:
            late = sorted(c.durable for c in pending if not c.finished(position))
            raise TimeoutError(
                f"event {envelope.id} ({envelope.type}) not acked within {self.ack_timeout}s by {late}"
            ) from None

    async def subscribe(self, durable: str, subjects: str, handler: Handler) -> _Consumer:
        self._require_open()
        check_durable(durable)
        check_pattern(subjects)
        if durable in self._consumers:
            raise ValueError(f"durable {durable!r} already has a live subscription on this bus")
        consumer = _Consumer(self, durable, subjects, handler)
        self._consumers[durable] = consumer
        self.cursors.setdefault(durable, 0)  # a new durable starts at the beginning of the stream
        consumer.start(consumer.run(), name=f"bus:{durable}")
        return consumer

    def _append(self, envelope: Envelope) -> int:
        # Store a serialised copy: it proves the event survives the wire (as on NATS) and decouples it
        # from the publisher's object.
        self.log.append(Envelope.from_bytes(envelope.to_bytes()))
        self._positions[envelope.id] = len(self.log) - 1
        self.notify()
        return len(self.log) - 1

    def _require_open(self) -> None:
        if not self._open:
            raise RuntimeError("the in-process bus is not connected: call connect() first")

    def forget(self, consumer: _Consumer) -> None:
        if self._consumers.get(consumer.durable) is consumer:
            del self._consumers[consumer.durable]
        self.notify()

    def notify(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        while not condition():
            await self._tick.wait()  # no await between the check and taking the event: no lost wake-up


class _Consumer(Worker):
    def __init__(self, bus: InProcessBus, durable: str, subjects: str, handler: Handler) -> None:
        super().__init__()
        self.bus, self.durable, self.subjects, self.handler = bus, durable, subjects, handler
        self.stopped = False

    @property
    def position(self) -> int:
        return self.bus.cursors[self.durable]

    def owes(self, position: int) -> bool:
        """Whether a publisher of the event at `position` must wait for this consumer."""
        return (
            not self.stopping
            and _current_consumer.get() is not self
            and subject_matches(self.subjects, self.bus.log[position].type)
            and not self.finished(position)
        )

    def finished(self, position: int) -> bool:
        return self.stopped or self.position > position

    async def stop(self) -> None:
        await self.stop_worker()
        self.stopped = True
        self.bus.forget(self)

    async def run(self) -> None:
        _current_consumer.set(self)
        bus = self.bus
        while not self.stopping:
            await bus.wait_until(lambda: self.position < len(bus.log))
            envelope = bus.log[self.position]
            if subject_matches(self.subjects, envelope.type) and not await self._deliver(envelope):
                return  # stopping before the event was handled: resume from it next time
            bus.cursors[self.durable] += 1
            bus.notify()

    async def _deliver(self, envelope: Envelope) -> bool:
        """Run the handler with retries; True once the event is acked or given up on."""
        for attempt in range(1, self.bus.max_deliver + 1):
            self.in_handler = True
            try:
                # A copy per delivery: a handler that mutates its envelope cannot affect others.
                await self.handler(envelope.model_copy(deep=True))
                return True
            except Exception:
                fields = {"durable": self.durable, "event_id": envelope.id, "type": envelope.type}
                if attempt == self.bus.max_deliver:
                    log.error("bus.event_dropped", attempts=attempt, **fields, exc_info=True)
                    return True
                log.warning("bus.handler_failed", attempt=attempt, **fields, exc_info=True)
            finally:
                self.in_handler = False
            if self.stopping:
                return False
            await asyncio.sleep(retry_delay(self.bus.retry_delay, attempt))
        return True
