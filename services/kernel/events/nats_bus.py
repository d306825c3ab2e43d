"""Distributed-mode event bus on NATS JetStream.

One stream (file storage) holds every event under `<prefix>.<type>`; JetStream's duplicate window,
keyed by the `Nats-Msg-Id` header (the envelope id), makes a re-published event a no-op. Each durable is
a pull consumer with explicit acks, read by one subscription that fetches up to batch_size events, hands them
to the handler in stream order, acks them after the handler returned (the consumer has committed: a lost ack
only means a redelivery the inbox absorbs), and only then fetches again. max_ack_pending = batch_size: the
server never has more out than one batch. A failing event is retried in place (delivery.py) while the events
behind it wait in hand, so order holds without naks; stopping mid-retry naks the unsettled rest in order,
which the server redelivers before anything newer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext, api
from nats.js.errors import BadRequestError
from pydantic import ValidationError

from services.kernel.events.bus import BATCH_SIZE, DeadLetter, DeadLetterSink, Handler
from services.kernel.events.delivery import Delivery, describe
from services.kernel.events.envelope import Envelope
from services.kernel.events.inprocess import Worker, check_durable, check_pattern, check_type

log = structlog.get_logger("tucai.bus")

_STREAM_EXISTS_DIFFERENTLY = 10058  # JetStream err_code: "stream name already in use with a different config"


class NatsBus:
    def __init__(
        self,
        url: str,
        *,
        stream: str = "TUCAI",
        subject_prefix: str = "tucai",
        ack_wait: float = 30.0,
        max_deliver: int = 5,
        retry_delay: float = 0.5,
        duplicate_window: float = 120.0,
        fetch_timeout: float = 5.0,
        batch_wait: float = 0.05,
        publish_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        name: str = "tucai",
    ) -> None:
        self.servers = [part.strip() for part in url.split(",") if part.strip()]
        self.stream = stream
        self.prefix = subject_prefix
        self.ack_wait = ack_wait
        self.max_deliver = max_deliver
        self.retry_delay = retry_delay
        self.duplicate_window = duplicate_window
        self.fetch_timeout = fetch_timeout
        self.batch_wait = batch_wait
        self.publish_timeout = publish_timeout
        self.connect_timeout = connect_timeout
        self.name = name
        self._nc: NATS | None = None
        self._js: JetStreamContext | None = None
        self._subscriptions: dict[str, NatsSubscription] = {}

    # -- lifecycle -------------------------------------------------------------------------------------

    async def connect(self) -> None:
        nc = NATS()
        try:
            # Reconnect forever once connected (nats-py replays subscriptions); the first connect is bounded
            # so a service with a wrong URL fails its startup instead of hanging.
            await asyncio.wait_for(
                nc.connect(
                    servers=self.servers,
                    name=self.name,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=1,
                    connect_timeout=2,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                ),
                timeout=self.connect_timeout,
            )
        except TimeoutError:
            with contextlib.suppress(Exception):
                await nc.close()
            raise ConnectionError(
                f"could not reach NATS at {self.servers} within {self.connect_timeout}s"
            ) from None
        self._nc, self._js = nc, nc.jetstream()
        await self._ensure_stream()

    async def close(self) -> None:
        for subscription in list(self._subscriptions.values()):
            await subscription.stop()
        nc, self._nc, self._js = self._nc, None, None
        if nc is not None and not nc.is_closed:
            try:
                await nc.drain()  # flushes outstanding acks before closing
            except Exception:
                log.warning("bus.close_failed", exc_info=True)
                with contextlib.suppress(Exception):
                    await nc.close()

    async def ping(self) -> bool:
        if self._nc is None or self._js is None or not self._nc.is_connected:
            return False
        try:
            await asyncio.wait_for(self._js.stream_info(self.stream), timeout=2)
        except Exception:
            return False
        return True

    # -- the port --------------------------------------------------------------------------------------

    async def publish(self, envelope: Envelope) -> None:
        check_type(envelope.type)
        # Awaits the PubAck, i.e. the event is stored; a duplicate id inside the window is acked, not stored.
        await self._jetstream().publish(
            self.subject(envelope.type), envelope.to_bytes(), headers={"Nats-Msg-Id": envelope.id}
        )

    async def publish_many(self, envelopes: list[Envelope]) -> int:
        """Send all, in order, without waiting between them, then collect the PubAcks: one round trip per batch
        instead of one per event. The stream keeps the send order (one connection, sent in sequence)."""
        js = self._jetstream()
        for envelope in envelopes:
            check_type(envelope.type)
        acks = []
        for envelope in envelopes:
            acks.append(await js.publish_async(
                self.subject(envelope.type), envelope.to_bytes(), headers={"Nats-Msg-Id": envelope.id}))
        accepted = 0
        for ack in acks:
            try:
                await asyncio.wait_for(ack, timeout=self.publish_timeout)  # the future alone never times out
            except Exception:
                log.warning("bus.publish_failed", accepted=accepted, exc_info=True)
                for rest in acks:
                    rest.cancel()
                break
            accepted += 1
        return accepted

    async def subscribe(
        self, durable: str, subjects: str, handler: Handler, *, dead_letters: DeadLetterSink | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> NatsSubscription:
        check_durable(durable)
        check_pattern(subjects)
        if durable in self._subscriptions:
            raise ValueError(f"durable {durable!r} already has a live subscription on this bus")
        await self.ensure_consumer(durable, subjects, batch_size)
        pull = await self._jetstream().pull_subscribe_bind(durable, stream=self.stream)
        subscription = NatsSubscription(self, durable, subjects, pull, handler, dead_letters, batch_size)
        self._subscriptions[durable] = subscription
        subscription.start(subscription.run(), name=f"bus:{durable}")
        return subscription

    # -- helpers ---------------------------------------------------------------------------------------

    def subject(self, pattern: str) -> str:
        return f"{self.prefix}.{pattern}"

    async def ensure_consumer(self, durable: str, subjects: str, batch_size: int = BATCH_SIZE) -> None:
        """Create the durable, or update it in place (JetStream keeps its position either way)."""
        config = api.ConsumerConfig(
            name=durable,
            durable_name=durable,
            deliver_policy=api.DeliverPolicy.ALL,
            ack_policy=api.AckPolicy.EXPLICIT,
            filter_subject=self.subject(subjects),
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            max_ack_pending=batch_size,
        )
        await self._jetstream().add_consumer(self.stream, config)

    def forget(self, subscription: NatsSubscription) -> None:
        if self._subscriptions.get(subscription.durable) is subscription:
            del self._subscriptions[subscription.durable]

    def _jetstream(self) -> JetStreamContext:
        if self._js is None:
            raise RuntimeError("the NATS bus is not connected: call connect() first")
        return self._js

    async def _ensure_stream(self) -> None:
        config = api.StreamConfig(
            name=self.stream,
            subjects=[f"{self.prefix}.>"],
            storage=api.StorageType.FILE,
            duplicate_window=self.duplicate_window,
        )
        js = self._jetstream()
        try:
            await js.add_stream(config)  # idempotent when the stream exists with this config
        except BadRequestError as exc:
            if exc.err_code != _STREAM_EXISTS_DIFFERENTLY:
                raise
            await js.update_stream(config)

    async def _on_error(self, exc: Exception) -> None:
        log.warning("bus.nats_error", error=repr(exc))

    async def _on_disconnected(self) -> None:
        log.warning("bus.nats_disconnected")

    async def _on_reconnected(self) -> None:
        url = self._nc.connected_url if self._nc else None
        log.info("bus.nats_reconnected", server=url.netloc if url else None)


class NatsSubscription(Worker):
    def __init__(
        self,
        bus: NatsBus,
        durable: str,
        subjects: str,
        pull: JetStreamContext.PullSubscription,
        handler: Handler,
        dead_letters: DeadLetterSink | None,
        batch_size: int,
    ) -> None:
        super().__init__()
        self.bus, self.durable, self.subjects, self.pull = bus, durable, subjects, pull
        self.batch_size = batch_size
        self._held: list[Msg] = []  # fetched, not yet settled: kept alive while a poison event is retried
        self.delivery = Delivery(self, durable, handler, dead_letters, bus.max_deliver, bus.retry_delay,
                                 keepalive=self._keepalive)

    async def stop(self) -> None:
        """Stop fetching; the durable stays on the server so a later subscribe resumes after the last ack."""
        await self.stop_worker()
        # Dropping the inbox removes interest, so the server discards our lingering pull request instead
        # of handing the next event to a reader that is gone.
        with contextlib.suppress(Exception):
            await self.pull.unsubscribe()
        self.bus.forget(self)

    async def run(self) -> None:
        while not self.stopping:
            try:
                # Wait up to fetch_timeout for the first event (cancelled at once by stop()) ...
                messages = await self.pull.fetch(1, timeout=self.bus.fetch_timeout)
            except TimeoutError:  # nats' own TimeoutError subclasses it
                continue  # nothing new: poll again
            except Exception:
                await self._recover()
                continue
            self.holding = True  # from here on stop() lets us finish: fetched events are settled, never stranded
            try:
                messages += await self._more()
                if not await self._handle(messages):
                    return  # stopping mid-retry: the unsettled rest was nakked and comes back first
            finally:
                self.holding = False

    async def _more(self) -> list[Msg]:
        """... then whatever else is there already, up to a batch, waiting at most batch_wait."""
        if self.batch_size <= 1:
            return []
        try:
            return await self.pull.fetch(self.batch_size - 1, timeout=self.bus.batch_wait)
        except TimeoutError:
            return []
        except Exception:
            log.warning("bus.fetch_more_failed", durable=self.durable, exc_info=True)
            return []

    async def _recover(self) -> None:
        """A fetch failed (disconnected, consumer gone): wait, then make sure the durable exists again."""
        log.warning("bus.fetch_failed", durable=self.durable, exc_info=True)
        await asyncio.sleep(1.0)
        try:
            await self.bus.ensure_consumer(self.durable, self.subjects, self.batch_size)
        except Exception as exc:
            log.warning("bus.consumer_recreate_failed", durable=self.durable, error=repr(exc))

    async def _handle(self, messages: list[Msg]) -> bool:
        """Apply the fetched messages in order and ack what was settled; False if stopping cut it short."""
        self._held = list(messages)
        settled = 0
        while settled < len(messages):
            run, envelopes = self._decodable_run(messages, settled)
            if not envelopes:  # messages[settled] did not decode: nothing to retry, straight to the dead letters
                done = int(await self.delivery.dead_letter(self._undecodable(messages[settled])))
            else:
                done = await self.delivery.run(envelopes, attempts=messages[settled].metadata.num_delivered - 1)
            await self._ack(messages[settled:settled + done])
            settled += done
            if done < run:
                break
        self._held = []
        if settled < len(messages):
            for msg in messages[settled:]:  # in order: the server redelivers them in this order, first
                await self._settle(msg.nak)
            return False
        return True

    def _decodable_run(self, messages: list[Msg], start: int) -> tuple[int, list[Envelope]]:
        """The envelopes of the messages from `start` up to the first that does not decode."""
        envelopes: list[Envelope] = []
        for msg in messages[start:]:
            try:
                envelopes.append(Envelope.from_bytes(msg.data))
            except ValidationError:
                break
        return max(len(envelopes), 1), envelopes

    def _undecodable(self, msg: Msg) -> DeadLetter:
        try:
            Envelope.from_bytes(msg.data)
        except ValidationError as exc:
            error = describe(exc)
        now = datetime.now(UTC)
        event_id = (msg.headers or {}).get("Nats-Msg-Id") or f"seq-{msg.metadata.sequence.stream}"
        return DeadLetter(event_id=event_id, envelope=None, raw=msg.data, subject=msg.subject, error=error,
                          attempts=msg.metadata.num_delivered, first_failed_at=now, last_failed_at=now)

    async def _ack(self, messages: list[Msg]) -> None:
        # Plain (async) acks after the commit: a lost one is a redelivery the inbox absorbs; one flush for all.
        for msg in messages:
            await self._settle(msg.ack)
        if messages:
            with contextlib.suppress(Exception):
                await self.pull._nc.flush(timeout=5)  # the server has the acks before our next fetch

    async def _keepalive(self) -> None:
        for msg in self._held:
            await self._settle(msg.in_progress)

    async def _settle(self, action: Callable[..., Awaitable[Any]], **kwargs: Any) -> None:
        # If the ack/nak is lost the server redelivers after ack_wait: at least once, never lost.
        try:
            await action(**kwargs)
        except Exception as exc:
            log.warning("bus.ack_failed", durable=self.durable, error=repr(exc))
