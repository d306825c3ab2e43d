"""Nobody gets to make us read a body we would refuse: the token and the declared length are checked at the
door, and a body without a declared length is cut off at the route's cap (in a real uvicorn process, where the
body arrives over a socket)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.processes import ServiceProcess

pytestmark = pytest.mark.system
HUGE = 300 * 2**20


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    data = tmp_path_factory.mktemp("limits")
    process = ServiceProcess("roster", {"TUCAI_DATA_DIR": str(data), "TUCAI_DEMO": "true"}, data).start()
    try:
        yield process
    finally:
        process.stop()


def _token(process: ServiceProcess) -> str:
    response = httpx.post(f"{process.url}/api/roster/v1/auth/token",
                          data={"username": "school10403", "password": "tucai-demo"})
    return str(response.json()["access_token"])


def _send(process: ServiceProcess, head: str, body_chunks: int = 0, chunk: bytes = b"",
          first: bytes = b"") -> tuple[str, int]:
    """Send the request head (and optionally some body), then read the answer; returns the status line and how
    many body bytes went out before the server answered."""
    sent = 0
    with socket.create_connection(("127.0.0.1", process.port), timeout=10) as sock:
        sock.sendall(head.encode() + first)
        for _ in range(body_chunks):
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        answer = sock.recv(4096).decode("latin-1")
    return answer.split("\r\n", 1)[0], sent


def _head(process: ServiceProcess, headers: dict[str, str]) -> str:
    lines = ["POST /api/roster/v1/imports HTTP/1.1", f"Host: 127.0.0.1:{process.port}",
             "Content-Type: multipart/form-data; boundary=x"] + [f"{k}: {v}" for k, v in headers.items()]
    return "\r\n".join(lines) + "\r\n\r\n"


def test_an_anonymous_300_mb_upload_is_refused_before_its_body_is_read(roster: ServiceProcess) -> None:
    status, _ = _send(roster, _head(roster, {"Content-Length": str(HUGE)}))  # no body sent at all
    assert " 401 " in status


def test_a_forged_token_is_refused_before_the_body_too(roster: ServiceProcess) -> None:
    status, _ = _send(roster, _head(roster, {"Content-Length": str(HUGE), "Authorization": "Bearer x.y.z"}))
    assert " 401 " in status


def test_a_declared_length_over_the_cap_is_refused_at_once(roster: ServiceProcess) -> None:
    head = _head(roster, {"Content-Length": str(HUGE), "Authorization": f"Bearer {_token(roster)}"})
    status, _ = _send(roster, head)
    assert " 413 " in status


def test_a_chunked_body_is_cut_off_at_the_cap(roster: ServiceProcess) -> None:
    head = _head(roster, {"Transfer-Encoding": "chunked", "Authorization": f"Bearer {_token(roster)}"})
    def framed(data: bytes) -> bytes:
        return f"{len(data):x}\r\n".encode() + data + b"\r\n"

    # A well-formed multipart start, so the form parser reads on instead of refusing the body as malformed.
    part = b'--x\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\n'
    status, sent = _send(roster, head, body_chunks=120, chunk=framed(b"a" * 2**20), first=framed(part))
    # 120 MB offered, the cap is ~50 MB
    assert " 413 " in status
    assert sent < 100 * 2**20


def test_json_endpoints_keep_the_small_default_cap(roster: ServiceProcess) -> None:
    response = httpx.post(f"{roster.url}/api/roster/v1/colleges", content=b"{" + b" " * (2 * 2**20) + b"}",
                          headers={"Authorization": f"Bearer {_token(roster)}", "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


def test_a_normal_upload_still_works(roster: ServiceProcess, tmp_path: Path) -> None:
    from tests.support.rosters import student_row, xlsx

    response = httpx.post(f"{roster.url}/api/roster/v1/imports", headers={"Authorization": f"Bearer {_token(roster)}"},
                          files={"file": ("r.xlsx", xlsx([student_row(1)]))})
    assert response.status_code == 202, response.text
