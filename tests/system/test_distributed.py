"""The distributed deployment: each service its own process on PostgreSQL, NATS JetStream and S3.
A consumer killed mid-stream and restarted loses nothing and applies nothing twice."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator

import httpx
import pytest

from services.kernel.settings import SERVICES
from tests.support.api import Api, wait_until
from tests.support.infra import note_used, require_nats, require_postgres
from tests.support.pg import temporary_databases
from tests.support.processes import ServiceProcess
from tests.support.s3server import S3Server

pytestmark = [pytest.mark.system, pytest.mark.postgres, pytest.mark.nats, pytest.mark.s3]


class Cluster:
    def __init__(self, processes: dict[str, ServiceProcess], databases: dict[str, str]) -> None:
        self.processes = processes
        self.databases = databases

    def api(self, service: str) -> Api:
        return Api(httpx.Client(base_url=self.processes[service].url, timeout=10))


@pytest.fixture(scope="module")
def cluster(s3_server: S3Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    require_postgres()
    require_nats()
    run = uuid.uuid4().hex[:8]
    data = tmp_path_factory.mktemp("distributed")
    bucket = f"tucai-{run}"
    s3_server.client().make_bucket(bucket)
    with temporary_databases(*SERVICES) as databases:
        common = {
            "TUCAI_DATA_DIR": str(data), "TUCAI_DEMO": "true",
            "TUCAI_BUS_URL": "nats://127.0.0.1:4222",
            "TUCAI_BUS_STREAM": f"TUCAI_TEST_{run}", "TUCAI_BUS_SUBJECT_PREFIX": f"tucaitest{run}",
            "TUCAI_OBJECT_STORE_URL": s3_server.url(bucket),
            "TUCAI_S3_ACCESS_KEY": s3_server.access_key, "TUCAI_S3_SECRET_KEY": s3_server.secret_key,
            "TUCAI_RELAY_POLL_SECONDS": "0.5", "TUCAI_BUS_ACK_WAIT_SECONDS": "3",
        }
        processes = {name: ServiceProcess(name, {}, data) for name in SERVICES}
        urls = {f"TUCAI_{name.upper()}_URL": p.url for name, p in processes.items()}
        for name, process in processes.items():
            process.env = {**common, **urls, "TUCAI_DATABASE_URL": databases[name]}
        note_used(f"system tier: 4 service processes on PostgreSQL 127.0.0.1:5432 ({', '.join(databases)} "
                  f"databases), NATS JetStream 127.0.0.1:4222 (stream TUCAI_TEST_{run}), S3 {s3_server.endpoint}")
        try:
            processes["roster"].start()  # first: it migrates, creates the signing key, loads demo data
            for name in SERVICES[1:]:
                processes[name].start()
            yield Cluster(processes, databases)
        finally:
            for process in processes.values():
                process.stop()
            _delete_stream(f"TUCAI_TEST_{run}")


def _delete_stream(name: str) -> None:
    import asyncio

    import nats

    async def delete() -> None:
        nc = await nats.connect("nats://127.0.0.1:4222")
        try:
            await nc.jetstream().delete_stream(name)
        except Exception:
            pass
        await nc.close()

    asyncio.run(delete())


def test_every_service_is_ready_on_postgres_nats_and_s3(cluster: Cluster) -> None:
    for name, process in cluster.processes.items():
        body = httpx.get(f"{process.url}/api/{name}/readyz").json()
        assert body["checks"] == {"database": True, "bus": True, "object_store": True}, name


def test_a_college_created_in_roster_reaches_scheduling(cluster: Cluster) -> None:
    roster, scheduling = cluster.api("roster"), cluster.api("scheduling")
    token = roster.token("school10403")
    scheduling._tokens["school10403"] = token  # the same roster-issued token works on every service
    wait_until(lambda: scheduling.get("/api/scheduling/v1/colleges", "school10403").json()["total"] >= 20, 30)
    created = roster.post("/api/roster/v1/colleges", "school10403", json={"code": "S01", "name": "系统测试学院"})
    assert created.status_code == 201, created.text
    wait_until(lambda: any(c["code"] == "S01" for c in
                           scheduling.get("/api/scheduling/v1/colleges", "school10403").json()["items"]), 30)


def test_a_consumer_killed_mid_stream_loses_nothing_and_applies_nothing_twice(cluster: Cluster) -> None:
    roster, scheduling = cluster.api("roster"), cluster.api("scheduling")
    scheduling._tokens["school10405"] = roster.token("school10405")

    def summary() -> int:
        return int(scheduling.get("/api/scheduling/v1/schools/10405/summary", "school10405").json()["colleges"])

    before = wait_until(summary, 30)
    process = cluster.processes["scheduling"]
    for i in range(40):
        if i == 10:
            process.stop(signal.SIGKILL)  # mid-stream, no goodbye
        response = roster.post("/api/roster/v1/colleges", "school10405",
                               json={"code": f"K{i:02d}", "name": f"补充学院{i:02d}"})
        assert response.status_code == 201, response.text
    process.start()
    wait_until(lambda: summary() >= before + 40, 60)
    assert summary() == before + 40  # exactly once: each event counted one time
    codes = [c["code"] for c in scheduling.get("/api/scheduling/v1/colleges", "school10405").json()["items"]]
    assert sorted(c for c in codes if c.startswith("K")) == [f"K{i:02d}" for i in range(40)]


def test_a_graceful_restart_resumes_where_it_left_off(cluster: Cluster) -> None:
    roster, scheduling = cluster.api("roster"), cluster.api("scheduling")
    scheduling._tokens["school10403"] = roster.token("school10403")

    def summary() -> int:
        return int(scheduling.get("/api/scheduling/v1/schools/10403/summary", "school10403").json()["colleges"])

    before = wait_until(summary, 30)
    process = cluster.processes["scheduling"]
    process.stop(signal.SIGTERM)
    for i in range(5):
        assert roster.post("/api/roster/v1/colleges", "school10403",
                           json={"code": f"R{i}", "name": f"重启学院{i}"}).status_code == 201
    process.start()
    wait_until(lambda: summary() == before + 5, 60)


def test_problems_cross_process_boundaries_as_problem_json(cluster: Cluster) -> None:
    for name, process in cluster.processes.items():
        response = httpx.get(f"{process.url}/api/{name}/v1/missing")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_approved_students_reach_capture_and_payments_without_their_id_numbers(cluster: Cluster) -> None:
    import psycopg

    roster, capture, payments = cluster.api("roster"), cluster.api("capture"), cluster.api("payments")
    token = roster.token("agency")
    capture._tokens["agency"] = payments._tokens["agency"] = token
    approved = roster.get("/api/roster/v1/stats/schools", "agency").json()["items"]
    expected = next(s["approved"] for s in approved if s["school_code"] == "10403")
    assert expected > 0
    wait_until(lambda: capture.get("/api/capture/v1/subjects", "agency", params={"school_code": "10403"}).json()[
        "total"] == expected, 60)
    wait_until(lambda: payments.get("/api/payments/v1/payers", "agency", params={"school_code": "10403"}).json()[
        "total"] == expected, 60)
    students = roster.get("/api/roster/v1/students", "school10403", params={"limit": 500}).json()["items"]
    numbers = {roster.get(f"/api/roster/v1/students/{s['id']}", "school10403").json()["id_number"]
               for s in students[:40]}
    for service in ("scheduling", "capture", "payments"):
        dsn = cluster.databases[service].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
            dump = "\n".join(str(row[0]) for t in tables for row in conn.execute(f'SELECT t::text FROM "{t}" t'))
        if service == "capture":
            assert "**********" in dump  # masked numbers are there ...
        assert [n for n in numbers if n in dump] == [], service  # ... full ones never
