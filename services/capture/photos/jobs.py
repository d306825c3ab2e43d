"""The identity guard as a kernel job: one per accepted photo version (queued by consumers.py)."""

from __future__ import annotations

from typing import Any

from services.capture.photos import guard, workers
from services.kernel.jobs import JobContext, JobKind


def identity_guard(job: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    if not job.settings.capture_identity_guard:  # switched off by the deployment: the photo is not compared
        return {"photo_id": payload["photo_id"], "anomalies": [], "skipped": True}
    job.progress(0, 1, "正在比对人脸")
    flagged = guard.check_identity(job.uow(), job.runtime.blobs, workers.for_settings(job.settings),
                                   payload["photo_id"])
    job.progress(1, 1, "人脸比对完成")
    return {"photo_id": payload["photo_id"], "anomalies": [a.id for a in flagged]}


identity_guard_job = JobKind(guard.IDENTITY_JOB, identity_guard)
