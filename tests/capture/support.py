"""Helpers of capture's tests: JPEGs that pass the basic checks, the demo student's pass, the demo stations, and
a capture database with a day and station "st1" of 南昌大学 on SQLite or PostgreSQL."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from services.capture.models import CaptureDay, Station, metadata, outbox
from services.capture.stations.service import today
from services.kernel.db import make_engine, make_session_factory
from services.kernel.uow import UnitOfWork
from tests.support.api import DEMO_STUDENT, Api, wait_until
from tests.support.infra import note_used, require_postgres
from tests.support.pg import temporary_databases


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


def jpeg(seed: int = 0, size: tuple[int, int] = (600, 800)) -> bytes:
    """A distinct, noisy JPEG (noise keeps it above the minimum file size and makes every seed's hash differ)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (60, 80), (100, 197, 255))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(60 * 80)])
    buffer = io.BytesIO()
    image.resize(size, Image.Resampling.NEAREST).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


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
