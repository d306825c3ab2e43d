"""A notice-day crowd: the embedded system (`tucai serve`, demo data, one uvicorn process) driven by wrk at 50 and
500 concurrent connections against the student's hot reads (`GET students/me`, `students/me/pass`, `orders/me`)
and a staff list page (school admin, 50 students), each beside a bare FastAPI route returning a JSON body of the
same size, served by the same uvicorn settings in the same run (the limit: what the framework and server do at all
on this machine). Both modes' databases: SQLite (the default) and PostgreSQL (each service its own database on the
local server, skipped with a note when none answers on 127.0.0.1:5432). Reported per case: throughput, p50/p99,
non-2xx answers (503s are the backpressure shedding a crowd beyond capacity), the latency of one request made
right after the crowd (the process must not still be working through a backlog), the server's CPU time per answer
(user + system of the serving process; steadier than throughput on a machine other work shares) and the load
average.

TUCAI_BENCH_LOAD_SECONDS (default 5) sets each run's length; TUCAI_BENCH_LOAD_TARGETS (me, my pass, my order,
staff list), TUCAI_BENCH_LOAD_MODES (sqlite, postgres) and TUCAI_BENCH_LOAD_CONNECTIONS (50,500) narrow a run;
each run starts once the server is idle (settle); wrk comes from Debian (deploy/scripts/system-deps.sh).
`python -m tests.bench.bench_load --bare PORT BODY` serves the bare app."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.bench.common import REPO, Row, env_int, write_result
from tests.support.infra import port_open
from tests.support.processes import TUCAI, free_port

NAME = "load"
CONCURRENCY = tuple(int(c) for c in os.environ.get("TUCAI_BENCH_LOAD_CONNECTIONS", "50,500").split(","))
ME = "/api/roster/v1/students/me"
MY_PASS = "/api/roster/v1/students/me/pass"  # the capture pass (QR code) the phone shows at check-in
MY_ORDER = "/api/payments/v1/orders/me"  # the student's fee and payment status
STAFF_LIST = "/api/roster/v1/students?limit=50"
MODES = tuple(os.environ.get("TUCAI_BENCH_LOAD_MODES", "sqlite,postgres").split(","))
WORKERS = int(os.environ.get("TUCAI_BENCH_LOAD_WORKERS", "2"))  # the roster-alone case on PostgreSQL; 1: none
PG_THREADS = 20  # per process on PostgreSQL: 2 workers × (20 + 10) stay well under a default max_connections (100)
SERVICES = ("roster", "scheduling", "capture", "payments")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
DEMO_STUDENT_NO = "2023090101"  # the demo student of 南昌大学 (tests/support/api.py)
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def bare_app(body: bytes) -> Any:
    from fastapi import FastAPI
    from fastapi.responses import Response

    app = FastAPI()

    @app.get("/bare")
    def bare() -> Response:  # sync like the system's routes: the same threadpool hop
        return Response(body, media_type="application/json")

    return app


def serve_bare(port: int, body_file: Path) -> None:
    import uvicorn

    uvicorn.run(bare_app(body_file.read_bytes()), host="127.0.0.1", port=port, log_config=None, access_log=False,
                server_header=False)


@contextmanager
def serve_process(args: list[str], ready_url: str, env: dict[str, str], log: Path) -> Iterator[int]:
    with log.open("ab") as out:
        proc = subprocess.Popen(args, cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300  # start-up (migrations, demo data) on a busy shared machine
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{args[0]} exited early; see {log}")
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{ready_url} not ready; see {log}")
            time.sleep(0.3)
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _tokens(base: str) -> tuple[str, str]:
    """A school admin's token and the demo student's (signed in with 学号 + the ID number's last six)."""
    with httpx.Client(base_url=base, timeout=30) as client:
        staff = client.post("/api/roster/v1/auth/token", data={"username": "school10403", "password": "tucai-demo"})
        staff_token = str(staff.json()["access_token"])
        auth = {"Authorization": f"Bearer {staff_token}"}
        [row] = client.get("/api/roster/v1/students", headers=auth, params={"q": DEMO_STUDENT_NO}).json()["items"]
        record = client.get(f"/api/roster/v1/students/{row['id']}", headers=auth).json()
        student = client.post("/api/roster/v1/auth/student-token", json={
            "school_code": "10403", "student_no": DEMO_STUDENT_NO, "secret": record["id_number"][-6:]})
        return staff_token, str(student.json()["access_token"])


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"wrk latency {text!r}")
    return round(float(match[1]) * _UNITS[match[2]], 2)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process (all its threads) and its live children (uvicorn's workers) have used
    so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15 of stat
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(k) for k in children.read_text().split()] if children.exists() else []
    return own + sum(cpu_seconds(kid) for kid in kids)


def roster_app() -> Any:
    """`uvicorn --factory tests.bench.bench_load:roster_app`: the roster service alone (distributed mode), logging
    as `tucai serve` does; for the several-workers case."""
    from services.kernel.observability import configure_logging
    from services.kernel.settings import Settings
    from services.roster.app import create_app

    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    return create_app(settings)


def settle(pid: int, idle_share: float = 0.05, timeout: float = 15.0) -> float:
    """Wait until the process is idle (under `idle_share` of a core over a quarter second): a run must not start
    while the last one's backlog or the warm-up still runs. Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = cpu_seconds(pid)
        time.sleep(0.25)
        if cpu_seconds(pid) - before <= idle_share * 0.25:
            break
    return round(time.monotonic() - started, 2)


def measured(pid: int, url: str, connections: int, seconds: int, token: str | None = None) -> dict[str, Any]:
    """A wrk run, once the serving process is idle, and its CPU time per answered request meanwhile."""
    settle(pid)
    before = cpu_seconds(pid)
    result = wrk(url, connections, seconds, token)
    answered = result["requests"]
    result["cpu_ms_per_request"] = round((cpu_seconds(pid) - before) * 1000 / answered, 3) if answered else None
    result["load_average"] = round(os.getloadavg()[0], 1)
    return result


def wrk(url: str, connections: int, seconds: int, token: str | None = None,
        script: Path | None = None) -> dict[str, Any]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if token:
        args += ["-H", f"Authorization: Bearer {token}"]
    if script:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    total = re.search(r"(\d+) requests in", out)
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    requests = int(total[1]) if total else 0
    bad = int(non2xx[1]) if non2xx else 0
    return {
        "connections": connections, "requests": requests, "non_2xx": bad,
        "ok_per_s": round((requests - bad) / seconds, 1),
        "p50_ms": _ms(percentiles["50"]) if "50" in percentiles else None,
        "p99_ms": _ms(percentiles["99"]) if "99" in percentiles else None,
        "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0,
        "wrk": out,
    }


def _one_request_ms(url: str, token: str | None = None) -> tuple[float, int]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    response = httpx.get(url, headers=headers, timeout=600)
    return round((time.perf_counter() - started) * 1000, 1), response.status_code


@contextmanager
def _databases(mode: str) -> Iterator[dict[str, str]]:
    """The services' database settings of a mode: none for SQLite (files under the data dir), else one fresh
    PostgreSQL database per service, dropped afterwards."""
    if mode == "sqlite":
        yield {}
        return
    from tests.support.pg import temporary_databases

    with temporary_databases(*SERVICES) as urls:
        yield {f"TUCAI_{name.upper()}_DATABASE_URL": url for name, url in urls.items()}


def _mode_cases(mode: str, seconds: int, data: Path) -> list[dict[str, Any]]:
    system_port, bare_port = free_port(), free_port()
    system, bare = f"http://127.0.0.1:{system_port}", f"http://127.0.0.1:{bare_port}"
    cases: list[dict[str, Any]] = []
    env = {"TUCAI_DATA_DIR": str(data), "TUCAI_DEMO": "true", "TUCAI_SPA_DIR": str(data / "no-spa")}
    if mode == "postgres":  # README sizing: workers × (threads + 10) connections per service under max_connections
        env["TUCAI_THREADPOOL_SIZE"] = str(PG_THREADS)
    with _databases(mode) as urls:
        with serve_process([TUCAI, "serve", "--host", "127.0.0.1", "--port", str(system_port)],
                      f"{system}/api/roster/readyz", {**env, **urls}, data / "system.log") as pid:
            staff_token, student_token = _tokens(system)
            targets = {"me": (ME, student_token), "my pass": (MY_PASS, student_token),
                       "my order": (MY_ORDER, student_token), "staff list": (STAFF_LIST, staff_token)}
            only = os.environ.get("TUCAI_BENCH_LOAD_TARGETS")
            targets = {k: v for k, v in targets.items() if not only or k in only.split(",")}
            bodies = {}
            for name, (path, token) in targets.items():
                response = httpx.get(system + path, headers={"Authorization": f"Bearer {token}"})
                response.raise_for_status()
                bodies[name] = response.content
                (data / f"{name}.json").write_bytes(response.content)
            for name, (path, token) in targets.items():
                bare_args = [sys.executable, "-m", "tests.bench.bench_load", "--bare", str(bare_port),
                             str(data / f"{name}.json")]
                wrk(system + path, 10, 1, token)  # warm-up: caches, keys, the first connections
                for connections in CONCURRENCY:
                    system_run = measured(pid, system + path, connections, seconds, token)
                    after_ms, after_status = _one_request_ms(system + path, token)
                    with serve_process(bare_args, f"{bare}/bare", {}, data / "bare.log") as bare_pid:
                        wrk(f"{bare}/bare", 10, 1)
                        bare_run = measured(bare_pid, f"{bare}/bare", connections, seconds)
                    cases.append({"mode": mode, "target": name, "connections": connections, "system": system_run,
                                  "bare": bare_run, "after_crowd_ms": after_ms, "after_crowd_status": after_status,
                                  "body_bytes": len(bodies[name])})
        if mode == "postgres" and WORKERS > 1 and "me" in targets:
            cases += _workers_cases(
                {**env, "TUCAI_DATABASE_URL": urls["TUCAI_ROSTER_DATABASE_URL"]}, student_token, seconds, data,
                bare_of={c["connections"]: c["bare"] for c in cases if c["target"] == "me"},
                body_bytes=len(bodies["me"]))
    return cases


def _workers_cases(env: dict[str, str], token: str, seconds: int, data: Path, bare_of: dict[int, dict[str, Any]],
                   body_bytes: int) -> list[dict[str, Any]]:
    """Distributed mode: roster alone with several uvicorn workers (each its own pool), on the data the embedded
    process left; the bare figures are those of `me` measured in the same run."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{ME}"
    cases = []
    with serve_process([sys.executable, "-m", "uvicorn", "--factory", "tests.bench.bench_load:roster_app",
                   "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS), "--no-access-log",
                   "--no-server-header"], f"http://127.0.0.1:{port}/api/roster/readyz", env,
                  data / "workers.log") as pid:
        wrk(url, 10, 3, token)  # every worker warms up on its own (keys, statement caches, connections)
        for connections in CONCURRENCY:
            run = measured(pid, url, connections, seconds, token)
            after_ms, after_status = _one_request_ms(url, token)
            cases.append({"mode": f"postgres roster ×{WORKERS} workers", "target": "me",
                          "connections": connections, "system": run, "bare": bare_of[connections],
                          "after_crowd_ms": after_ms, "after_crowd_status": after_status, "body_bytes": body_bytes})
    return cases


def run(out_dir: Path) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: bash deploy/scripts/system-deps.sh (as root) installs it")
    seconds = env_int("TUCAI_BENCH_LOAD_SECONDS", 5)
    cases: list[dict[str, Any]] = []
    notes = ["embedded mode: one `tucai serve` process, in-memory bus; wrk -t2 on the same 2-core machine, so the "
             "load generator competes with the server",
             "n is the seconds of each wrk run; the bare app runs alone while it is measured",
             "non-2xx under the crowd are 503 `overloaded` shed by the kernel's backpressure",
             "cpu ms/req: user + system time of the serving process per request wrk counted"]
    for mode in MODES:
        if mode == "postgres" and not port_open("127.0.0.1", 5432):
            notes.append("postgres: skipped, nothing answers on 127.0.0.1:5432")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            cases += _mode_cases(mode, seconds, Path(tmp))
    rows = [Row(f"{c['mode']} {c['target']} @{c['connections']} (2xx/s)", c["system"]["ok_per_s"], "req/s",
                f"bare route @{c['connections']}", c["bare"]["ok_per_s"]) for c in cases]
    result: dict[str, Any] = {
        "n": seconds,
        "rows": [row.as_dict() for row in rows],
        "cases": cases,
        "main_cost": "; ".join(
            f"{c['mode']} {c['target']}@{c['connections']}: p50 {c['system']['p50_ms']} ms, "
            f"p99 {c['system']['p99_ms']} ms, non-2xx {c['system']['non_2xx']}, after crowd {c['after_crowd_ms']} ms, "
            f"cpu {c['system']['cpu_ms_per_request']} ms/req (bare p50 {c['bare']['p50_ms']}, "
            f"p99 {c['bare']['p99_ms']}, cpu {c['bare']['cpu_ms_per_request']} ms/req), "
            f"load {c['system']['load_average']}" for c in cases),
        "notes": notes,
    }
    result["path"] = write_result(out_dir, NAME, result)
    return result


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--bare":
        serve_bare(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "var" / "bench"), indent=2,
                         default=str))
