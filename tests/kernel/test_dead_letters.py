"""A poison event (its handler raises) lands in the consuming service's dead_letter table after max_deliver
attempts, on both buses, without holding back the events behind it; an admin sees it (API, CLI) and, once the
handler is fixed, replays it: applied once, inbox row written, dead letter gone."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import anyio
import nats
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, update

from services.kernel import db
from services.kernel.events.bus import Bus
from services.kernel.events.consumer import Consumer, ReplayError, replay, start_consumer
from services.kernel.events.dead_letters import dead_letter_table
from services.kernel.events.event import Event
from services.kernel.events.inprocess import InProcessBus
from services.kernel.events.nats_bus import NatsBus
from services.kernel.events.outbox import add_event_tables
from services.kernel.uow import UnitOfWork
from services.roster.events import CollegeCreated
from services.scheduling.directory.consumers import directory_consumer
from tests.support.api import Api, wait_until
from tests.support.infra import NATS_URL, note_used, require_nats, require_postgres
from tests.support.pg import temporary_databases

WAIT = 15


class Tally(Event):
    TYPE = "kerneltest.tally.added"
    key: str
    amount: int


# -- the kernel path on both buses: a throwaway service database with one read model -----------------------------


@dataclass
class Service:
    bus: Bus
    sessions: Any
    outbox: Table
    inbox: Table
    dead: Table
    totals: Table
    broken: set[str]

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.outbox)

    def total(self, key: str) -> int | None:
        with self.sessions() as session:
            return session.execute(select(self.totals.c.total).where(self.totals.c.key == key)).scalar()

    def count(self, table: Table) -> int:
        with self.sessions() as session:
            return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def _schema() -> tuple[MetaData, Table, Table, Table, Table]:
    metadata = MetaData()
    outbox, inbox = add_event_tables(metadata)
    totals = Table("totals", metadata, Column("key", String(20), primary_key=True),
                   Column("total", Integer, nullable=False))
    return metadata, outbox, inbox, dead_letter_table(metadata), totals


@pytest.fixture(params=["memory", pytest.param("nats", marks=[pytest.mark.nats, pytest.mark.postgres])])
async def service(request: pytest.FixtureRequest, tmp_path: Path, anyio_backend: str) -> AsyncIterator[Service]:
    metadata, outbox, inbox, dead, totals = _schema()
    with _database(request.param, tmp_path) as url:
        engine = db.make_engine(url)
        metadata.create_all(engine)
        bus: Bus
        stream = f"TEST_{uuid4().hex[:12]}"
        if request.param == "memory":
            bus = InProcessBus(max_deliver=3, retry_delay=0.01)
        else:
            note_used("dead letters: PostgreSQL 127.0.0.1:5432 and NATS JetStream 127.0.0.1:4222")
            bus = NatsBus(NATS_URL, stream=stream, subject_prefix=stream.lower(), max_deliver=3, retry_delay=0.01)
        await bus.connect()
        try:
            yield Service(bus, db.make_session_factory(engine), outbox, inbox, dead, totals, set())
        finally:
            await bus.close()
            if request.param == "nats":
                nc = await nats.connect(NATS_URL)
                await nc.jetstream().delete_stream(stream)
                await nc.close()
            engine.dispose()


def _database(kind: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from contextlib import contextmanager

    @contextmanager
    def sqlite() -> Iterator[str]:
        yield f"sqlite:///{tmp_path / 'svc.db'}"

    @contextmanager
    def postgres() -> Iterator[str]:
        require_postgres()
        require_nats()
        with temporary_databases("deadletters") as urls:
            yield urls["deadletters"]

    return sqlite() if kind == "memory" else postgres()


def _consumer(svc: Service) -> Consumer:
    def add(uow: UnitOfWork, event: Tally) -> None:
        if event.key in svc.broken:
            raise RuntimeError(f"no handler for {event.key} yet (on purpose)")
        row = uow.session.execute(select(svc.totals).where(svc.totals.c.key == event.key)).first()
        if row is None:
            uow.session.execute(svc.totals.insert().values(key=event.key, total=event.amount))
        else:
            uow.session.execute(update(svc.totals).where(svc.totals.c.key == event.key)
                                .values(total=svc.totals.c.total + event.amount))

    return Consumer(name="tally", subjects="kerneltest.>", handlers={Tally: add})


@pytest.mark.anyio
async def test_a_poison_event_is_dead_lettered_then_replayed_once(service: Service) -> None:
    svc = service
    consumer = _consumer(svc)
    svc.broken.add("poison")
    events = [Tally(key="a", amount=1), Tally(key="poison", amount=5), Tally(key="a", amount=2),
              Tally(key="b", amount=7)]
    # Published before the consumer subscribes: one batch, which fails and falls back to one by one.
    for event in events:
        await svc.bus.publish(event.envelope())
    subscription = await start_consumer(svc.bus, "svc", consumer, svc.uow, svc.inbox, svc.dead)
    with anyio.fail_after(WAIT):
        while svc.count(svc.dead) == 0 or svc.total("b") is None:
            await anyio.sleep(0.02)
    await subscription.stop()

    assert (svc.total("a"), svc.total("b"), svc.total("poison")) == (3, 7, None)  # neighbours applied once
    assert svc.count(svc.inbox) == 3
    with svc.sessions() as session:
        [letter] = session.execute(select(svc.dead)).mappings().all()
    assert (letter["consumer"], letter["type"], letter["version"], letter["attempts"]) == (
        "tally", Tally.TYPE, 1, 3)
    assert letter["payload"] == {"key": "poison", "amount": 5}
    assert "no handler for poison yet" in letter["error"]
    assert letter["first_failed_at"] <= letter["last_failed_at"]

    with pytest.raises(ReplayError) as failed:  # still broken: stays, with one more attempt
        replay(svc.uow, svc.inbox, svc.dead, [consumer], letter["id"])
    assert failed.value.code == "failed_again"
    with svc.sessions() as session:
        assert session.execute(select(svc.dead.c.attempts)).scalar_one() == 4

    svc.broken.clear()
    replayed = replay(svc.uow, svc.inbox, svc.dead, [consumer], letter["id"])
    assert replayed["applied"] is True
    assert svc.total("poison") == 5 and svc.count(svc.dead) == 0 and svc.count(svc.inbox) == 4
    with pytest.raises(ReplayError) as gone:
        replay(svc.uow, svc.inbox, svc.dead, [consumer], letter["id"])
    assert gone.value.code == "not_found"


@pytest.mark.anyio
async def test_an_unknown_version_is_dead_lettered_at_once(service: Service) -> None:
    consumer = _consumer(service)
    newer = Tally(key="v2", amount=1).envelope().model_copy(update={"version": 2})
    later = Tally(key="after", amount=1)
    await service.bus.publish(newer)
    await service.bus.publish(later.envelope())
    subscription = await start_consumer(service.bus, "svc", consumer, service.uow, service.inbox, service.dead)
    with anyio.fail_after(WAIT):
        while service.total("after") is None or service.count(service.dead) == 0:
            await anyio.sleep(0.02)
    await subscription.stop()
    with service.sessions() as session:
        letter = session.execute(select(service.dead)).mappings().one()
    assert (letter["version"], letter["attempts"]) == (2, 1)  # no retries: a retry cannot help
    assert "got v2" in letter["error"]


# -- through a real service: the admin API on the embedded system ------------------------------------------------


def test_dead_letters_are_listed_for_the_platform_admin_and_replayed(embedded: Api) -> None:
    cls, handler = directory_consumer._by_type[CollegeCreated.TYPE]
    broken = {"DL1"}

    def flaky(uow: UnitOfWork, event: CollegeCreated) -> None:
        if event.code in broken:
            raise RuntimeError("scheduling cannot take this college yet (on purpose)")
        handler(uow, event)

    directory_consumer._by_type[CollegeCreated.TYPE] = (cls, flaky)
    try:
        summary = "/api/scheduling/v1/schools/10405/summary"

        def colleges() -> Any:  # the school reaches scheduling a moment after a fresh start (404 until then)
            response = embedded.get(summary, "school10405")
            return response.json()["colleges"] if response.status_code == 200 else None

        before = wait_until(colleges)
        created = embedded.post("/api/roster/v1/colleges", "school10405", json={"code": "DL1", "name": "死信学院"})
        assert created.status_code == 201, created.text
        path = "/api/scheduling/v1/admin/dead-letters"

        def letters() -> list[dict[str, Any]]:
            return [i for i in embedded.get(path, "platform").json()["items"] if i["payload"].get("code") == "DL1"]

        [letter] = wait_until(letters, 20)
        assert letter["consumer"] == "directory" and letter["type"] == CollegeCreated.TYPE
        assert letter["attempts"] >= 1 and "cannot take this college yet" in letter["error"]
        refused = embedded.get(path, "school10405")
        assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
        assert embedded.post(f"{path}/{letter['id']}/replay", "school10405").status_code == 403

        again = embedded.post(f"{path}/{letter['id']}/replay", "platform")
        assert again.status_code == 409 and again.json()["code"] == "dead_letter_replay_failed"
        assert embedded.get(summary, "school10405").json()["colleges"] == before

        broken.clear()
        done = embedded.post(f"{path}/{letter['id']}/replay", "platform")
        assert done.status_code == 200, done.text
        assert done.json()["applied"] is True
        assert embedded.get(summary, "school10405").json()["colleges"] == before + 1  # applied exactly once
        codes = [c["code"] for c in embedded.get("/api/scheduling/v1/colleges", "school10405").json()["items"]]
        assert codes.count("DL1") == 1
        assert letters() == []
        missing = embedded.post(f"{path}/{letter['id']}/replay", "platform")
        assert missing.status_code == 404 and missing.json()["code"] == "dead_letter_not_found"
    finally:
        directory_consumer._by_type[CollegeCreated.TYPE] = (cls, handler)


# -- the operator's view: `tucai events dead-letters` and `tucai events replay` ------------------------------------


def test_the_cli_lists_and_replays_dead_letters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from typer.testing import CliRunner

    from services.cli import app
    from services.kernel.events.bus import DeadLetter
    from services.kernel.events.dead_letters import record
    from services.scheduling.app import spec

    monkeypatch.setenv("TUCAI_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    assert runner.invoke(app, ["migrate", "--service", "scheduling"]).exit_code == 0
    scheduling = spec()
    engine = db.make_engine(f"sqlite:///{tmp_path / 'scheduling.db'}")
    sessions = db.make_session_factory(engine)
    college = CollegeCreated(college_id=uuid4().hex, school_code="10405", province_code="36", code="CLI",
                             name="命令行学院")
    now = datetime.now(UTC)
    with sessions() as session:
        record(session, dead_letter_table(scheduling.metadata), "directory", DeadLetter(
            event_id=college.envelope().id, envelope=college.envelope(), raw=None, subject=CollegeCreated.TYPE,
            error="RuntimeError: down for maintenance", attempts=5, first_failed_at=now, last_failed_at=now))
        session.commit()
        [letter_id] = session.execute(select(dead_letter_table(scheduling.metadata).c.id)).scalars()

    listed = runner.invoke(app, ["events", "dead-letters", "--service", "scheduling"])
    assert listed.exit_code == 0, listed.output
    assert "scheduling: 1 dead letter(s)" in listed.output and letter_id in listed.output
    assert "down for maintenance" in listed.output

    replayed = runner.invoke(app, ["events", "replay", letter_id, "--service", "scheduling"])
    assert replayed.exit_code == 0, replayed.output
    assert "replayed roster.college.created" in replayed.output
    with sessions() as session:
        assert session.execute(select(func.count()).select_from(
            dead_letter_table(scheduling.metadata))).scalar_one() == 0
        assert session.execute(select(scheduling.inbox.c.consumer)).scalars().all() == ["directory"]
    engine.dispose()

    missing = runner.invoke(app, ["events", "replay", letter_id, "--service", "scheduling"])
    assert missing.exit_code == 1 and "not_found" in missing.output
