"""A notice-day crowd: the embedded system (`tucai serve`, SQLite, demo data, one uvicorn process) driven by wrk at
50 and 500 concurrent connections against the student's `GET students/me` and a staff list page (school admin, 50
students), each beside a bare FastAPI route returning a JSON body of the same size, served by the same uvicorn
settings in the same run (the limit: what the framework and server do at all on this machine). Reported per case:
throughput, p50/p99, non-2xx answers (503s are the backpressure shedding a crowd beyond capacity), and the latency
of one request made right after the crowd (the process must not still be working through a backlog).

TUCAI_BENCH_LOAD_SECONDS (default 5) sets each run's length; wrk comes from Debian (deploy/scripts/system-deps.sh).
`python -m tests.bench.bench_load --bare PORT` serves the bare app alone."""

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
from tests.support.processes import TUCAI, free_port

NAME = "load"
CONCURRENCY = tuple(int(c) for c in os.environ.get("TUCAI_BENCH_LOAD_CONNECTIONS", "50,500").split(","))
ME = "/api/roster/v1/students/me"
STAFF_LIST = "/api/roster/v1/students?limit=50"
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
def _process(args: list[str], ready_url: str, env: dict[str, str], log: Path) -> Iterator[None]:
    with log.open("ab") as out:
        proc = subprocess.Popen(args, cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
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
        yield
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


def wrk(url: str, connections: int, seconds: int, token: str | None = None) -> dict[str, Any]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if token:
        args += ["-H", f"Authorization: Bearer {token}"]
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


def run(out_dir: Path) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: bash deploy/scripts/system-deps.sh (as root) installs it")
    seconds = env_int("TUCAI_BENCH_LOAD_SECONDS", 5)
    system_port, bare_port = free_port(), free_port()
    system, bare = f"http://127.0.0.1:{system_port}", f"http://127.0.0.1:{bare_port}"
    cases: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        env = {"TUCAI_DATA_DIR": str(data), "TUCAI_DEMO": "true", "TUCAI_SPA_DIR": str(data / "no-spa")}
        with _process([TUCAI, "serve", "--host", "127.0.0.1", "--port", str(system_port)],
                      f"{system}/api/roster/readyz", env, data / "system.log"):
            staff_token, student_token = _tokens(system)
            targets = {"me": (ME, student_token), "staff list": (STAFF_LIST, staff_token)}
            only = os.environ.get("TUCAI_BENCH_LOAD_TARGETS")
            targets = {k: v for k, v in targets.items() if not only or k in only.split(",")}
            bodies = {name: httpx.get(system + path, headers={"Authorization": f"Bearer {token}"}).content
                      for name, (path, token) in targets.items()}
            for name, body in bodies.items():
                (data / f"{name}.json").write_bytes(body)
            for name, (path, token) in targets.items():
                bare_args = [sys.executable, "-m", "tests.bench.bench_load", "--bare", str(bare_port),
                             str(data / f"{name}.json")]
                wrk(system + path, 10, 1, token)  # warm-up: caches, keys, the first connections
                for connections in CONCURRENCY:
                    system_run = wrk(system + path, connections, seconds, token)
                    after_ms, after_status = _one_request_ms(system + path, token)
                    with _process(bare_args, f"{bare}/bare", {}, data / "bare.log"):
                        wrk(f"{bare}/bare", 10, 1)
                        bare_run = wrk(f"{bare}/bare", connections, seconds)
                    cases.append({"target": name, "connections": connections, "system": system_run,
                                  "bare": bare_run, "after_crowd_ms": after_ms, "after_crowd_status": after_status,
                                  "body_bytes": len(bodies[name])})
    rows = [Row(f"{c['target']} @{c['connections']} (2xx/s)", c["system"]["ok_per_s"], "req/s",
                f"bare route @{c['connections']}", c["bare"]["ok_per_s"]) for c in cases]
    result: dict[str, Any] = {
        "n": seconds,
        "rows": [row.as_dict() for row in rows],
        "cases": cases,
        "main_cost": "; ".join(
            f"{c['target']}@{c['connections']}: p50 {c['system']['p50_ms']} ms, p99 {c['system']['p99_ms']} ms, "
            f"non-2xx {c['system']['non_2xx']}, after crowd {c['after_crowd_ms']} ms "
            f"(bare p50 {c['bare']['p50_ms']}, p99 {c['bare']['p99_ms']})" for c in cases),
        "notes": ["embedded mode: one `tucai serve` process, SQLite (WAL), in-memory bus; wrk -t2 on the same "
                  "2-core machine, so the load generator competes with the server",
                  "n is the seconds of each wrk run; the bare app runs alone while it is measured",
                  "non-2xx under the crowd are 503 `overloaded` shed by the kernel's backpressure"],
    }
    result["path"] = write_result(out_dir, NAME, result)
    return result


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--bare":
        serve_bare(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "var" / "bench"), indent=2,
                         default=str))
