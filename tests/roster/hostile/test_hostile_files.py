"""The hostile corpus through the reader, the offline `tucai roster check` and the upload endpoint: every file is
refused with its problem code, nothing crashes, nothing answers 5xx, the check stays under 512 MB, nothing is
written."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from services.roster.imports.rosterfile import RosterFileError, read_roster
from tests.conftest import embedded_settings
from tests.roster.hostile.corpus import CORPUS, HEADER_CSV, Hostile, _header_cells, sheet, workbook
from tests.roster.import_.people import HEADERS, people
from tests.support.api import Api
from tests.support.processes import ServiceProcess

REPO = Path(__file__).resolve().parents[3]
MEMORY_CEILING = 512 * 2**20
IDS = [h.name for h in CORPUS]


def test_the_corpus_has_at_least_25_kinds_of_hostile_file() -> None:
    assert len(CORPUS) >= 25 and len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("hostile", CORPUS, ids=IDS)
def test_the_reader_refuses_each_with_its_code(hostile: Hostile) -> None:
    with pytest.raises(RosterFileError) as refused:
        read_roster(hostile.build(), hostile.name)
    assert refused.value.code in hostile.codes, refused.value
    assert refused.value.zh and refused.value.en


def _safe_name(name: str) -> str:
    return name.replace("/", "_").replace("\\", "_").lstrip(".")


# Linux keeps a process's peak RSS across execve, so a child forked from this (large) test process would report
# the test's own size. A small launcher is exec'd first; the command it forks starts from the launcher's size, and
# RUSAGE_CHILDREN is exactly that command's peak.
_LAUNCHER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:], stderr=subprocess.DEVNULL)
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024))
sys.exit(code)
"""


def _run_measured(args: list[str], peak_file: Path) -> tuple[int, str, int]:
    """Run a command and return its exit code, stdout and its own peak RSS."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(peak_file), *args], cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return done.returncode, done.stdout.decode(), int(peak_file.read_text())


def test_the_offline_check_refuses_each_in_bounded_memory(tmp_path: Path) -> None:
    tucai = str(Path(sys.executable).parent / "tucai")
    failures = []
    for hostile in CORPUS:
        path = tmp_path / (_safe_name(hostile.name) or "file")
        path.write_bytes(hostile.build())
        code, out, peak = _run_measured([tucai, "roster", "check", str(path), "--school", "10403", "--json"],
                                        tmp_path / "peak")
        try:
            problem = json.loads(out)["error"]["code"]
        except (ValueError, KeyError):
            problem = f"no problem in output: {out[:200]!r}"
        if code != 2 or problem not in hostile.codes or peak >= MEMORY_CEILING:
            failures.append((hostile.name, code, problem, f"{peak / 2**20:.0f} MB"))
        path.unlink()
    assert not failures, failures


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Path]]:
    data_dir = tmp_path_factory.mktemp("hostile")
    with TestClient(create_gateway(embedded_settings(data_dir)), raise_server_exceptions=False) as client:
        yield Api(client), data_dir


def _stored(data_dir: Path) -> list[Path]:
    objects = data_dir / "objects"
    return sorted(p for p in objects.rglob("*") if p.is_file()) if objects.exists() else []


def test_the_upload_endpoint_refuses_each_and_writes_nothing(system: tuple[Api, Path]) -> None:
    api, data_dir = system
    before_jobs = api.get("/api/roster/v1/imports", "school10403").json()["total"]
    before_blobs = _stored(data_dir)
    failures = []
    for hostile in CORPUS:
        response = api.post("/api/roster/v1/imports", "school10403", files={"file": (hostile.name, hostile.build())})
        body = response.json() if response.headers.get("content-type", "").endswith("json") else {}
        if response.status_code not in (413, 422) or body.get("code") not in hostile.codes or \
                not body.get("message_zh"):
            failures.append((hostile.name, response.status_code, body.get("code")))
    assert not failures, failures
    assert api.get("/api/roster/v1/imports", "school10403").json()["total"] == before_jobs
    assert _stored(data_dir) == before_blobs


def _peak_rss(pid: int) -> int:
    """A running process's peak resident memory (VmHWM), in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) * 1024


@pytest.mark.system
def test_a_roster_process_takes_the_whole_corpus_in_bounded_memory_and_stays_up(tmp_path: Path) -> None:
    """The upload endpoint of a real roster process (as deployed: uvicorn, its own memory): every hostile file one
    after another, each refused with its code, the process still answering and never above 512 MB."""
    process = ServiceProcess("roster", {"TUCAI_DATA_DIR": str(tmp_path), "TUCAI_DEMO": "true"}, tmp_path).start()
    assert process.proc is not None
    failures = []
    try:
        with httpx.Client(base_url=process.url, timeout=120) as client:
            token = client.post("/api/roster/v1/auth/token",
                                data={"username": "school10403", "password": "tucai-demo"}).json()["access_token"]
            for hostile in CORPUS:
                response = client.post("/api/roster/v1/imports", headers={"Authorization": f"Bearer {token}"},
                                       files={"file": (hostile.name, hostile.build())})
                code = response.json().get("code") if response.headers.get("content-type", "").endswith("json") \
                    else None
                if response.status_code not in (413, 422) or code not in hostile.codes:
                    failures.append((hostile.name, response.status_code, code))
            assert client.get("/api/roster/healthz").status_code == 200  # no crash
        peak = _peak_rss(process.proc.pid)
    finally:
        process.stop()
    assert not failures, failures
    assert peak < MEMORY_CEILING, f"{peak / 2**20:.0f} MB"


def test_a_path_traversal_file_name_never_reaches_the_store_path(system: tuple[Api, Path]) -> None:
    api, data_dir = system
    from tests.roster.import_.people import xlsx_bytes

    data = xlsx_bytes([p.row("10403") for p in people(2, start=900)])
    response = api.post("/api/roster/v1/imports", "school10403",
                        files={"file": ("../../../../tmp/evil/名单.xlsx", data)})
    assert response.status_code == 202, response.text
    for stored in _stored(data_dir):
        assert stored.resolve().is_relative_to((data_dir / "objects").resolve())
    assert not Path("/tmp/evil").exists()


def test_what_the_bounds_must_not_refuse() -> None:
    """Formatting far from the list (self-closing cells with a style), UTF-16 without a BOM, a sheet near the
    limits: still read."""
    rows = "".join(f'<row r="{i + 2}">' + "".join(
        f'<c r="{chr(65 + j)}{i + 2}" t="inlineStr"><is><t>{v}</t></is></c>' for j, v in enumerate(p.row("10403")))
        + "</row>" for i, p in enumerate(people(3)))
    styled = '<row r="150000"><c r="IV150000" s="1"/></row>'
    read = read_roster(workbook(sheet(_header_cells() + rows + styled)), "r.xlsx")
    assert len(read.rows) == 3
    text = "\t".join(HEADERS) + "\r\n" + "\r\n".join("\t".join(str(v) for v in p.row("10403")) for p in people(2))
    assert len(read_roster(text.encode("utf-16-le"), "r.txt").rows) == 2
    assert len(read_roster(text.encode("utf-16-be"), "r.txt").rows) == 2
    assert read_roster((HEADER_CSV + ",".join(str(v) for v in people(1)[0].row("10403"))).encode(),
                       "r.csv").format == "csv"
