"""The live board as Server-Sent Events, on a real HTTP server (a stream never ends by itself inside the test
client): board events that follow capture's check-ins, heartbeats, the bound on open streams, and hostile tokens
(forged, expired, another school's)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from services.gateway.app import create_gateway
from tests.capture.support import demo_pass, demo_stations
from tests.conftest import embedded_settings
from tests.scheduling.helpers import URL, publish_today
from tests.support.api import Api
from tests.support.processes import serve_in_thread

MAX_STREAMS = 2


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Path, str]]:
    """The embedded system on uvicorn (streams bounded to two, short-lived, quick heartbeats) and today's day of
    南昌大学 with its plan published."""
    data = tmp_path_factory.mktemp("board-stream")
    settings = embedded_settings(data, board_streams_max=MAX_STREAMS, board_poll_seconds=0.2,
                                 board_heartbeat_seconds=0.5, board_stream_seconds=6)
    with serve_in_thread(create_gateway(settings)) as base, httpx.Client(base_url=base, timeout=30) as client:
        api = Api(client)
        yield api, data, publish_today(api)["id"]


def _url(day_id: str) -> str:
    return f"{URL}/capture-days/{day_id}/board/stream"


def _events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """(kind, data) per server-sent event: ("board", document) or ("heartbeat", None)."""
    kind = None
    for line in lines:
        if line.startswith(": heartbeat"):
            yield "heartbeat", None
        elif line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: ") and kind:
            yield kind, json.loads(line.removeprefix("data: "))
            kind = None


def test_the_stream_pushes_the_board_when_a_student_checks_in(system: tuple[Api, Path, str]) -> None:
    api, _, day_id = system
    token = demo_pass(api)
    station = demo_stations(api)[0]["id"]
    seen: list[str] = []
    with api.client.stream("GET", _url(day_id), params={"token": api.token("school10403")}) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-store"  # nothing cached, not even the token's URL
        for kind, board in _events(response.iter_lines()):
            seen.append(kind)
            if kind == "board" and board["totals"]["checked_in"] == 0 and "checkin" not in seen:
                assert board["day_id"] == day_id and board["totals"]["expected"] >= 58
                checkin = api.post("/api/capture/v1/checkins", "photographer", json={"station": station,
                                                                                    "pass": token})
                assert checkin.status_code == 201, checkin.text
                seen.append("checkin")
            elif kind == "board" and board["totals"]["checked_in"] == 1:
                break
    assert seen[0] == "board" and seen[-1] == "board" and "checkin" in seen


def test_an_unchanged_board_sends_heartbeats(system: tuple[Api, Path, str]) -> None:
    api, _, day_id = system
    with api.client.stream("GET", _url(day_id), headers=api.as_user("agency")) as response:
        assert response.status_code == 200
        kinds = []
        for kind, _ in _events(response.iter_lines()):
            kinds.append(kind)
            if kinds.count("heartbeat") == 2:
                break
    assert kinds[0] == "board" and kinds[1:] == ["heartbeat", "heartbeat"]


def test_open_streams_are_bounded_and_a_closed_one_frees_its_slot(system: tuple[Api, Path, str]) -> None:
    api, _, day_id = system
    params = {"token": api.token("school10403")}
    with httpx.Client(base_url=str(api.client.base_url), timeout=30) as other:
        streams = [other.stream("GET", _url(day_id), params=params) for _ in range(MAX_STREAMS)]
        opened = [s.__enter__() for s in streams]
        try:
            # Read each stream's first board (it holds its slot); the readers stay referenced, since a reader
            # collected early closes its connection.
            readers = [_events(response.iter_lines()) for response in opened]
            assert [r.status_code for r in opened] == [200] * MAX_STREAMS
            assert [next(reader)[0] for reader in readers] == ["board"] * MAX_STREAMS
            refused = api.client.get(_url(day_id), params=params)
            assert refused.status_code == 503 and refused.json()["code"] == "too_many_streams"
            assert refused.headers["retry-after"]
        finally:
            for s in streams:
                s.__exit__(None, None, None)
    # The server notices the closed connections and gives their slots back.
    deadline = time.monotonic() + 10
    while True:
        with api.client.stream("GET", _url(day_id), params=params) as again:
            if again.status_code == 200:
                break
        assert time.monotonic() < deadline, "the closed streams kept their slots"
        time.sleep(0.2)


def _signed(data: Path, claims: dict[str, Any], kid: str) -> str:
    key = serialization.load_pem_private_key((data / "keys" / "jwt-ed25519.pem").read_bytes(), password=None)
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})  # type: ignore[arg-type]


def test_forged_expired_and_foreign_tokens_get_no_stream(system: tuple[Api, Path, str]) -> None:
    api, data, day_id = system
    genuine = api.token("school10403")
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = jwt.get_unverified_header(genuine)["kid"]
    expired = _signed(data, {**claims, "exp": int(time.time()) - 5}, kid)
    other_school = _signed(data, {**claims, "sch": "10405"}, kid)  # re-signed with the real key: a real token
    forged = genuine[:-6] + ("AAAAAA" if not genuine.endswith("AAAAAA") else "BBBBBB")

    def get(**params: str) -> httpx.Response:
        return api.client.get(_url(day_id), params=params)

    assert get(token=forged).json()["code"] == "invalid_token"
    assert get(token=expired).json()["code"] == "token_expired"
    assert get(token="x" * 5000).status_code == 422  # oversized
    assert get().json()["code"] == "not_authenticated"
    assert get(token=other_school).status_code == 404
    assert get(token=api.token("school10405")).status_code == 404
    assert api.client.get(_url("no-such-day"), params={"token": genuine}).status_code == 404
