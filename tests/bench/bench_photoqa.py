"""Photo QA on one core: check_photo per photo (p50/p95, decode included) beside a bare cv2.imdecode of the same
files, framing a 4000×6000 camera original beside its bare decode, the face embedding (off the hot path) beside the
check, and one new face against 10,000 earlier ones beside the bare matrix-vector product.

The files are the test suite's fixtures (compliant photos and their one-defect JPEG variants, built from the
public-domain portraits in tests/support/faces). Everything is measured in a child process pinned to one CPU with
OpenCV/BLAS threads at 1, so the figures are per core whatever else runs. Knobs: TUCAI_BENCH_PHOTOQA_REPEAT (passes
over the files, default 3), TUCAI_BENCH_PHOTOQA_FILES (at most this many files, default all), and
TUCAI_BENCH_PHOTOQA_ORIGINAL (the original's width, default 4000; height 1.5×).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from tests.bench.common import REPO, Row, env_int, write_result

NAME = "photoqa"
BUDGET_MS = 50.0  # issue 11: check p95 on one core, decode included
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run(out_dir: Path) -> dict[str, Any]:
    repeat = env_int("TUCAI_BENCH_PHOTOQA_REPEAT", 3)
    files = env_int("TUCAI_BENCH_PHOTOQA_FILES", 10_000)
    width = env_int("TUCAI_BENCH_PHOTOQA_ORIGINAL", 4000, minimum=600)
    done = subprocess.run([sys.executable, "-m", "tests.bench.bench_photoqa", str(repeat), str(files), str(width)],
                          cwd=REPO, capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, **ONE_THREAD})
    if done.returncode != 0:
        raise RuntimeError(f"bench_photoqa child failed:\n{done.stderr[-3000:]}")
    m = json.loads(done.stdout.strip().splitlines()[-1])
    check, bare = m["check_ms"], m["decode_ms"]
    rows = [
        Row("check_photo p50 (decode incl.)", check["p50"], "ms", "bare cv2.imdecode p50", bare["p50"]),
        Row("check_photo p95 (decode incl.)", check["p95"], "ms", "bare cv2.imdecode p95", bare["p95"]),
        Row(f"frame_photo {m['original']} p50", m["frame_ms"]["p50"], "ms", "bare decode of the original",
            m["original_decode_ms"]["p50"]),
        Row("embed (off the hot path) p50", m["embed_ms"]["p50"], "ms", "check_photo p50", check["p50"]),
        Row("find_mixups 1 vs 10,000 p50", m["mixups_us"]["p50"], "µs", "bare matrix @ vector p50",
            m["matvec_us"]["p50"]),
    ]
    result: dict[str, Any] = {
        "n": m["files"],
        "rows": [row.as_dict() for row in rows],
        "budget_ms": BUDGET_MS,
        "check_p95_within_budget": check["p95"] < BUDGET_MS,
        "measured": m,
        "main_cost": _main_cost(m),
        "notes": [
            f"child pinned to CPU {m['cpu']}, cv2.setNumThreads(1), BLAS threads 1; {m['repeat']} passes over "
            f"{m['files']} fixture JPEGs, bare decode and check alternated per file",
            "the first call of each path (model loading: HOG ~0 s, 5-point predictor ~0.1 s, ResNet ~0.2 s) is "
            "excluded",
            "embedding uses dlib-bin, built without BLAS; a BLAS build of dlib is ~7× faster (research note §1)",
        ],
    }
    result["path"] = write_result(out_dir, NAME, result)
    return result


def _main_cost(m: dict[str, Any]) -> str:
    stages = m["stages_ms"]
    total = sum(stages.values())
    top = sorted(stages.items(), key=lambda kv: -kv[1])
    parts = ", ".join(f"{name} {ms:.1f} ms" for name, ms in top)
    verdict = "inside" if m["check_ms"]["p95"] < BUDGET_MS else "OVER"
    return (f"check p95 {m['check_ms']['p95']:.1f} ms ({verdict} the {BUDGET_MS:.0f} ms budget). Mean stage costs "
            f"({total:.1f} ms summed): {parts}. Face detection (dlib HOG on a 240×320 copy) dominates; the decode "
            f"floor is {m['decode_ms']['p50']:.1f} ms")


# -- the child: everything below runs pinned to one CPU ------------------------------------------------------


def _pct(values: list[float]) -> dict[str, float]:
    a = np.asarray(values)
    return {"p50": round(float(np.percentile(a, 50)), 3), "p95": round(float(np.percentile(a, 95)), 3),
            "max": round(float(a.max()), 3), "n": len(values)}


def _timed(fn: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn(*args)
    return (time.perf_counter() - started) * 1000, out


def _child(repeat: int, max_files: int, width: int) -> dict[str, Any]:
    cpu = sorted(os.sched_getaffinity(0))[-1]
    os.sched_setaffinity(0, {cpu})
    import cv2

    cv2.setNumThreads(1)
    from services.capture.photoqa import check_photo, frame_photo, identity
    from tests.support import photos

    files = [photos.compliant(n) for n in photos.NAMES]
    files += [photos.variant(n, d) for n in photos.NAMES for d in (*photos.DEFECTS, *photos.HARMLESS)
              if (n, d) not in photos.UNSUITABLE and d != "png"]
    files = files[:max_files]
    check_photo(files[0])  # load the models
    decode, check = [], []
    for _ in range(repeat):
        for data in files:
            decode.append(_timed(cv2.imdecode, np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)[0])
            check.append(_timed(check_photo, data)[0])

    originals = [photos.camera_original(n, size=(width, width * 3 // 2)) for n in ("biden", "astronaut")]
    frame_photo(originals[0])
    frame, original_decode = [], []
    for _ in range(max(1, repeat)):
        for data in originals:
            original_decode.append(_timed(cv2.imdecode, np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)[0])
            frame.append(_timed(frame_photo, data)[0])

    identity.embed(files[0])
    embed = [_timed(identity.embed, photos.compliant(n))[0] for n in photos.NAMES for _ in range(max(1, repeat - 1))]

    rng = np.random.default_rng(5)
    earlier = identity.Earlier(rng.normal(0, 0.09, (10_000, 128)).astype(np.float32),
                               np.array([f"S{i:05d}" for i in range(10_000)]), np.array(["capture"] * 10_000))
    probe = rng.normal(0, 0.09, 128).astype(np.float32)
    new = identity.NewFace("NEW", "capture", probe)
    mixups, matvec = [], []
    for _ in range(300):
        mixups.append(_timed(identity.find_mixups, new, earlier)[0] * 1000)
        matvec.append(_timed(earlier.matrix.__matmul__, probe)[0] * 1000)

    return {"cpu": cpu, "repeat": repeat, "files": len(files), "original": f"{width}×{width * 3 // 2}",
            "original_bytes": len(originals[0]), "check_ms": _pct(check), "decode_ms": _pct(decode),
            "frame_ms": _pct(frame), "original_decode_ms": _pct(original_decode), "embed_ms": _pct(embed),
            "mixups_us": _pct(mixups), "matvec_us": _pct(matvec), "stages_ms": _stages(files)}


def _stages(files: list[bytes]) -> dict[str, float]:
    """Mean time of each stage of the pipeline over the files that have one face (the full path)."""
    import cv2

    from services.capture.photoqa import measure
    from services.capture.photoqa.container import read_header
    from services.capture.photoqa.faces import default_model
    from services.capture.photoqa.imaging import decode

    model = default_model()
    sums: dict[str, list[float]] = {}

    def lap(name: str, fn: Any, *args: Any) -> Any:
        ms, out = _timed(fn, *args)
        sums.setdefault(name, []).append(ms)
        return out

    for data in files:
        header = read_header(data)
        if header.kind != "jpeg" or (header.width, header.height) != (480, 640):
            continue
        lap("header", read_header, data)
        bgr = lap("decode", decode, data, header, 10**8)
        grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        faces = lap("face detection+landmarks", model.detect, grey, 320)
        if len(faces) != 1:
            continue
        face = faces[0]
        reference = lap("backdrop+head top", measure.backdrop_reference, bgr)
        top = lap("backdrop+head top", measure.head_top, bgr, face, reference)
        back = lap("backdrop+head top", measure.backdrop, bgr, top, face.eye_mid[1])
        lap("clothing", measure.clothing_share, bgr, face, back.mean)
        lap("face statistics", measure.face_stats, bgr, grey, face)
        lap("eyes", measure.eyes, grey, face)
    count = max(len(sums.get("header", [])), 1)
    return {name: round(sum(v) / count, 3) for name, v in sums.items()}


if __name__ == "__main__":
    print(json.dumps(_child(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
