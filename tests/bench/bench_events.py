"""Events per second through the real event path, beside bare JetStream measured in the same run.

Distributed path: UnitOfWork.emit() writes outbox rows (transactions of BATCH events) into a temporary PostgreSQL
database migrated with roster's migrations -> OutboxRelay -> NatsBus (a JetStream stream of our own) -> a consumer
started with start_consumer, applying batches of events once through the inbox of a second temporary database
migrated with scheduling's migrations. The handler only counts, so the figure is the event path, not a domain
handler. The goals of issue 6 (path >= 0.5 of bare JetStream pub+consume, consumer >= 0.3 of bare consume) are
printed beside the ratios.
Timed from the first outbox write until the consumer committed all N inbox rows.

Also measured, each on its own: outbox writes, the relay (outbox -> JetStream, events already written), the
consumer (JetStream -> inbox, events already on the stream); the embedded path (SQLite files + InProcessBus);
and the limits: a bare nats-py JetStream loop (publish awaiting each PubAck; a durable pull consumer fetching in
batches and acking; both at once), a consumer with the one-in-flight pattern the kernel used before batches
(max_ack_pending=1, fetch(1), ack_sync; for comparison), and bare one-row commits on PostgreSQL and SQLite.

N comes from TUCAI_BENCH_EVENTS (default 5000). All stages share one process and one event loop (in a
deployment the relay and the consumer live in different processes), so they also compete for the GIL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from uuid import uuid4

import anyio
import nats
import psycopg
import structlog
from nats.js import api
from sqlalchemy import Engine, Table
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.kernel import db
from services.kernel.events.bus import Bus
from services.kernel.events.consumer import Consumer, start_consumer
from services.kernel.events.dead_letters import dead_letter_table
from services.kernel.events.event import Event
from services.kernel.events.inprocess import InProcessBus
from services.kernel.events.nats_bus import NatsBus
from services.kernel.events.relay import OutboxRelay
from services.kernel.ids import new_id
from services.kernel.observability import configure_logging
from services.kernel.service import ServiceSpec
from services.kernel.uow import UnitOfWork
from services.roster.app import spec as roster_spec
from services.scheduling.app import spec as scheduling_spec
from tests.bench.common import Row, Stopwatch, env_int, rate, write_result
from tests.support import pg
from tests.support.infra import NATS_URL, port_open

NAME = "events"
DEFAULT_N = 5000  # batches of up to 256: enough events that each figure spans seconds, not a few batches
BARE_COMMITS = 500  # one-row commits timed for the database limits (enough for a rate, cheap on a busy disk)
BATCH = 100  # events per outbox transaction
GOAL_PATH, GOAL_CONSUMER = 0.5, 0.3  # issue 6: ratios against bare JetStream the event path must reach
LIVE, STAGED, EMBEDDED = "roster.bench.live", "roster.bench.staged", "roster.bench.embedded"


def run(out_dir: Path) -> dict[str, Any]:
    n = env_int("TUCAI_BENCH_EVENTS", DEFAULT_N)
    if not port_open("127.0.0.1", 5432) or not port_open("127.0.0.1", 4222):
        raise RuntimeError("bench_events needs PostgreSQL on 127.0.0.1:5432 and NATS JetStream on 127.0.0.1:4222")
    load_at_start = round(os.getloadavg()[0], 2)  # with machine.loadavg_1m (at the end): how busy the box was
    saved, access = structlog.get_config(), logging.getLogger("uvicorn.access").disabled
    _service_logging()
    try:
        result = asyncio.run(_measure(n, out_dir))
    finally:  # leave the process as it was (the smoke test runs this inside pytest)
        structlog.configure(**saved)
        logging.getLogger("uvicorn.access").disabled = access
    result["loadavg_1m_at_start"] = load_at_start
    result["path"] = write_result(out_dir, NAME, result)
    return result


def _service_logging() -> None:
    """Log as a service does (JSON, INFO: the consumer renders one line per applied event), into /dev/null."""
    global _devnull
    if _devnull is None:
        _devnull = open(os.devnull, "w")  # kept for the process: loggers may be cached with it
    configure_logging("INFO", json=True)
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(_devnull))


_devnull: TextIO | None = None


# -- the measurement ---------------------------------------------------------------------------------------


async def _measure(n: int, out_dir: Path) -> dict[str, Any]:
    # The producing and the consuming service: their outbox/inbox tables and migrations (built first: fail fast).
    producer, receiver = roster_spec(), scheduling_spec()
    sample = _payload(_event_class(LIVE), 0)
    jetstream = await _bare_jetstream(n, sample.envelope().to_bytes())
    with pg.temporary_databases("bench_outbox", "bench_inbox") as urls:
        distributed = await _distributed(n, producer, urls["bench_outbox"], receiver, urls["bench_inbox"])
        postgres_commits = await anyio.to_thread.run_sync(_bare_postgres, urls["bench_inbox"], min(n, BARE_COMMITS))
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tucai-bench-", dir=out_dir) as tmp:
        embedded = await _embedded(n, Path(tmp), producer, receiver)
        sqlite_commits = await anyio.to_thread.run_sync(_bare_sqlite, Path(tmp) / "bare.db", min(n, BARE_COMMITS))

    limits = {"jetstream": jetstream, "postgres_one_row_commits_per_s": postgres_commits,
              "sqlite_one_row_commits_per_s": sqlite_commits}
    rows = [
        Row("outbox→relay→JetStream→inbox", distributed["end_to_end_ev_s"], "ev/s",
            _goal("bare JetStream pub+consume", GOAL_PATH, distributed["end_to_end_ev_s"] /
                  jetstream["end_to_end_ev_s"]), jetstream["end_to_end_ev_s"]),
        Row("relay alone (outbox→JetStream)", distributed["relay_alone_ev_s"], "ev/s",
            "bare JetStream publish", jetstream["publish_ev_s"]),
        Row("consumer alone (JetStream→inbox)", distributed["consumer_alone_ev_s"], "ev/s",
            _goal("bare JetStream consume", GOAL_CONSUMER, distributed["consumer_alone_ev_s"] /
                  jetstream["consume_ev_s"]), jetstream["consume_ev_s"]),
        Row("embedded SQLite+InProcessBus", embedded["end_to_end_ev_s"], "ev/s",
            "bare SQLite 1-row commits", sqlite_commits),
    ]
    return {
        "n": n,
        "batch": BATCH,
        "rows": [row.as_dict() for row in rows],
        "distributed": distributed,
        "embedded": embedded,
        "limits": limits,
        "goals": {"path_ratio": GOAL_PATH, "consumer_ratio": GOAL_CONSUMER},
        "main_cost": _main_cost(distributed, jetstream, postgres_commits),
        "notes": [
            "one process, one event loop: writer, relay and consumer share the GIL (separate processes when deployed)",
            "consumer handler is a no-op: the figure is the event path (inbox transaction), not a domain handler",
            "bare JetStream uses the same message bytes and Nats-Msg-Id header; its consumer fetches 100 at a time",
            "the consumer fetches up to 256 events, applies them in one transaction (one multi-row inbox INSERT), "
            "then acks; the relay publishes its batch pipelined (async PubAcks) and marks it in one UPDATE",
        ],
    }


def _goal(limit_path: str, goal: float, ratio: float) -> str:
    """The limit's name with the goal for the ratio beside it, so the table says whether the goal is met."""
    return f"{limit_path} [goal ≥ {goal:.2f}: {'met' if ratio >= goal else 'NOT met'}]"


def _main_cost(d: dict[str, Any], js: dict[str, Any], pg_commits: float) -> str:
    """Which stage bounds the live path: the slowest of the three measured alone."""
    stages = {"outbox writes": d["outbox_write_ev_s"], "relay": d["relay_alone_ev_s"],
              "consumer": d["consumer_alone_ev_s"]}
    slowest = min(stages, key=stages.__getitem__)
    alone = ", ".join(f"{name} {rate_:,.0f} ev/s" for name, rate_ in stages.items())
    why = {
        "outbox writes": "UnitOfWork.emit() builds and validates each event in Python; the rows of a transaction "
                         f"go in one executemany at commit (a bare one-row commit took {1000 / pg_commits:.2f} ms)",
        "relay": "it reads and decodes its batch from the outbox, publishes it pipelined (async PubAcks; bare "
                 f"JetStream awaits each: {1000 / js['publish_ev_s']:.3f} ms/event) and marks it in one UPDATE",
        "consumer": f"{d['consumer_alone_db_ms_per_event']:.3f} ms/event in its batch transactions (one inbox "
                    f"INSERT per batch of up to 256), the rest fetching, decoding and acking (bare consume "
                    f"{1000 / js['consume_ev_s']:.3f} ms/event)",
    }[slowest]
    return (f"Alone: {alone}. The {slowest} bound the path: {why}. Writer, relay and consumer share one process "
            f"and the GIL here (live: all written at {d['all_written_at_s']:.2f} s of {d['seconds']:.2f} s).")


# -- the real path -----------------------------------------------------------------------------------------


@dataclass
class _Side:
    """One service's database, migrated with that service's own migrations."""

    spec: ServiceSpec
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str, spec: ServiceSpec) -> _Side:
        engine = db.make_engine(url)
        db.migrate(spec.migrations_dir, engine, spec.metadata)
        return cls(spec, engine, db.make_session_factory(engine))

    @property
    def outbox(self) -> Table:
        return self.spec.outbox

    @property
    def inbox(self) -> Table:
        return self.spec.inbox


class _Applied:
    """Counts inbox commits (across worker threads) and wakes the event loop when the target is reached."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self.db_seconds = 0.0  # summed duration of the consumer's units of work, open to commit
        self._target = 0
        self._done = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def expect(self, n: int) -> asyncio.Event:
        with self._lock:
            self.count, self.db_seconds, self._target = 0, 0.0, n
            self._done = asyncio.Event()
            self._loop = asyncio.get_running_loop()
        return self._done

    def tick(self, events: int, seconds: float) -> None:
        with self._lock:
            self.count += events
            self.db_seconds += seconds
            reached = self.count == self._target
        if reached and self._loop is not None:
            self._loop.call_soon_threadsafe(self._done.set)


class _CountingUoW(UnitOfWork):
    """Counts the events its consumer applied (a batch per transaction) once they are committed."""

    def __init__(self, side: _Side, applied: _Applied) -> None:
        self._opened = time.perf_counter()
        super().__init__(side.sessions, side.outbox)
        self._applied = applied
        self.handled = 0

    def commit(self) -> None:
        super().commit()
        if self.handled:
            self._applied.tick(self.handled, time.perf_counter() - self._opened)


def _noop(uow: UnitOfWork, event: Event) -> None:
    if isinstance(uow, _CountingUoW):
        uow.handled += 1


class _BenchEvent(Event):
    """The shape of roster.college.created: ids and the facts a consumer needs."""

    college_id: str
    school_code: str
    province_code: str
    code: str
    name: str


_EVENT_CLASSES: dict[str, type[_BenchEvent]] = {}


def _event_class(event_type: str) -> type[_BenchEvent]:
    if event_type not in _EVENT_CLASSES:
        _EVENT_CLASSES[event_type] = type(f"Bench_{event_type.replace('.', '_')}", (_BenchEvent,),
                                          {"TYPE": event_type, "__module__": __name__})
    return _EVENT_CLASSES[event_type]


def _payload(cls: type[_BenchEvent], i: int) -> _BenchEvent:
    return cls(college_id=new_id(), school_code="S0001", province_code="44", code=f"C{i:05d}",
               name="计算机与信息工程学院")


def _write(side: _Side, n: int, event_type: str, wake: Callable[[], None] | None) -> None:
    cls = _event_class(event_type)
    for start in range(0, n, BATCH):
        with UnitOfWork(side.sessions, side.outbox, on_commit=wake) as uow:
            for i in range(start, min(n, start + BATCH)):
                uow.emit(_payload(cls, i))
            uow.commit()


def _deadline(n: int) -> float:
    return 30 + n / 20  # a safety net only: a broken path fails instead of hanging


async def _until(done: asyncio.Event, n: int, what: Callable[[], str]) -> None:
    try:
        await asyncio.wait_for(done.wait(), timeout=_deadline(n))
    except TimeoutError:
        raise RuntimeError(f"timed out after {_deadline(n):.0f}s: {what()}") from None


async def _published(relay: OutboxRelay, n: int) -> None:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + _deadline(n)
    while relay.published < n:
        if loop.time() > give_up:
            raise RuntimeError(f"timed out: the relay published {relay.published} of {n}")
        await asyncio.sleep(0.002)


async def _pipeline(
    n: int, out: _Side, into: _Side, pub: Bus, sub: Bus, event_type: str, name: str
) -> dict[str, Any]:
    """Write n events and wait until the consumer applied all of them, everything running at once."""
    applied = _Applied()
    relay = OutboxRelay(out.spec.name, out.sessions, out.outbox, pub)
    await relay.start()
    consumer = Consumer(name=name, subjects=event_type, handlers={_event_class(event_type): _noop})
    subscription = await start_consumer(sub, into.spec.name, consumer, lambda: _CountingUoW(into, applied),
                                        into.inbox, dead_letter_table(into.spec.metadata))
    try:
        done = applied.expect(n)
        watch = Stopwatch()

        async def write() -> None:
            await anyio.to_thread.run_sync(_write, out, n, event_type, relay.wake)
            watch.lap("written")

        async def relayed() -> None:
            await _published(relay, n)
            watch.lap("relayed")

        tasks = [asyncio.create_task(write()), asyncio.create_task(relayed())]
        await _until(done, n, lambda: f"applied {applied.count} of {n}, relayed {relay.published}")
        seconds = watch.stop()
        await asyncio.gather(*tasks)
    finally:
        await subscription.stop()
        await relay.stop()
    return {
        "end_to_end_ev_s": rate(n, seconds),
        "seconds": round(seconds, 4),
        "all_written_at_s": round(watch.laps["written"], 4),
        "all_relayed_at_s": round(watch.laps["relayed"], 4),
        "consumer_db_ms_per_event": round(1000 * applied.db_seconds / n, 3),
    }


async def _staged(n: int, out: _Side, into: _Side, pub: Bus, sub: Bus) -> dict[str, Any]:
    """The stages one after another: write n, then relay them, then consume them."""
    watch = Stopwatch()
    await anyio.to_thread.run_sync(_write, out, n, STAGED, None)
    write_s = watch.stop()

    relay = OutboxRelay(out.spec.name, out.sessions, out.outbox, pub)
    watch = Stopwatch()
    await relay.start()
    try:
        await _published(relay, n)
        relay_s = watch.stop()
    finally:
        await relay.stop()

    applied = _Applied()
    done = applied.expect(n)
    consumer = Consumer(name="benchstaged", subjects=STAGED, handlers={_event_class(STAGED): _noop})
    watch = Stopwatch()
    subscription = await start_consumer(sub, into.spec.name, consumer, lambda: _CountingUoW(into, applied),
                                        into.inbox, dead_letter_table(into.spec.metadata))
    try:
        await _until(done, n, lambda: f"consumer alone applied {applied.count} of {n}")
        consume_s = watch.stop()
    finally:
        await subscription.stop()
    return {
        "outbox_write_ev_s": rate(n, write_s),
        "relay_alone_ev_s": rate(n, relay_s),
        "consumer_alone_ev_s": rate(n, consume_s),
        "consumer_alone_db_ms_per_event": round(1000 * applied.db_seconds / n, 3),
    }


async def _distributed(
    n: int, producer: ServiceSpec, outbox_url: str, receiver: ServiceSpec, inbox_url: str
) -> dict[str, Any]:
    out = await anyio.to_thread.run_sync(_Side.open, outbox_url, producer)
    into = await anyio.to_thread.run_sync(_Side.open, inbox_url, receiver)
    suffix = uuid4().hex[:12]
    stream, prefix = f"BENCH_{suffix}", f"bench{suffix}"
    # Two connections, as the relay and the consumer would have in their own processes.
    pub = NatsBus(NATS_URL, stream=stream, subject_prefix=prefix, name="bench-relay")
    sub = NatsBus(NATS_URL, stream=stream, subject_prefix=prefix, name="bench-consumer")
    try:
        await pub.connect()
        await sub.connect()
        live = await _pipeline(n, out, into, pub, sub, LIVE, "benchlive")
        staged = await _staged(n, out, into, pub, sub)
    finally:
        await sub.close()
        await pub.close()
        await _delete_stream(stream)
        out.engine.dispose()
        into.engine.dispose()
    return {**live, **staged, "stream": stream}


async def _embedded(n: int, tmp: Path, producer: ServiceSpec, receiver: ServiceSpec) -> dict[str, Any]:
    out = await anyio.to_thread.run_sync(_Side.open, f"sqlite:///{tmp / 'producer.db'}", producer)
    into = await anyio.to_thread.run_sync(_Side.open, f"sqlite:///{tmp / 'receiver.db'}", receiver)
    bus = InProcessBus()
    await bus.connect()
    try:
        return await _pipeline(n, out, into, bus, bus, EMBEDDED, "benchembedded")
    finally:
        await bus.close()
        out.engine.dispose()
        into.engine.dispose()


# -- the limits --------------------------------------------------------------------------------------------


async def _bare_jetstream(n: int, data: bytes) -> dict[str, Any]:
    """nats-py alone on the same server: a file-storage stream of our own, deleted afterwards."""
    suffix = uuid4().hex[:12]
    stream, prefix = f"BENCHRAW_{suffix}", f"benchraw{suffix}"
    nc = await nats.connect(NATS_URL, name="bench-bare")
    js = nc.jetstream()
    ids = [new_id() for _ in range(2 * n)]
    try:
        await js.add_stream(api.StreamConfig(name=stream, subjects=[f"{prefix}.>"], storage=api.StorageType.FILE))

        watch = Stopwatch()
        for i in range(n):
            await js.publish(f"{prefix}.one", data, headers={"Nats-Msg-Id": ids[i]})
        publish_s = watch.stop()

        bulk = await js.pull_subscribe(f"{prefix}.one", durable="bulk", stream=stream)
        watch = Stopwatch()
        await _drain(bulk, n)
        await nc.flush()
        consume_s = watch.stop()

        # The NatsBus consumer's pattern: max_ack_pending=1, fetch(1), ack_sync.
        await js.add_consumer(stream, api.ConsumerConfig(
            durable_name="single", deliver_policy=api.DeliverPolicy.ALL, ack_policy=api.AckPolicy.EXPLICIT,
            filter_subject=f"{prefix}.one", max_ack_pending=1))
        single = await js.pull_subscribe_bind("single", stream=stream)
        watch = Stopwatch()
        for _ in range(n):
            (msg,) = await single.fetch(1, timeout=5)
            await msg.ack_sync(timeout=5)
        one_s = watch.stop()

        # Both at once, on fresh messages: the shape of the real path without Python or a database.
        both = await js.pull_subscribe(f"{prefix}.two", durable="both", stream=stream)
        watch = Stopwatch()

        async def publish() -> None:
            for i in range(n, 2 * n):
                await js.publish(f"{prefix}.two", data, headers={"Nats-Msg-Id": ids[i]})

        publisher = asyncio.create_task(publish())
        await _drain(both, n)
        await nc.flush()
        both_s = watch.stop()
        await publisher
    finally:
        try:
            await js.delete_stream(stream)
        finally:
            await nc.close()
    return {
        "publish_ev_s": rate(n, publish_s),
        "consume_ev_s": rate(n, consume_s),
        "end_to_end_ev_s": rate(n, both_s),
        "one_in_flight_consume_ev_s": rate(n, one_s),
        "message_bytes": len(data),
    }


async def _drain(psub: Any, n: int) -> None:
    got = 0
    while got < n:
        try:
            msgs = await psub.fetch(min(100, n - got), timeout=5)
        except nats.errors.TimeoutError:
            raise RuntimeError(f"bare JetStream consumer got {got} of {n}") from None
        for msg in msgs:
            await msg.ack()
        got += len(msgs)


async def _delete_stream(stream: str) -> None:
    nc = await nats.connect(NATS_URL, name="bench-cleanup")
    try:
        await nc.jetstream().delete_stream(stream)
    except nats.js.errors.NotFoundError:
        pass
    finally:
        await nc.close()


def _bare_postgres(sqlalchemy_url: str, n: int) -> float:
    """One-row transactions over the same connection path (psycopg, TCP): the floor of an inbox commit."""
    with psycopg.connect(sqlalchemy_url.replace("+psycopg", "")) as conn:
        conn.execute("CREATE TABLE bench_bare (id text PRIMARY KEY)")
        conn.commit()
        ids = [new_id() for _ in range(n)]
        watch = Stopwatch()
        for event_id in ids:
            conn.execute("INSERT INTO bench_bare (id) VALUES (%s)", (event_id,))
            conn.commit()
        return rate(n, watch.stop())


def _bare_sqlite(path: Path, n: int) -> float:
    """One-row transactions with the kernel's pragmas (WAL, synchronous=NORMAL)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE bench_bare (id TEXT PRIMARY KEY)")
        ids = [new_id() for _ in range(n)]
        watch = Stopwatch()
        for event_id in ids:
            conn.execute("BEGIN")
            conn.execute("INSERT INTO bench_bare (id) VALUES (?)", (event_id,))
            conn.execute("COMMIT")
        return rate(n, watch.stop())
    finally:
        conn.close()

