"""The photo checks run in worker processes (TUCAI_CAPTURE_CHECK_WORKERS, default 2), through the station API:
the verdicts and the standard photo are exactly those of the inline checks (workers 0); while a check is in flight
in a worker the capture process answers other requests at once; a killed worker gives one 503
`photo_check_unavailable` (nothing stored) and the next upload is checked by a new pool; a hung worker is given up
after capture_check_timeout_seconds with the same 503, never a hang."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.capture.photoqa import identity
from services.capture.photos import workers
from services.gateway.app import create_gateway
from services.kernel.settings import Settings
from tests.capture.support import demo_pass, demo_stations, jpeg
from tests.conftest import embedded_settings
from tests.support.api import Api, wait_until
from tests.support.photos import camera_original, compliant, hostile, variant

CAPTURE = "/api/capture/v1"
TIMEOUT = 10.0  # the pooled system's capture_check_timeout_seconds: a hung worker is given up after this


@contextmanager
def _system(tmp: Path, **overrides: object) -> Iterator[dict[str, Any]]:
    """An embedded system with one student checked in at station one. The identity guard is off (its embeddings
    would use the workers too, and these tests count on each upload being the pool's only call)."""
    settings = embedded_settings(tmp, **overrides)
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
        api = Api(client)
        station = str(demo_stations(api)[0]["id"])
        response = api.post(f"{CAPTURE}/checkins", "photographer", json={"station": station, "pass": demo_pass(api)})
        assert response.status_code == 201, response.text
        try:
            yield {"api": api, "settings": settings, "checkin": response.json()["id"]}
        finally:
            workers.for_settings(settings).shutdown()  # this module's pool only: other modules use the default


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with _system(tmp_path_factory.mktemp("pooled"), capture_check_workers=2, capture_check_timeout_seconds=TIMEOUT,
                 capture_identity_guard=False) as system:
        yield system


@pytest.fixture(scope="module")
def inline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with _system(tmp_path_factory.mktemp("inline"), capture_check_workers=0, capture_identity_guard=False) as system:
        yield system


def _upload(system: dict[str, Any], data: bytes) -> httpx.Response:
    return system["api"].post(f"{CAPTURE}/checkins/{system['checkin']}/photos", "photographer",
                              files={"file": ("IMG.jpg", data, "image/jpeg")})


def _pids(system: dict[str, Any], count: int = 2) -> list[int]:
    """The pool's worker processes once all of them are up."""
    pool = workers.for_settings(system["settings"])
    return list(wait_until(lambda: len(p := pool.pids()) == count and p, timeout=120))


def _signal(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        os.kill(pid, sig)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True  # exited and reaped by the pool's manager: the pool knows it broke
    return False


PHOTOS = {
    "compliant standard photo": compliant("biden"),
    "camera original, tilted": camera_original("obama", size=(1200, 1800)),
    "studio shot to frame": jpeg(3, size=(900, 1200), name="hopper"),
    "wrong background": variant("obama", "wrong_background"),
    "gradient background": variant("astronaut", "gradient"),
    "two faces": variant("biden", "two_faces"),
    "no face": variant("hopper", "no_face"),
    "PNG disguised": variant("obama", "png"),
    "random bytes": hostile()["random"],
}


def test_checks_in_workers_give_exactly_the_inline_verdicts_and_standard_photo(
        pooled: dict[str, Any], inline: dict[str, Any]) -> None:
    assert workers.for_settings(inline["settings"]).pids() == []  # 0: no process, the checks run in the request
    for case, data in PHOTOS.items():
        a, b = _upload(pooled, data), _upload(inline, data)
        assert a.status_code == b.status_code == 201, (case, a.text, b.text)
        assert a.json()["checks"] == b.json()["checks"], case
        assert (a.json()["accepted"], a.json()["standard_sha256"]) == \
            (b.json()["accepted"], b.json()["standard_sha256"]), case
    assert len(_pids(pooled)) == 2
    # The identity guard's embedding (off in these systems) goes through the same pool: the same vector.
    pool = workers.for_settings(pooled["settings"])
    for name in ("biden", "hopper"):
        assert identity.distance(pool.embed(compliant(name)), identity.embed(compliant(name))) < 1e-5, name
    with pytest.raises(identity.NoFace):
        pool.embed(variant("obama", "no_face"))


def test_other_requests_are_answered_while_a_check_is_in_a_worker(pooled: dict[str, Any]) -> None:
    api, pids = pooled["api"], _pids(pooled)
    answer: list[httpx.Response] = []
    _signal(pids, signal.SIGSTOP)  # a check that takes as long as we like: the workers are frozen mid-way
    try:
        upload = threading.Thread(target=lambda: answer.append(_upload(pooled, jpeg(11, name="biden"))))
        upload.start()
        time.sleep(0.5)
        assert upload.is_alive() and not answer  # the check is in a worker, not on a thread of this process
        for path, user in [("/api/capture/healthz", None), (f"{CAPTURE}/subjects", "photographer"),
                           (f"{CAPTURE}/stations", "photographer")]:
            started = time.perf_counter()
            response = api.get(path, user)
            took = time.perf_counter() - started
            assert response.status_code == 200 and took < 2.0, (path, took)
        assert upload.is_alive()
    finally:
        _signal(pids, signal.SIGCONT)
    upload.join(TIMEOUT)
    assert answer and answer[0].status_code == 201 and answer[0].json()["accepted"], answer


def test_a_killed_worker_gives_503_and_the_next_upload_is_checked_by_a_new_pool(pooled: dict[str, Any]) -> None:
    before = _upload(pooled, jpeg(12, name="biden"))
    assert before.status_code == 201, before.text
    pids = _pids(pooled)
    os.kill(pids[0], signal.SIGKILL)
    wait_until(lambda: all(_gone(pid) for pid in pids), timeout=30)  # the pool saw it die and stopped the other

    refused = _upload(pooled, jpeg(13, name="biden"))
    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "photo_check_unavailable" and "照片未保存" in refused.json()["message_zh"]
    assert refused.headers["retry-after"]

    again = _upload(pooled, jpeg(13, name="biden"))  # the station sends it again
    assert again.status_code == 201, again.text
    assert again.json()["version"] == before.json()["version"] + 1  # the refused upload left nothing behind
    assert set(_pids(pooled)).isdisjoint(pids)


def test_a_hung_worker_is_given_up_with_503_not_a_hang(pooled: dict[str, Any]) -> None:
    pids = _pids(pooled)
    _signal(pids, signal.SIGSTOP)
    try:
        started = time.perf_counter()
        hung = _upload(pooled, jpeg(14, name="biden"))
        took = time.perf_counter() - started
    finally:
        for pid in pids:  # given up: they were killed (a stopped process still takes SIGKILL); else free them
            if not _gone(pid):
                os.kill(pid, signal.SIGCONT)
    assert hung.status_code == 503 and hung.json()["code"] == "photo_check_unavailable", hung.text
    assert TIMEOUT <= took < TIMEOUT + 10, took
    wait_until(lambda: all(_gone(pid) for pid in pids), timeout=30)
    again = _upload(pooled, jpeg(14, name="biden"))
    assert again.status_code == 201, again.text


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUCAI_CAPTURE_CHECK_WORKERS", "0")
    assert Settings().capture_check_workers == 0
    monkeypatch.setenv("TUCAI_CAPTURE_CHECK_WORKERS", "-1")
    with pytest.raises(ValueError):
        Settings()
    assert Settings.model_fields["capture_check_workers"].default == 2
