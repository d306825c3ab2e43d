"""The kernel's jobs on SQLite and on PostgreSQL: a job runs and reports progress, replicas share the work
and never run one job twice, a dead runner's job is resumed, cancel and failure end a job clearly, and a job
enqueued by a request exists only if the request committed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.kernel.auth import TokenIssuer, TokenVerifier
from services.kernel.db import NAMING, make_engine, make_session_factory
from services.kernel.errors import Conflict, NotFound, TucaiError
from services.kernel.events.outbox import add_event_tables
from services.kernel.jobs import JobContext, JobKind, JobRunner, enqueue, store
from services.kernel.jobs.access import cancel_job, read_job
from services.kernel.jobs.table import JOB_TABLE
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW, build_app
from services.kernel.settings import Settings
from services.kernel.tenancy import Principal, Role
from services.kernel.uow import UnitOfWork
from services.scheduling.app import spec as scheduling_spec
from tests.support.api import wait_until
from tests.support.infra import note_used, require_postgres
from tests.support.pg import temporary_databases

pytestmark = pytest.mark.anyio

metadata = MetaData(naming_convention=NAMING)
outbox, _inbox = add_event_tables(metadata)
job_table = metadata.tables[JOB_TABLE]
# What handlers write through their unit of work: shows which writes committed and which were rolled back.
side = Table("side", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
             Column("job_id", String(32)), Column("note", String(80)))

SCHOOL = Principal(subject="u1", role=Role.SCHOOL_ADMIN, school="10403", province="36")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobs.db'}"
        return
    require_postgres()
    note_used("jobs: PostgreSQL 127.0.0.1:5432")
    with temporary_databases("jobs") as urls:
        yield urls["jobs"]


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    metadata.create_all(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def runner(sessions: sessionmaker[Session], *kinds: JobKind, **options: Any) -> JobRunner:
    settings: dict[str, Any] = {"poll_seconds": 0.05, "lease_seconds": 5.0, "retry_seconds": 0.0, **options}
    return JobRunner("test", sessions, job_table, outbox, kinds, **settings)


def submit(sessions: sessionmaker[Session], kind: str, payload: dict[str, Any] | None = None, **options: Any) -> str:
    with UnitOfWork(sessions, outbox) as uow:
        job_id = enqueue(uow, kind, payload or {}, province="36", school="10403", **options)
        uow.commit()
    return job_id


def job_row(sessions: sessionmaker[Session], job_id: str) -> dict[str, Any]:
    with sessions() as session:
        return dict(session.execute(select(job_table).where(job_table.c.id == job_id)).mappings().one())


def notes(sessions: sessionmaker[Session], job_id: str) -> list[str]:
    with sessions() as session:
        return list(session.execute(select(side.c.note).where(side.c.job_id == job_id).order_by(side.c.id)).scalars())


def write(job: JobContext, note: str) -> None:
    job.uow().session.execute(insert(side).values(job_id=job.id, note=note))


async def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := await anyio.to_thread.run_sync(check)):
        assert time.monotonic() < deadline, f"not reached within {timeout}s"
        await anyio.sleep(0.02)
    return value


def finished(sessions: sessionmaker[Session], job_id: str) -> Callable[[], dict[str, Any] | None]:
    def check() -> dict[str, Any] | None:
        row = job_row(sessions, job_id)
        return row if row["state"] in {"succeeded", "failed", "cancelled"} else None
    return check


def count_steps(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    for step in range(job.done + 1, payload["steps"] + 1):  # resumable: starts after the last checkpoint
        write(job, f"step {step}")
        job.progress(step, payload["steps"], message=f"第 {step} 步")
    return {"steps": payload["steps"], "attempt": job.attempt}


async def test_a_job_runs_reports_progress_and_commits_its_work(sessions: sessionmaker[Session]) -> None:
    seen: list[tuple[int, int | None]] = []

    def observed(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
        result = count_steps(job, payload)
        row = job_row(sessions, job.id)  # another session sees each checkpoint once it is committed
        seen.append((row["progress_done"], row["progress_total"]))
        return result

    worker = runner(sessions, JobKind("test.count", observed), poll_seconds=30.0)  # only a wake can start it
    await worker.start()
    try:
        job_id = submit(sessions, "test.count", {"steps": 3})
        row = await until(finished(sessions, job_id), timeout=5.0)
    finally:
        await worker.stop()
    assert row["state"] == "succeeded", row
    assert (row["progress_done"], row["progress_total"], row["message"]) == (3, 3, "第 3 步")
    assert row["result"] == {"steps": 3, "attempt": 1} and row["attempts"] == 1
    assert row["started_at"] <= row["finished_at"] and row["lease_owner"] is None and row["error_code"] is None
    assert seen == [(3, 3)]
    assert notes(sessions, job_id) == ["step 1", "step 2", "step 3"]
    view = await anyio.to_thread.run_sync(lambda: read_job(UnitOfWork(sessions, outbox), SCHOOL, job_id))
    assert view.state == "succeeded" and view.progress.done == 3 and view.result == row["result"]


async def test_claims_are_exclusive_under_contention(sessions: sessionmaker[Session]) -> None:
    ids = {submit(sessions, "test.count", {"steps": 1}) for _ in range(20)}

    def drain(owner: str) -> list[str]:
        taken = []
        while True:
            with sessions() as session:
                claimed = store.claim(session, job_table, ["test.count"], owner, lease=30.0)
                session.commit()
            if claimed is None:
                return taken
            taken.append(claimed.id)

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(drain, [f"r{i}" for i in range(6)]))
    claimed = [job_id for taken in results for job_id in taken]
    assert sorted(claimed) == sorted(ids)  # every job once, none twice


async def test_two_runners_share_the_work_and_never_run_one_job_twice(sessions: sessionmaker[Session]) -> None:
    lock = threading.Lock()
    running: set[str] = set()
    runs: dict[str, int] = {}
    overlaps: list[str] = []

    def slow(job: JobContext, payload: dict[str, Any]) -> None:
        with lock:
            if job.id in running:
                overlaps.append(job.id)
            running.add(job.id)
            runs[job.id] = runs.get(job.id, 0) + 1
        time.sleep(0.05)
        job.progress(1, 1)
        with lock:
            running.discard(job.id)

    first, second = (runner(sessions, JobKind("test.slow", slow)) for _ in range(2))
    await first.start()
    await second.start()
    try:
        ids = [submit(sessions, "test.slow") for _ in range(12)]
        for job_id in ids:
            assert (await until(finished(sessions, job_id)))["state"] == "succeeded"
    finally:
        await first.stop()
        await second.stop()
    assert overlaps == [] and runs == dict.fromkeys(ids, 1)
    assert first.completed > 0 and second.completed > 0, (first.completed, second.completed)


async def test_a_dead_runners_job_is_resumed_by_another(sessions: sessionmaker[Session]) -> None:
    in_first_attempt, release, first_done = threading.Event(), threading.Event(), threading.Event()

    def resumable(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
        if job.attempt == 1:
            try:
                write(job, "step 1 by the first runner")
                job.progress(1, 3)
                in_first_attempt.set()
                release.wait(10)  # the "crash": this runner stops heartbeating and never finishes in time
                write(job, "step 2 by the first runner (never committed)")
                job.progress(2, 3)
            finally:
                first_done.set()
        return count_steps(job, {"steps": 3}) | {"resumed_from": 1}

    dying = runner(sessions, JobKind("test.resume", resumable), lease_seconds=0.6)
    await dying.start()
    job_id = submit(sessions, "test.resume")
    await until(in_first_attempt.is_set)
    await dying.stop(grace=0)  # gone without settling: its lease stays until it runs out
    assert job_row(sessions, job_id)["state"] == "running"

    survivor = runner(sessions, JobKind("test.resume", resumable))
    await survivor.start()
    try:
        row = await until(finished(sessions, job_id))
    finally:
        await survivor.stop()
    release.set()
    await until(first_done.is_set)
    assert row["state"] == "succeeded" and row["attempts"] == 2
    assert row["result"] == {"steps": 3, "attempt": 2, "resumed_from": 1}
    assert row["lease_owner"] is None and job_row(sessions, job_id)["state"] == "succeeded"
    # The first runner's late write was refused: it no longer held the lease.
    assert notes(sessions, job_id) == ["step 1 by the first runner", "step 2", "step 3"]


async def test_shutdown_keeps_the_work_so_far_and_the_job_resumes_without_losing_an_attempt(
        sessions: sessionmaker[Session]) -> None:
    started = threading.Event()

    def long(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
        for step in range(job.done + 1, 6):
            write(job, f"step {step}")
            job.progress(step, 5)
            started.set()
            time.sleep(0.05 if job.attempt == 1 else 0)
        return {"attempt": job.attempt}

    first = runner(sessions, JobKind("test.long", long))
    await first.start()
    job_id = submit(sessions, "test.long")
    await until(started.is_set)
    await first.stop()
    paused = job_row(sessions, job_id)
    assert (paused["state"], paused["attempts"], paused["lease_owner"]) == ("queued", 0, None)
    assert 1 <= paused["progress_done"] < 5 and len(notes(sessions, job_id)) == paused["progress_done"]

    second = runner(sessions, JobKind("test.long", long))
    assert await second.run_one()
    row = job_row(sessions, job_id)
    assert (row["state"], row["attempts"]) == ("succeeded", 1)
    assert notes(sessions, job_id) == [f"step {n}" for n in range(1, 6)]  # no step done twice, none lost


async def test_a_job_that_keeps_dying_fails_with_a_clear_error(sessions: sessionmaker[Session]) -> None:
    job_id = submit(sessions, "test.count", {"steps": 1}, max_attempts=2)
    for owner in ("crashed-1", "crashed-2"):  # two runners claimed it and died
        with sessions() as session:
            assert store.claim(session, job_table, ["test.count"], owner, lease=0.0) is not None
            session.commit()
    worker = runner(sessions, JobKind("test.count", count_steps))
    assert await worker.run_one()
    row = job_row(sessions, job_id)
    assert (row["state"], row["error_code"], row["attempts"]) == ("failed", "job_interrupted", 3)
    assert "2 times" in row["error_en"] and "2 次" in row["error_zh"] and notes(sessions, job_id) == []


async def test_cancel_during_progress_ends_the_job_cancelled(sessions: sessionmaker[Session]) -> None:
    def endless(job: JobContext, payload: dict[str, Any]) -> None:
        for step in range(1, 10_000):
            write(job, f"step {step}")
            time.sleep(0.01)
            job.progress(step, None)

    worker = runner(sessions, JobKind("test.endless", endless))
    await worker.start()
    try:
        job_id = submit(sessions, "test.endless")
        await until(lambda: job_row(sessions, job_id)["progress_done"] >= 3)

        def cancel() -> None:
            with UnitOfWork(sessions, outbox) as uow:
                assert cancel_job(uow, SCHOOL, job_id).cancel_requested
                uow.commit()

        await anyio.to_thread.run_sync(cancel)
        row = await until(finished(sessions, job_id))
    finally:
        await worker.stop()
    assert row["state"] == "cancelled" and row["finished_at"] is not None
    # Work is kept up to the last checkpoint; the step being done when cancel arrived is rolled back.
    assert len(notes(sessions, job_id)) == row["progress_done"]


async def test_cancel_of_a_queued_job_is_immediate_and_of_a_finished_one_refused(
        sessions: sessionmaker[Session]) -> None:
    job_id = submit(sessions, "test.count", {"steps": 1})
    with UnitOfWork(sessions, outbox) as uow:
        assert cancel_job(uow, SCHOOL, job_id).state == "cancelled"
        uow.commit()
    worker = runner(sessions, JobKind("test.count", count_steps))
    assert not await worker.run_one()  # nothing left to run
    with UnitOfWork(sessions, outbox) as uow, pytest.raises(Conflict) as refused:
        cancel_job(uow, SCHOOL, job_id)
    assert refused.value.code == "job_finished"


async def test_a_raising_handler_fails_after_max_attempts_with_code_and_summary(
        sessions: sessionmaker[Session]) -> None:
    def broken(job: JobContext, payload: dict[str, Any]) -> None:
        write(job, f"attempt {job.attempt}")
        raise ValueError(f"bad row {payload['row']}")

    worker = runner(sessions, JobKind("test.broken", broken))
    job_id = submit(sessions, "test.broken", {"row": 7}, max_attempts=2)
    assert await worker.run_one()
    retrying = job_row(sessions, job_id)
    assert (retrying["state"], retrying["attempts"], retrying["error_code"]) == ("queued", 1, "job_failed")
    assert await worker.run_one()
    row = job_row(sessions, job_id)
    assert (row["state"], row["attempts"], row["error_code"]) == ("failed", 2, "job_failed")
    assert row["error_en"] == "The job failed: ValueError: bad row 7"
    assert row["error_zh"] == "任务执行失败：ValueError: bad row 7"
    assert notes(sessions, job_id) == []  # each attempt's work was rolled back
    with UnitOfWork(sessions, outbox) as uow:
        error = read_job(uow, SCHOOL, job_id).error
    assert error is not None and error.code == "job_failed" and "Traceback" not in error.message_en


async def test_a_retry_that_succeeds_clears_the_error_and_a_refusal_fails_at_once(
        sessions: sessionmaker[Session]) -> None:
    def flaky(job: JobContext, payload: dict[str, Any]) -> dict[str, int]:
        if job.attempt == 1:
            raise ConnectionError("object store unreachable")
        return {"attempt": job.attempt}

    def refusing(job: JobContext, payload: dict[str, Any]) -> None:
        raise TucaiError("roster_unreadable", "文件无法读取", "The file cannot be read")

    worker = runner(sessions, JobKind("test.flaky", flaky), JobKind("test.refuse", refusing))
    flaky_id, refused_id = submit(sessions, "test.flaky"), submit(sessions, "test.refuse")
    while await worker.run_one():
        pass
    ok, refused = job_row(sessions, flaky_id), job_row(sessions, refused_id)
    assert (ok["state"], ok["result"], ok["error_code"]) == ("succeeded", {"attempt": 2}, None)
    assert (refused["state"], refused["attempts"], refused["error_code"]) == ("failed", 1, "roster_unreadable")
    assert (refused["error_zh"], refused["error_en"]) == ("文件无法读取", "The file cannot be read")


async def test_jobs_are_seen_only_within_their_tenant(sessions: sessionmaker[Session]) -> None:
    job_id = submit(sessions, "test.count", {"steps": 1})
    allowed = [SCHOOL, Principal("p", Role.PROVINCE_REVIEWER, province="36"), Principal("a", Role.PLATFORM_ADMIN)]
    refused = [Principal("o", Role.SCHOOL_ADMIN, school="10405", province="36"),
               Principal("q", Role.AGENCY_ADMIN, province="11"),
               Principal("s", Role.STUDENT, school="10403", province="36"),
               Principal("c", Role.COLLEGE_COORDINATOR, school="10403", province="36", college="x")]
    with UnitOfWork(sessions, outbox) as uow:
        for principal in allowed:
            assert read_job(uow, principal, job_id).id == job_id
        for principal in refused:
            with pytest.raises(NotFound):
                read_job(uow, principal, job_id)
            with pytest.raises(NotFound):
                cancel_job(uow, principal, job_id)


async def test_a_job_enqueued_by_work_that_rolls_back_does_not_exist(sessions: sessionmaker[Session]) -> None:
    with UnitOfWork(sessions, outbox) as uow, pytest.raises(RuntimeError):
        enqueue(uow, "test.count", {"steps": 1}, school="10403", province="36")
        raise RuntimeError("the request failed after enqueueing")
    with sessions() as session:
        assert session.execute(select(func.count()).select_from(job_table)).scalar_one() == 0


def _service(database_url: str, data_dir: Path) -> tuple[Any, Callable[[Principal], dict[str, str]]]:
    """The real scheduling service (its migrations, the kernel's job routes) with a test job kind and a
    route that enqueues it in the request's unit of work, then fails if asked to."""
    router = ServiceRouter(prefix="/test")

    @router.post("/jobs", status_code=202)
    def start(uow: UoW, steps: int = 2, fail: bool = False) -> dict[str, str]:
        job_id = enqueue(uow, "test.count", {"steps": steps}, province="36", school="10403")
        if fail:
            raise Conflict("test_refused", "请求被拒绝", "Refused after enqueueing")
        return {"id": job_id}

    def count(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
        for step in range(1, payload["steps"] + 1):
            job.progress(step, payload["steps"])
        return {"steps": payload["steps"], "attempt": job.attempt}

    def broken(job: JobContext, payload: dict[str, Any]) -> None:
        raise KeyError("college")

    issuer = TokenIssuer(Ed25519PrivateKey.generate(), "tucai-roster", 600)

    async def keys() -> list[dict[str, str]]:
        return [issuer.jwk]

    spec = scheduling_spec()
    spec.routers, spec.consumers = [router], []
    spec.jobs = [JobKind("test.count", count), JobKind("test.broken", broken)]
    settings = Settings(data_dir=data_dir, database_url=database_url, job_poll_seconds=0.05, job_retry_seconds=0)
    app = build_app(spec, settings, verifier=TokenVerifier(keys, "tucai-roster"))
    return app, lambda principal: {"Authorization": f"Bearer {issuer.issue(principal)}"}


def test_jobs_over_http_in_a_real_service(database_url: str, tmp_path: Path) -> None:
    app, auth = _service(database_url, tmp_path)
    other_school = Principal("o", Role.SCHOOL_ADMIN, school="10405", province="36")
    student = Principal("s", Role.STUDENT, school="10403", province="36")
    with TestClient(app, raise_server_exceptions=False) as client:
        job_id = client.post("/api/scheduling/test/jobs", params={"steps": 3}).json()["id"]
        url = f"/api/scheduling/v1/jobs/{job_id}"
        done = wait_until(lambda: (r := client.get(url, headers=auth(SCHOOL)).json())["state"] == "succeeded" and r)
        assert done["progress"] == {"done": 3, "total": 3} and done["result"] == {"steps": 3, "attempt": 1}
        for outsider in (other_school, student):
            refused = client.get(url, headers=auth(outsider))
            assert refused.status_code == 404 and refused.json()["code"] == "job_not_found"
            assert client.post(f"{url}/cancel", headers=auth(outsider)).status_code == 404
        assert client.get(url).status_code == 401
        finished_cancel = client.post(f"{url}/cancel", headers=auth(SCHOOL))
        assert finished_cancel.status_code == 409 and finished_cancel.json()["code"] == "job_finished"

        refused = client.post("/api/scheduling/test/jobs", params={"fail": True})
        assert refused.status_code == 409 and refused.json()["code"] == "test_refused"
        ctx = app.state.ctx
        with ctx.sessions() as session:
            assert session.execute(select(func.count()).select_from(job_table)).scalar_one() == 1  # only the first

        with ctx.transaction() as uow:
            broken_id = enqueue(uow, "test.broken", {}, province="36", school="10403", max_attempts=1)
        failed = wait_until(lambda: (r := client.get(f"/api/scheduling/v1/jobs/{broken_id}",
                                                     headers=auth(SCHOOL)).json())["state"] == "failed" and r)
        assert failed["error"] == {"code": "job_failed", "message_zh": "任务执行失败：KeyError: 'college'",
                                   "message_en": "The job failed: KeyError: 'college'"}
