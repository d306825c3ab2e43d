"""Embeddings tell the fixture people apart, and the three mix-up rules flag what they should and nothing else."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from services.capture.photoqa import check_photo, identity
from services.capture.photoqa.identity import Earlier, NewFace, find_mixups
from tests.support import photos


@pytest.fixture(scope="module")
def vectors() -> dict[str, np.ndarray]:
    return {name: identity.embed(photos.compliant(name)) for name in photos.NAMES}


def test_same_person_and_different_people_are_told_apart(vectors: dict[str, np.ndarray]) -> None:
    for a, b in itertools.combinations(photos.NAMES, 2):
        same = photos.PERSON[a] == photos.PERSON[b]
        d = identity.distance(vectors[a], vectors[b])
        assert identity.same_person(vectors[a], vectors[b]) == same, (a, b, d)
        if same:
            assert d < identity.SAME_FACE, (a, b, d)  # different shots of one person: also close enough for rule (a)


def test_a_defective_shot_still_embeds_as_its_person(vectors: dict[str, np.ndarray]) -> None:
    retake = identity.embed(photos.variant("biden", "off_centre"))
    assert identity.distance(retake, vectors["biden"]) < 0.2
    assert vectors["biden"].shape == (128,) and vectors["biden"].dtype == np.float32


def test_no_face_raises() -> None:
    with pytest.raises(identity.NoFace):
        identity.embed(photos.variant("obama", "no_face"))
    with pytest.raises(identity.NoFace):
        identity.embed(b"not a photo")


def _school(vectors: dict[str, np.ndarray]) -> Earlier:
    # four students photographed on the capture day: S1 is obama, S2 biden, S3 hopper, S4 collins
    return Earlier.of([("S1", "capture", vectors["obama"], "v1"), ("S2", "capture", vectors["biden"], "v2"),
                       ("S3", "capture", vectors["hopper"], "v3"), ("S4", "capture", vectors["astronaut"], "v4")])


def test_face_bound_to_two_students(vectors: dict[str, np.ndarray]) -> None:
    # The queue drifted: S5 was called, but obama sat in the chair again (another shot of him).
    flags = find_mixups(NewFace("S5", "capture", vectors["obama3"]), _school(vectors))
    assert [(f.rule, f.other_subject_key, f.earlier_ref) for f in flags] == [("face_on_two_students", "S1", "v1")]
    assert flags[0].as_dict()["message"].startswith("同一张脸")


def test_retake_of_a_different_person(vectors: dict[str, np.ndarray]) -> None:
    school = _school(vectors)
    assert find_mixups(NewFace("S1", "retake", vectors["obama2"]), school) == []
    flags = find_mixups(NewFace("S2", "retake", vectors["hopper"]), school)
    rules = {(f.rule, f.other_subject_key) for f in flags}
    # hopper is S3's face too, so the same photo also breaks rule (a)
    assert rules == {("retake_different_person", "S2"), ("face_on_two_students", "S3")}


def test_makeup_must_match_the_earlier_capture(vectors: dict[str, np.ndarray]) -> None:
    school = _school(vectors)
    assert find_mixups(NewFace("S1", "makeup", vectors["obama3"]), school) == []
    flags = find_mixups(NewFace("S4", "makeup", vectors["biden"]), school)
    assert {f.rule for f in flags} == {"makeup_mismatch", "face_on_two_students"}
    # a make-up for a student never photographed before has nothing to match: only rule (a) can apply
    assert find_mixups(NewFace("S9", "makeup", vectors["obama2"]), school)[0].rule == "face_on_two_students"
    assert find_mixups(NewFace("S9", "makeup", np.zeros(128, np.float32) + 0.3), school) == []


def test_one_against_ten_thousand_is_vectorised() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.normal(0, 0.09, (10_000, 128)).astype(np.float32)
    earlier = Earlier(matrix, np.array([f"S{i}" for i in range(10_000)]), np.array(["capture"] * 10_000))
    probe = matrix[1234] + rng.normal(0, 0.01, 128).astype(np.float32)
    flags = find_mixups(NewFace("NEW", "capture", probe), earlier)
    assert [f.other_subject_key for f in flags] == ["S1234"]
    # One matrix product against all earlier faces (its speed is bench_photoqa's figure, not a timed test).
    np.testing.assert_allclose(earlier.distances(probe), np.linalg.norm(matrix - probe, axis=1), atol=1e-3)


def test_vectors_round_trip_through_bytes(vectors: dict[str, np.ndarray]) -> None:
    stored = identity.to_bytes(vectors["hopper"])
    assert len(stored) == 512
    np.testing.assert_array_equal(identity.from_bytes(stored), vectors["hopper"])
    with pytest.raises(ValueError):
        identity.from_bytes(stored[:-4])


def test_checks_and_embeddings_may_run_on_many_threads_at_once() -> None:
    """Ingest checks run on request threads while the identity guard embeds on a job thread: one dlib detector
    shared by threads crashed the process; every thread must find the same face as a lone call does."""
    from concurrent.futures import ThreadPoolExecutor

    data = photos.compliant("hopper")
    alone = identity.embed(data)
    with ThreadPoolExecutor(6) as pool:
        checks = [pool.submit(check_photo, photos.compliant(name)) for name in photos.NAMES for _ in range(3)]
        vectors = [pool.submit(identity.embed, data) for _ in range(3)]
        assert all(f.result().passed for f in checks)
        assert all(identity.distance(f.result(), alone) < 1e-4 for f in vectors)
