"""The event bus contract (services/kernel/events/bus.py), run against every adapter.

"Nothing else arrives" is checked with a barrier rather than a sleep: delivery is in publish order, so once
the last published matching event has arrived, anything that should not have been delivered would already be
in the consumer's list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import anyio
import nats
import pytest

from services.kernel.events.bus import Bus
from services.kernel.events.envelope import Envelope, Tenant
from services.kernel.events.factory import open_bus
from services.kernel.events.inprocess import InProcessBus
from services.kernel.events.nats_bus import NatsBus
from tests.support.infra import NATS_URL, note_used, require_nats

pytestmark = pytest.mark.anyio

WAIT = 10  # seconds: the bound on every wait for a delivery


@pytest.fixture(params=["memory", pytest.param("nats", marks=pytest.mark.nats)])
async def bus(request: pytest.FixtureRequest, anyio_backend: str) -> AsyncIterator[Bus]:
    if request.param == "memory":
        memory = open_bus("memory://")
        await memory.connect()
        yield memory
        await memory.close()
        return
    require_nats()
    note_used("bus contract suite: NATS JetStream 127.0.0.1:4222")
    # The server is shared with other runs: a stream and subject prefix of our own, deleted afterwards.
    suffix = uuid4().hex[:12]
    stream = f"TEST_{suffix}"
    real = open_bus(NATS_URL, stream=stream, subject_prefix=f"test{suffix}")
    await real.connect()
    try:
        yield real
    finally:
        await real.close()
        await _delete_stream(stream)


async def _delete_stream(stream: str) -> None:
    nc = await nats.connect(NATS_URL)
    try:
        await nc.jetstream().delete_stream(stream)
    finally:
        await nc.close()


class Recorder:
    """A handler that records what it was given and lets the test wait for a number of deliveries."""

    def __init__(self, fail_first: set[str] | None = None) -> None:
        self.events: list[Envelope] = []  # successfully handled, in order
        self.attempts: Counter[str] = Counter()  # deliveries per event id, failed ones included
        self._fail_first = set(fail_first or ())
        self._changed = anyio.Event()

    async def __call__(self, envelope: Envelope) -> None:
        self.attempts[envelope.id] += 1
        self._signal()
        if envelope.id in self._fail_first:
            self._fail_first.discard(envelope.id)
            raise RuntimeError("handler failed (on purpose)")
        self.events.append(envelope)
        self._signal()

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.events]

    async def wait_for(self, count: int) -> None:
        with anyio.fail_after(WAIT):
            while len(self.events) < count:
                await self._changed.wait()

    async def wait_for_id(self, event_id: str) -> None:
        with anyio.fail_after(WAIT):
            while event_id not in self.ids:
                await self._changed.wait()

    def _signal(self) -> None:
        self._changed.set()
        self._changed = anyio.Event()


def event(event_type: str = "roster.college.created", **payload: object) -> Envelope:
    return Envelope(type=event_type, tenant=Tenant(province="sc", school="scu"), payload=payload)


async def publish_all(bus: Bus, events: list[Envelope]) -> None:
    for envelope in events:
        await bus.publish(envelope)


# -- the contract ------------------------------------------------------------------------------------------


async def test_ping_is_true_after_connect(bus: Bus) -> None:
    assert await bus.ping() is True


async def test_a_durable_subscribing_later_gets_earlier_events(bus: Bus) -> None:
    first = event(n=1)
    await bus.publish(first)
    inbox = Recorder()
    await bus.subscribe("late-reader", "roster.>", inbox)
    await inbox.wait_for(1)
    assert inbox.ids == [first.id]


async def test_events_arrive_in_publish_order(bus: Bus) -> None:
    before = [event(n=i) for i in range(10)]
    after = [event(n=i) for i in range(10, 20)]
    await publish_all(bus, before)
    inbox = Recorder()
    await bus.subscribe("ordered", "roster.>", inbox)
    await publish_all(bus, after)
    await inbox.wait_for(20)
    assert inbox.ids == [e.id for e in before + after]


async def test_the_same_envelope_id_is_delivered_once(bus: Bus) -> None:
    twice = event(n=1)
    await bus.publish(twice)
    await bus.publish(twice)
    inbox = Recorder()
    await bus.subscribe("dedupe", "roster.>", inbox)
    await bus.publish(twice)  # again, now with a live consumer
    barrier = event(n=2)
    await bus.publish(barrier)
    await inbox.wait_for_id(barrier.id)
    assert inbox.ids == [twice.id, barrier.id]


async def test_a_failing_handler_gets_the_event_again_and_later_events_still_arrive(bus: Bus) -> None:
    flaky, later = event(n=1), event(n=2)
    inbox = Recorder(fail_first={flaky.id})
    await publish_all(bus, [flaky, later])
    await bus.subscribe("flaky", "roster.>", inbox)
    await inbox.wait_for_id(later.id)
    assert inbox.attempts[flaky.id] >= 2
    assert inbox.ids == [flaky.id, later.id]  # the retried event does not lose its place


async def test_a_durable_resumes_after_its_last_ack(bus: Bus) -> None:
    acked = [event(n=i) for i in range(3)]
    rest = [event(n=i) for i in range(3, 6)]
    await publish_all(bus, acked)
    first = Recorder()
    subscription = await bus.subscribe("resumer", "roster.>", first)
    await first.wait_for(3)
    await subscription.stop()

    await publish_all(bus, rest)
    second = Recorder()
    await bus.subscribe("resumer", "roster.>", second)
    await second.wait_for_id(rest[-1].id)
    assert first.ids == [e.id for e in acked]
    assert second.ids == [e.id for e in rest]


async def test_stop_lets_a_running_handler_finish_and_ack(bus: Bus) -> None:
    events = [event(n=i) for i in range(4)]
    await publish_all(bus, events)
    entered, release = anyio.Event(), anyio.Event()
    handled: list[str] = []

    async def slow_on_second(envelope: Envelope) -> None:
        if envelope.id == events[1].id:
            entered.set()
            await release.wait()
        handled.append(envelope.id)

    subscription = await bus.subscribe("graceful", "roster.>", slow_on_second)
    with anyio.fail_after(WAIT):
        await entered.wait()
        async with anyio.create_task_group() as tg:
            tg.start_soon(subscription.stop)
            await anyio.sleep(0.05)  # let stop() begin while the handler is still running
            release.set()
    assert handled == [events[0].id, events[1].id]

    rest = Recorder()
    await bus.subscribe("graceful", "roster.>", rest)
    await rest.wait_for_id(events[-1].id)
    assert rest.ids == [e.id for e in events[2:]]


async def test_two_durables_each_get_every_event(bus: Bus) -> None:
    events = [event(n=i) for i in range(5)]
    a, b = Recorder(), Recorder()
    await bus.subscribe("reader-a", "roster.>", a)
    await publish_all(bus, events[:2])
    await bus.subscribe("reader-b", "roster.>", b)
    await publish_all(bus, events[2:])
    await a.wait_for(5)
    await b.wait_for(5)
    assert a.ids == b.ids == [e.id for e in events]


MIXED = [
    "roster.college.created",
    "scheduling.day.opened",
    "roster.person.imported",
    "roster.college.renamed",
    "scheduling.day.closed",
    "capture.photo.checked",
]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("roster.>", ["roster.college.created", "roster.person.imported", "roster.college.renamed"]),
        ("scheduling.>", ["scheduling.day.opened", "scheduling.day.closed"]),
        ("roster.college.created", ["roster.college.created"]),
        ("roster.*.created", ["roster.college.created"]),
    ],
)
async def test_subject_filters_select_by_type(bus: Bus, pattern: str, expected: list[str]) -> None:
    # The barrier is a second event of the last expected type, published after everything else.
    events = [event(t) for t in MIXED] + [event(expected[-1])]
    await publish_all(bus, events)
    inbox = Recorder()
    await bus.subscribe("filtered", pattern, inbox)
    await inbox.wait_for_id(events[-1].id)
    assert [e.type for e in inbox.events] == [*expected, expected[-1]]


async def test_the_envelope_round_trips_with_every_field(bus: Bus) -> None:
    sent = Envelope(
        type="roster.person.imported",
        version=3,
        occurred_at=datetime(2024, 6, 1, 2, 3, 4, 567890, tzinfo=UTC),
        tenant=Tenant(province="四川省", school="四川大学"),
        payload={"name": "张三", "masked_id": "5101**********1234", "fen": 2500, "tags": ["毕业", None, 1.5]},
    )
    inbox = Recorder()
    await bus.subscribe("round-trip", "roster.>", inbox)
    await bus.publish(sent)
    await inbox.wait_for(1)
    received = inbox.events[0]
    assert received == sent
    assert received.occurred_at == sent.occurred_at and received.occurred_at.utcoffset() is not None
    assert received.payload["name"] == "张三" and received.tenant.school == "四川大学"


async def test_invalid_names_are_rejected_the_same_way(bus: Bus) -> None:
    with pytest.raises(ValueError):
        await bus.publish(event("roster.>"))
    with pytest.raises(ValueError):
        await bus.subscribe("has.dot", "roster.>", Recorder())
    with pytest.raises(ValueError):
        await bus.subscribe("ok", "roster.>.x", Recorder())


# -- in-process only: publish waits for live consumers (embedded crash safety) -----------------------------


async def test_in_process_publish_returns_after_live_consumers_acked(anyio_backend: str) -> None:
    bus = InProcessBus()
    await bus.connect()
    inbox = Recorder()
    await bus.subscribe("sync", "roster.>", inbox)
    await bus.subscribe("other", "scheduling.>", Recorder())  # not matching: not waited for
    sent = event()
    await bus.publish(sent)
    assert inbox.ids == [sent.id]  # already handled when publish returned
    await bus.close()


async def test_in_process_publish_times_out_when_a_consumer_hangs(anyio_backend: str) -> None:
    bus = InProcessBus(ack_timeout=0.2)
    await bus.connect()
    release = anyio.Event()

    async def hang(envelope: Envelope) -> None:
        await release.wait()

    await bus.subscribe("stuck", "roster.>", hang)
    stuck = event()
    with pytest.raises(TimeoutError):
        await bus.publish(stuck)
    release.set()
    with anyio.fail_after(WAIT):
        await bus.publish(stuck)  # the relay's retry: not appended again, waits for the ack
    assert [e.id for e in bus.log] == [stuck.id]
    await bus.close()


async def test_in_process_a_handler_may_publish_without_deadlock(anyio_backend: str) -> None:
    bus = InProcessBus(ack_timeout=2)
    await bus.connect()
    follow_up = event("roster.college.renamed")
    seen = Recorder()

    async def chain(envelope: Envelope) -> None:
        await seen(envelope)
        if envelope.type == "roster.college.created":
            await bus.publish(follow_up)

    await bus.subscribe("chain", "roster.>", chain)
    with anyio.fail_after(WAIT):
        await bus.publish(event())
        await seen.wait_for(2)
    await bus.close()


async def test_in_process_gives_up_after_max_deliver(anyio_backend: str) -> None:
    bus = InProcessBus(max_deliver=3, retry_delay=0.001)
    await bus.connect()
    attempts: list[str] = []

    async def always_fails(envelope: Envelope) -> None:
        attempts.append(envelope.id)
        raise RuntimeError("poison")

    await bus.subscribe("poison", "roster.>", always_fails)
    poison = event()
    with anyio.fail_after(WAIT):
        await bus.publish(poison)  # returns once the consumer gave up
    assert attempts == [poison.id] * 3
    await bus.close()


# -- factory ------------------------------------------------------------------------------------------------


def test_open_bus_picks_the_adapter_from_the_url() -> None:
    assert isinstance(open_bus(""), InProcessBus)
    assert isinstance(open_bus("memory://"), InProcessBus)
    nats_bus = open_bus("nats://a:4222,nats://b:4222", stream="S", subject_prefix="p")
    assert isinstance(nats_bus, NatsBus)
    assert nats_bus.servers == ["nats://a:4222", "nats://b:4222"]
    assert (nats_bus.stream, nats_bus.prefix) == ("S", "p")
    with pytest.raises(ValueError, match="unsupported bus URL"):
        open_bus("kafka://localhost:9092")
