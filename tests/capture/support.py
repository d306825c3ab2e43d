"""Helpers of capture's tests: realistic photos that pass the real photo checks, the demo student's pass, the demo
stations, and a capture database with a day and station "st1" of 南昌大学 on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.capture.models import CaptureDay, Station, metadata, outbox
from services.capture.photoqa.imaging import encode_jpeg
from services.capture.stations.service import today
from services.kernel.db import make_engine, make_session_factory
from services.kernel.uow import UnitOfWork
from tests.support.api import DEMO_STUDENT, Api, wait_until
from tests.support.infra import note_used, require_postgres
from tests.support.pg import temporary_databases
from tests.support.photos import NAMES, Layout, backdrop, blend, compliant, place, standard

__all__ = ["NAMES", "capture_database", "demo_pass", "demo_stations", "free_station", "jpeg", "shot"]


@contextmanager
def capture_database(kind: str, tmp_path: Path, what: str) -> Iterator[sessionmaker[Session]]:
    """Capture's tables in a fresh SQLite file or PostgreSQL database (`what` names the test for the CI log), with
    today's capture day at 南昌大学 and its station "st1" run by the demo photographer."""
    with ExitStack() as stack:
        if kind == "sqlite":
            engine = make_engine(f"sqlite:///{tmp_path / 'capture.db'}")
        else:
            require_postgres()
            note_used(f"{what}: PostgreSQL 127.0.0.1:5432")
            engine = make_engine(stack.enter_context(temporary_databases("capture"))["capture"])
        stack.callback(engine.dispose)
        metadata.create_all(engine)
        factory = make_session_factory(engine)
        with UnitOfWork(factory, outbox) as uow:
            day = CaptureDay(school_code="10403", province_code="36", day=today(), rooms=["A"])
            uow.session.add(day)
            uow.session.add(Station(id="st1", capture_day_id=day.id, school_code="10403", province_code="36",
                                    day=today(), room="A", name="1", photographer="photographer"))
            uow.commit()
        yield factory


@cache
def jpeg(seed: int = 0, size: tuple[int, int] = (600, 800), name: str | None = None) -> bytes:
    """A studio shot as a camera gives it: one of the public-domain portraits (tests/support/faces; `name`, or
    chosen by `seed`) on the CHSI blue in the standard geometry scaled to `size`, with seeded sensor noise so every
    seed's bytes (and hash) differ. Framing and the real checks accept it; a size under 480×640 is refused."""
    name = name or NAMES[seed % len(NAMES)]
    base, scale = standard(name), size[0] / 480
    layout = Layout(eye_x=size[0] / 2, eye_y=(base.eye_y or 0) * scale, ipd=base.ipd * scale, size=size)
    person, alpha = place(name, layout)
    return encode_jpeg(blend(person, alpha, backdrop(size, (100, 197, 255)), seed=seed), 92)


def shot(name: str, number: int) -> bytes:
    """A compliant 480×640 standard photo of `name`, made distinct by a JPEG comment (as a camera's EXIF differs
    per shot): the same pixels, so the checks cost what they cost on the real photo, without a compose per shot."""
    marker = f"tucai-test shot {number}".encode()
    data = compliant(name)
    return data[:2] + b"\xff\xfe" + (len(marker) + 2).to_bytes(2, "big") + marker + data[2:]


def demo_pass(api: Api) -> str:
    response = api.get("/api/roster/v1/students/me/pass", DEMO_STUDENT)
    assert response.status_code == 200, response.text
    key = response.json()["subject_key"]
    # The subject reaches capture through roster's events.
    wait_until(lambda: any(s["subject_key"] == key for s in
                           api.get("/api/capture/v1/subjects", "photographer").json()["items"]))
    return str(response.json()["token"])


def demo_stations(api: Api) -> list[dict[str, object]]:
    response = api.get("/api/capture/v1/stations", "photographer")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def free_station(api: Api, station_id: str) -> None:
    """Void the check-in another test left open at a station (its photographer may then bind someone else)."""
    front = api.get(f"/api/capture/v1/stations/{station_id}", "photographer").json().get("front")
    if front:
        voided = api.post(f"/api/capture/v1/checkins/{front['id']}/void", "photographer",
                          json={"reason": "测试前清空机位"})
        assert voided.status_code == 200, voided.text
