"""What both bus adapters do with a fetched batch: hand it to the handler whole; if that fails, one event at a
time, so one poison event neither blocks nor takes down its neighbours; retry that event with backoff (later
events wait: order holds) and dead-letter it after max_deliver attempts. Kept here so the adapters cannot drift."""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import structlog

from services.kernel.events.bus import DeadLetter, DeadLetterSink, Handler, PermanentFailure
from services.kernel.events.envelope import Envelope

log = structlog.get_logger("tucai.bus")

ERROR_CHARS = 4000  # of the traceback kept with a dead letter: the end, where the cause is


class Stoppable(Protocol):
    stopping: bool
    in_handler: bool

    async def pause(self, seconds: float) -> None: ...


def retry_delay(base: float, attempt: int, cap: float = 60.0) -> float:
    """Exponential backoff after the `attempt`-th failed delivery (1-based)."""
    return min(base * 2 ** (attempt - 1), cap)


def describe(exc: BaseException) -> str:
    """The error text stored with a dead letter: the exception and the end of its traceback."""
    text = "".join(traceback.format_exception(exc))
    return text if len(text) <= ERROR_CHARS else "…" + text[-ERROR_CHARS:]


@dataclass
class Delivery:
    worker: Stoppable
    durable: str
    handler: Handler
    sink: DeadLetterSink | None
    max_deliver: int
    base_delay: float
    copy: bool = False  # in-process: a handler that mutates its envelopes must not change the log
    # Called before each backoff sleep: JetStream extends the ack deadline of the events held meanwhile.
    keepalive: Callable[[], Awaitable[None]] | None = None

    async def run(self, batch: list[Envelope], attempts: int = 0) -> int:
        """Apply `batch`; returns how many events from its start are settled (applied or dead-lettered). That is
        all of them unless the subscription is stopping mid-retry: the rest must be delivered again later.
        `attempts`: deliveries the bus already made of a lone event (JetStream's num_delivered - 1)."""
        if len(batch) > 1:
            if await self._call(batch) is None:
                return len(batch)
            log.warning("bus.batch_failed", durable=self.durable, size=len(batch))
        for done, envelope in enumerate(batch):
            if not await self._one(envelope, attempts if len(batch) == 1 else 0):
                return done
        return len(batch)

    async def dead_letter(self, letter: DeadLetter) -> bool:
        """Hand `letter` to the sink, retrying while its database is away; False if stopping first."""
        fields = {"durable": self.durable, "event_id": letter.event_id, "subject": letter.subject,
                  "attempts": letter.attempts}
        if self.sink is None:  # only bare buses in tests subscribe without a sink
            log.error("bus.event_given_up", **fields, error=letter.error)
            return True
        attempt = 0
        while True:
            attempt += 1
            try:
                await self.sink(letter)
            except Exception:
                log.exception("bus.dead_letter_failed", **fields)
                if self.worker.stopping:
                    return False
                await self.worker.pause(retry_delay(self.base_delay, attempt, cap=10.0))
                continue
            log.error("bus.event_dead_lettered", **fields, error=letter.error.splitlines()[-1:])
            return True

    async def _one(self, envelope: Envelope, already: int) -> bool:
        first: datetime | None = None
        attempt = already
        while True:
            attempt += 1
            error = await self._call([envelope])
            if error is None:
                return True
            now = datetime.now(UTC)
            first = first or now
            fields = {"durable": self.durable, "event_id": envelope.id, "type": envelope.type}
            if isinstance(error, PermanentFailure) or attempt >= self.max_deliver:
                return await self.dead_letter(DeadLetter(
                    event_id=envelope.id, envelope=envelope, raw=None, subject=envelope.type,
                    error=describe(error), attempts=attempt, first_failed_at=first, last_failed_at=now))
            log.warning("bus.handler_failed", attempt=attempt, **fields, error=repr(error))
            if self.worker.stopping:
                return False
            if self.keepalive is not None:
                await self.keepalive()
            await self.worker.pause(retry_delay(self.base_delay, attempt))
            if self.worker.stopping:
                return False

    async def _call(self, batch: list[Envelope]) -> Exception | None:
        with self._in_handler():
            try:
                await self.handler([e.model_copy(deep=True) for e in batch] if self.copy else batch)
            except Exception as exc:
                return exc
        return None

    @contextmanager
    def _in_handler(self) -> Iterator[None]:
        # While set, stop() lets the handler finish (and its events be acked) instead of cancelling it.
        self.worker.in_handler = True
        try:
            yield
        finally:
            self.worker.in_handler = False
