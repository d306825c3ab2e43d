"""Moves committed outbox rows to the bus. Wakes on commit (in this process) and polls as a fallback;
a row is marked published only after the bus accepted it, so a crash means redelivery, never loss."""

from __future__ import annotations

import asyncio
from contextlib import suppress

import anyio
import structlog
from sqlalchemy import Table
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.kernel.events.bus import Bus
from services.kernel.events.envelope import Envelope
from services.kernel.events.outbox import mark_failed, mark_published, pending

log = structlog.get_logger("tucai.relay")


class OutboxRelay:
    def __init__(
        self, service: str, session_factory: sessionmaker[Session], outbox: Table, bus: Bus,
        poll_seconds: float = 1.0, batch_size: int = 500,
    ) -> None:
        self.service = service
        self._sessions = session_factory
        self._outbox = outbox
        self._bus = bus
        self._poll = poll_seconds
        self._batch = batch_size
        self._wakeup = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self.published = 0

    def wake(self) -> None:
        """Thread-safe: called after a commit that wrote outbox rows."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def start(self, gate: asyncio.Event | None = None) -> None:
        """Start relaying; with a gate, only once it opens (when every consumer of the process is subscribed)."""
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(gate), name=f"outbox-relay-{self.service}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self, gate: asyncio.Event | None) -> None:
        if gate is not None:
            await gate.wait()
        while True:
            try:
                sent = await self.flush()
            except Exception:
                log.exception("relay_failed", service=self.service)
                sent = 0
            if sent < self._batch:  # a full batch means more is waiting: go again at once
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll)
                self._wakeup.clear()

    async def flush(self) -> int:
        """Publish one batch of pending events in order; returns how many were published."""
        batch = await anyio.to_thread.run_sync(self._read_pending)
        if not batch:
            return 0
        # Pipelined: the bus sends the batch in order and collects the acks once (one round trip, not one per
        # event); what was accepted before a failure is marked published in one UPDATE, the rest waits.
        try:
            accepted = await self._bus.publish_many([envelope for _, envelope in batch])
        except Exception:
            log.warning("publish_failed", service=self.service, exc_info=True)
            accepted = 0
        done = [seq for seq, _ in batch[:accepted]]
        if done:
            await anyio.to_thread.run_sync(self._mark_published, done)
        if accepted < len(batch):
            seq, envelope = batch[accepted]
            log.warning("publish_failed", service=self.service, event_type=envelope.type, event_id=envelope.id)
            await anyio.to_thread.run_sync(self._mark_failed, seq)  # keep order: retry from here next round
        self.published += len(done)
        return len(done)

    def _read_pending(self) -> list[tuple[int, Envelope]]:
        with self._sessions() as session:
            return pending(session, self._outbox, self._batch)

    def _mark_published(self, seqs: list[int]) -> None:
        with self._sessions() as session:
            mark_published(session, self._outbox, seqs)
            session.commit()

    def _mark_failed(self, seq: int) -> None:
        with self._sessions() as session:
            mark_failed(session, self._outbox, seq)
            session.commit()
