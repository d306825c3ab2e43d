"""A simulated capture day: 2,000+ captures over 10 stations with queue jumps, duplicate scans, a station that
restarts mid-upload (re-sends a photo whose response it never saw) and photos sent to the wrong open number.
Every stored photo must be bound to the student who was really in front of the camera, and every refused one
flagged as an anomaly. The capture database and logs must hold no full ID number. Prints its tally."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlmodel import select
from structlog.testing import capture_logs

from services.capture.checkins import service as checkins
from services.capture.checkins.passes import PassClaims
from services.capture.models import Anomaly, CaptureDay, Photo, Station, Subject, metadata, outbox
from services.capture.photos import service as photos
from services.capture.photos.workers import PhotoWorkers
from services.capture.stations.service import today
from services.kernel.blobstore.local import LocalBlobStore
from services.kernel.db import make_engine, make_session_factory
from services.kernel.errors import TucaiError
from services.kernel.tenancy import Principal, Role, unscoped_for_system
from services.kernel.uow import UnitOfWork
from tests.capture.support import NAMES
from tests.capture.support import shot as compliant_shot

STATIONS, PER_STATION = 10, 205
PHOTOGRAPHER = Principal(subject="p1", role=Role.PHOTOGRAPHER, username="photographer", province="36")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(rng: random.Random) -> str:
    body = f"360102{rng.randint(1995, 2003)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


class Day:
    def __init__(self, tmp: Path) -> None:
        self.engine = make_engine(f"sqlite:///{tmp / 'capture.db'}")
        metadata.create_all(self.engine)
        self.sessions = make_session_factory(self.engine)
        self.blobs = LocalBlobStore(tmp / "objects", b"k" * 32, "/blobs")
        self.workers = PhotoWorkers(0, 60.0)  # the checks inline, on this thread (no worker processes)
        self.tally: Counter[str] = Counter()
        self.truth: dict[str, str] = {}  # sha256 of a shot -> the student really photographed

    def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """One request: its own unit of work, committed unless refused (then only kept changes commit)."""
        with UnitOfWork(self.sessions, outbox) as uow:
            try:
                result = fn(uow, PHOTOGRAPHER, *args, **kwargs)
            except TucaiError as exc:
                if exc.keep_changes:
                    uow.commit()
                self.tally[f"refused {exc.code}"] += 1
                return exc
            uow.commit()
            return result

    def shoot(self, student: str) -> bytes:
        """A compliant portrait that passes the real checks; the shot number makes every shot's bytes differ."""
        data = compliant_shot(NAMES[len(self.truth) % len(NAMES)], len(self.truth))
        self.truth[photos.storage.sha256(data)] = student
        return data


def test_a_simulated_day_binds_every_photo_to_the_right_student_or_flags_it(tmp_path: Path) -> None:
    rng = random.Random(2026)
    day = Day(tmp_path)
    full_ids = {f"s{i:04d}": id_number(rng) for i in range(STATIONS * PER_STATION)}
    with UnitOfWork(day.sessions, outbox) as uow:
        cday = CaptureDay(school_code="10403", province_code="36", day=today(), rooms=["A"])
        uow.session.add(cday)
        for n in range(STATIONS):
            uow.session.add(Station(id=f"st{n}", capture_day_id=cday.id, school_code="10403", province_code="36",
                                    day=today(), room="A", name=f"机位{n}", photographer="photographer"))
        for i, (key, number) in enumerate(full_ids.items()):
            # What roster publishes: masked facts only (the full number stays in roster).
            uow.session.add(Subject(subject_key=key, school_code="10403", province_code="36", term="2026-06",
                                    level="硕士", sex="男", masked_name="王*明", roster_order=i,
                                    masked_id_number=number[:2] + "*" * 14 + number[-2:]))
        uow.commit()

    queues = {f"st{n}": list(full_ids)[n * PER_STATION:(n + 1) * PER_STATION] for n in range(STATIONS)}
    for queue in queues.values():  # queue jumps: students arrive out of list order
        for _ in range(PER_STATION // 8):
            a, b = rng.randrange(len(queue)), rng.randrange(len(queue))
            queue[a], queue[b] = queue[b], queue[a]
    with capture_logs() as logs:
        previous: dict[str, Any] = {}
        for position in range(PER_STATION):
            for station, queue in queues.items():
                _capture_one(day, rng, station, queue[position], previous)
    _verify(day, full_ids, logs)


def _capture_one(day: Day, rng: random.Random, station: str, student: str, previous: dict[str, Any]) -> None:
    claims = PassClaims(student, "10403", "36")
    checkin = day.run(checkins.check_in, station, pass_claims=claims)
    assert not isinstance(checkin, TucaiError), checkin.code
    day.tally["check-ins"] += 1
    if rng.random() < 0.1:  # a duplicate scan returns the same number
        again = day.run(checkins.check_in, station, pass_claims=claims)
        assert again.checkin.id == checkin.checkin.id and not again.created
        day.tally["duplicate scans"] += 1
    if rng.random() < 0.02:  # the same student also scanned at a neighbouring station
        other = f"st{(int(station[2:]) + 1) % STATIONS}"
        assert day.run(checkins.check_in, other, pass_claims=claims).code in {"checkin_open_elsewhere",
                                                                               "station_busy"}
    shot = day.shoot(student)
    prev = previous.get(station)
    if prev is not None and rng.random() < 0.03:  # sent to the previous (closed) number first
        assert day.run(photos.upload, day.blobs, day.workers, prev["checkin"].id, shot).code == "checkin_closed"
    if rng.random() < 0.02:  # the camera software believes another number is open
        wrong = checkin.checkin.sequence_no + 1
        assert day.run(photos.upload, day.blobs, day.workers, checkin.checkin.id, shot, sequence_no=wrong).code == \
            "sequence_mismatch"
    stored = day.run(photos.upload, day.blobs, day.workers, checkin.checkin.id, shot,
                     sequence_no=checkin.checkin.sequence_no)
    assert stored.created and stored.photo.accepted, [c["code"] for c in stored.photo.checks if c["passed"] is False]
    day.tally["photos stored"] += 1
    if rng.random() < 0.05:  # a retake: a new version of the same student
        day.run(photos.upload, day.blobs, day.workers, checkin.checkin.id, day.shoot(student))
        day.tally["retakes"] += 1
    if prev is not None and rng.random() < 0.02:  # a station restarted mid-upload re-sends its last photo
        resent = day.run(photos.upload, day.blobs, day.workers, prev["checkin"].id, prev["shot"])
        assert not resent.created and resent.photo.id == prev["photo"]
        day.tally["re-sends after restart (deduplicated)"] += 1
    previous[station] = {"checkin": checkin.checkin, "shot": shot, "photo": stored.photo.id}


def _verify(day: Day, full_ids: dict[str, str], logs: list[dict[str, Any]]) -> None:
    with day.sessions() as session:
        stored = list(session.exec(unscoped_for_system(select(Photo))))
        anomalies = list(session.exec(unscoped_for_system(select(Anomaly))))
        dump = "\n".join(str(tuple(row)) for table in inspect(day.engine).get_table_names()
                         for row in session.execute(text(f'SELECT * FROM "{table}"')))
    right = sum(day.truth[p.original_sha256] == p.subject_key for p in stored)
    refused = sum(n for k, n in day.tally.items() if k.startswith("refused") and "busy" not in k)
    kinds = Counter(a.kind for a in anomalies)
    print(f"\nsimulated day over {STATIONS} stations: {dict(day.tally)}")
    print(f"photos stored {len(stored)}, bound to the right student {right}, wrong {len(stored) - right}; "
          f"refused {refused}, anomalies {dict(kinds)}")
    assert day.tally["check-ins"] >= 2000
    assert right == len(stored) == day.tally["photos stored"] + day.tally["retakes"]
    assert sum(kinds.values()) == refused  # every refusal that could hide a mix-up is flagged
    assert not any(number in dump for number in full_ids.values())
    assert not any(number in str(entry) for entry in logs for number in full_ids.values())
    assert len({p.original_key for p in stored}) == len(stored)  # never an overwrite
    assert all(day.blobs.exists(p.original_key) and day.blobs.exists(p.standard_key or "") for p in stored)
