"""The event bus contract (services/kernel/events/bus.py), run against every adapter.

"Nothing else arrives" is checked with a barrier rather than a sleep: delivery is in publish order, so once
the last published matching event has arrived, anything that should not have been delivered would already be
in the consumer's list. Handlers take batches; the Recorder applies a batch all or nothing, as a consumer's
transaction does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import anyio
import nats
import pytest

from services.kernel.events.bus import Bus, DeadLetter, PermanentFailure
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
        assert isinstance(memory, InProcessBus)
        memory.retry_delay = 0.01
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
    assert isinstance(real, NatsBus)
    real.retry_delay = 0.01  # retries with backoff, but quick enough for max_deliver attempts within WAIT
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
    """A batch handler that records what it was given (a batch all or nothing, like a transaction) and lets
    the test wait for a number of deliveries. `fail_first` events fail once, `poison` ones always."""

    def __init__(self, fail_first: set[str] | None = None, poison: set[str] | None = None,
                 permanent: bool = False) -> None:
        self.events: list[Envelope] = []  # successfully handled, in order
        self.batches: list[int] = []  # sizes of the batches handled
        self.attempts: Counter[str] = Counter()  # deliveries per event id, failed ones included
        self.dead: list[DeadLetter] = []  # what the dead-letter sink received
        self._fail_first = set(fail_first or ())
        self._poison = set(poison or ())
        self._permanent = permanent
        self._changed = anyio.Event()

    async def __call__(self, envelopes: list[Envelope]) -> None:
        for envelope in envelopes:
            self.attempts[envelope.id] += 1
        self._signal()
        failing = [e.id for e in envelopes if e.id in self._fail_first | self._poison]
        if failing:
            self._fail_first -= set(failing)
            raise (PermanentFailure if self._permanent else RuntimeError)("handler failed (on purpose)")
        self.events.extend(envelopes)
        self.batches.append(len(envelopes))
        self._signal()

    async def sink(self, letter: DeadLetter) -> None:
        self.dead.append(letter)
        self._signal()

    async def wait_for_dead(self, count: int) -> None:
        with anyio.fail_after(WAIT):
            while len(self.dead) < count:
                await self._changed.wait()

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

    async def slow_on_second(envelopes: list[Envelope]) -> None:
        for envelope in envelopes:
            if envelope.id == events[1].id:
                entered.set()
                await release.wait()
            handled.append(envelope.id)

    subscription = await bus.subscribe("graceful", "roster.>", slow_on_second, batch_size=1)
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


async def test_stop_during_a_batch_lets_the_batch_finish_and_ack(bus: Bus) -> None:
    events = [event(n=i) for i in range(4)]
    await publish_all(bus, events)
    entered, release = anyio.Event(), anyio.Event()
    handled: list[str] = []

    async def slow_batch(envelopes: list[Envelope]) -> None:
        entered.set()
        await release.wait()
        handled.extend(e.id for e in envelopes)

    subscription = await bus.subscribe("graceful-batch", "roster.>", slow_batch)
    with anyio.fail_after(WAIT):
        await entered.wait()
        async with anyio.create_task_group() as tg:
            tg.start_soon(subscription.stop)
            await anyio.sleep(0.05)
            release.set()
    later = event(n=9)
    await bus.publish(later)
    rest = Recorder()
    await bus.subscribe("graceful-batch", "roster.>", rest)
    await rest.wait_for_id(later.id)
    assert handled[0] == events[0].id and rest.ids[-1] == later.id
    assert handled + rest.ids == [e.id for e in events] + [later.id]  # every event once, in order


async def test_a_backlog_arrives_in_batches_in_publish_order(bus: Bus) -> None:
    events = [event(n=i) for i in range(60)]
    await publish_all(bus, events)
    inbox = Recorder()
    await bus.subscribe("batched", "roster.>", inbox)
    await inbox.wait_for(60)
    assert inbox.ids == [e.id for e in events]
    assert max(inbox.batches) > 1  # not one handler call (one transaction) per event


async def test_a_poison_event_is_dead_lettered_and_its_neighbours_applied_once_in_order(bus: Bus) -> None:
    a, b, poison, c, d = (event(n=i) for i in range(5))
    await publish_all(bus, [a, b, poison, c, d])
    inbox = Recorder(poison={poison.id})
    await bus.subscribe("poisoned", "roster.>", inbox, dead_letters=inbox.sink)
    await inbox.wait_for_id(d.id)
    assert inbox.ids == [a.id, b.id, c.id, d.id]
    [letter] = inbox.dead
    max_deliver = bus.max_deliver  # type: ignore[attr-defined]
    assert (letter.event_id, letter.envelope, letter.attempts) == (poison.id, poison, max_deliver)
    assert "handler failed (on purpose)" in letter.error
    assert letter.first_failed_at <= letter.last_failed_at
    assert inbox.attempts[poison.id] >= max_deliver


async def test_a_permanent_failure_is_dead_lettered_without_retries(bus: Bus) -> None:
    poison, after = event(n=1), event(n=2)
    inbox = Recorder(poison={poison.id}, permanent=True)
    await bus.subscribe("permanent", "roster.>", inbox, dead_letters=inbox.sink)
    await publish_all(bus, [poison, after])
    await inbox.wait_for_id(after.id)
    assert [(d.event_id, d.attempts) for d in inbox.dead] == [(poison.id, 1)]


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


# -- NATS only: what arrives on the wire need not be an envelope ---------------------------------------------


@pytest.mark.nats
async def test_nats_an_undecodable_message_is_dead_lettered_and_later_events_arrive(anyio_backend: str) -> None:
    require_nats()
    suffix = uuid4().hex[:12]
    stream, prefix = f"TEST_{suffix}", f"test{suffix}"
    bus = NatsBus(NATS_URL, stream=stream, subject_prefix=prefix)
    await bus.connect()
    try:
        inbox = Recorder()
        await bus.subscribe("garbled", "roster.>", inbox, dead_letters=inbox.sink)
        nc = await nats.connect(NATS_URL)
        await nc.jetstream().publish(f"{prefix}.roster.college.created", b"not json", headers={"Nats-Msg-Id": "x1"})
        await nc.close()
        after = event(n=1)
        await bus.publish(after)
        await inbox.wait_for_id(after.id)
        [letter] = inbox.dead
        assert (letter.event_id, letter.envelope, letter.raw) == ("x1", None, b"not json")
        assert letter.subject == f"{prefix}.roster.college.created" and "validation error" in letter.error.lower()
    finally:
        await bus.close()
        await _delete_stream(stream)


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

    async def hang(envelopes: list[Envelope]) -> None:
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

    async def chain(envelopes: list[Envelope]) -> None:
        await seen(envelopes)
        if any(e.type == "roster.college.created" for e in envelopes):
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

    async def always_fails(envelopes: list[Envelope]) -> None:
        attempts.extend(e.id for e in envelopes)
        raise RuntimeError("poison")

    dead: list[DeadLetter] = []

    async def sink(letter: DeadLetter) -> None:
        dead.append(letter)

    await bus.subscribe("poison", "roster.>", always_fails, dead_letters=sink)
    poison = event()
    with anyio.fail_after(WAIT):
        await bus.publish(poison)  # returns once the consumer gave up: the dead letter is stored by then
    assert attempts == [poison.id] * 3
    assert [(d.event_id, d.attempts) for d in dead] == [(poison.id, 3)]
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
