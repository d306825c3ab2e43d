"""Embedded-mode event bus: an in-memory, append-only stream with per-durable cursors.

Same semantics as the NATS adapter (see bus.py), plus one guarantee that makes the embedded mode crash safe:
the log lives in memory, so publish() only returns once every durable consumer subscribed at publish time
(whose filter matches) has finished the event: applied it (alone or in a batch with its neighbours) or
dead-lettered it. Until then the caller (the outbox relay) keeps the event in its outbox, so a crash loses
nothing that was not already handled. publish_many() appends a whole batch first and then waits once, so a
consumer gets the batch in one handler call (one transaction) instead of one event per publish.

The name helpers at the top are shared with the NATS adapter so both accept exactly the same names.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any

import structlog

from services.kernel.events.bus import BATCH_SIZE, DeadLetterSink, Handler
from services.kernel.events.delivery import Delivery
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


class Worker:
    """A consumer loop in its own task, stopped gracefully: while it holds events (handling them, retrying one,
    settling them) it may finish; anything else (waiting for events) is cancelled at once. A retry's backoff
    ends early when stopping, so the loop can hand back what it did not settle."""

    def __init__(self) -> None:
        self.stopping = False
        self.in_handler = False
        self.holding = False  # events fetched and not yet settled: a cancel now would strand them
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    def start(self, loop: Coroutine[Any, Any, None], name: str) -> None:
        self._task = asyncio.create_task(loop, name=name)

    async def pause(self, seconds: float) -> None:
        """Sleep `seconds`, or less if stop() is called meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def stop_worker(self) -> None:
        self.stopping = True
        self._stop.set()
        task = self._task
        if task is None or task.done():
            return
        if task is asyncio.current_task():
            return  # stopped from inside its own handler: the loop exits once the handler returns
        if not (self.in_handler or self.holding):
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
        await self.publish_many([envelope])

    async def publish_many(self, envelopes: list[Envelope]) -> int:
        self._require_open()
        for envelope in envelopes:
            check_type(envelope.type)
        positions = []
        for envelope in envelopes:  # one at a time: an id twice in the batch is appended once
            known = self._positions.get(envelope.id)
            positions.append(self._append(envelope) if known is None else known)
        waits = [(c, p) for p in positions for c in self._consumers.values() if c.owes(p)]
        if not waits:
            return len(envelopes)
        try:
            async with asyncio.timeout(self.ack_timeout):
                await self.wait_until(lambda: all(c.finished(p) for c, p in waits))
        except TimeoutError:
            late = sorted({c.durable for c, p in waits if not c.finished(p)})
            raise TimeoutError(
                f"{len(envelopes)} event(s) from {envelopes[0].id} not acked within {self.ack_timeout}s by {late}"
            ) from None
        return len(envelopes)

    async def subscribe(
        self, durable: str, subjects: str, handler: Handler, *, dead_letters: DeadLetterSink | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> _Consumer:
        self._require_open()
        check_durable(durable)
        check_pattern(subjects)
        if durable in self._consumers:
            raise ValueError(f"durable {durable!r} already has a live subscription on this bus")
        consumer = _Consumer(self, durable, subjects, handler, dead_letters, batch_size)
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
    def __init__(self, bus: InProcessBus, durable: str, subjects: str, handler: Handler,
                 dead_letters: DeadLetterSink | None, batch_size: int) -> None:
        super().__init__()
        self.bus, self.durable, self.subjects = bus, durable, subjects
        self.batch_size = batch_size
        self.delivery = Delivery(self, durable, handler, dead_letters, bus.max_deliver, bus.retry_delay, copy=True)
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
            positions, end = self._next_batch()
            if positions:
                self.holding = True
                try:
                    settled = await self.delivery.run([bus.log[p] for p in positions])
                finally:
                    self.holding = False
                if settled < len(positions):
                    # Stopping before the batch was handled: resume from the first unsettled event next time.
                    bus.cursors[self.durable] = positions[settled]
                    bus.notify()
                    return
            bus.cursors[self.durable] = end
            bus.notify()

    def _next_batch(self) -> tuple[list[int], int]:
        """Positions of the next matching events (at most batch_size) and the position after the last looked at."""
        log_ = self.bus.log
        positions: list[int] = []
        end = self.position
        while end < len(log_) and len(positions) < self.batch_size:
            if subject_matches(self.subjects, log_[end].type):
                positions.append(end)
            end += 1
        return positions, end
