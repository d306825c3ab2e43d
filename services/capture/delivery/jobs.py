"""The packaging job: names the photos fixed at request time, writes them with the index and the manifest into a
zip and stores it in the object store. Progress is a checkpoint every PROGRESS_EVERY photos (where cancel takes
effect); a crash resumes from the start (nothing is stored until the zip is complete)."""

from __future__ import annotations

import hashlib
import tempfile
from functools import partial
from typing import Any

import structlog

from services.capture.delivery import repository as repo
from services.capture.delivery.archive import PackageWriter, Row
from services.capture.delivery.naming import LEFT_LABELS, Left, Naming, name_files
from services.capture.delivery.roster_names import file_stems
from services.capture.delivery.service import PACKAGE_JOB, file_name
from services.capture.models import DeliveryItem, DeliveryPackage, Subject, utcnow
from services.capture.stations.service import SHANGHAI
from services.kernel.blobstore.port import BlobStore
from services.kernel.errors import TucaiError
from services.kernel.jobs import JobContext, JobKind, JobOutcome
from services.kernel.uow import UnitOfWork

log = structlog.get_logger("tucai.capture.delivery")

PROGRESS_EVERY = 25
SPOOL_BYTES = 64 * 2**20  # beyond this the zip being written spills to a temporary file


def _row(subject: Subject | None, file: str | None = None, digest: str | None = None, reason: str | None = None
         ) -> Row:
    if subject is None:  # withdrawn since the request: roster no longer publishes the student
        return Row(masked_name="", college="", klass="", file_name=file, sha256=digest, reason=reason)
    klass = " ".join(p for p in (subject.class_no, subject.class_name) if p)
    return Row(masked_name=subject.masked_name, college=subject.college_name or "", klass=klass, file_name=file,
               sha256=digest, reason=reason)


def _names(job: JobContext, package: DeliveryPackage, going_in: list[DeliveryItem]) -> tuple[dict[str, str],
                                                                                            dict[str, Left]]:
    stems = file_stems(job.runtime, job.settings.signing_key(), package.school_code, Naming(package.naming),
                       [i.subject_key for i in going_in])
    named = name_files(stems)
    return named.names, named.left


def make_package(job: JobContext, payload: dict[str, Any]) -> dict[str, Any] | None:
    uow = job.uow()
    package = repo.package_for_system(uow.session, str(payload["package_id"]))
    if package is None or package.status not in ("queued", "running"):
        return None
    package.status = "running"
    uow.session.add(package)
    items = repo.items(uow.session, package.id)
    subjects = repo.subjects_for_system(uow.session, [i.subject_key for i in items])
    candidates = [i for i in items if i.excluded_reason is None and i.standard_key]
    # Since the request a student may have been withdrawn (no longer approved) or had an anomaly raised: either
    # keeps them out too. Nothing with an open anomaly goes in.
    flagged = repo.subjects_with_open_anomalies(uow.session, package.school_code)
    unnamed = {i.subject_key: Left.WITHDRAWN for i in candidates if i.subject_key not in subjects}
    unnamed.update({i.subject_key: Left.OPEN_ANOMALY for i in candidates if i.subject_key in flagged})
    going_in = [i for i in candidates if i.subject_key not in unnamed]
    job.progress(0, len(going_in), "正在获取文件名 / naming")
    names, left = _names(job, package, going_in)
    unnamed.update(left)
    repo.leave_out(uow.session, package.id, {k: v.value for k, v in unnamed.items()})
    rows: list[Row] = []
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as target:
        writer = PackageWriter(target, package.created_at.astimezone(SHANGHAI))
        done = 0
        for item in items:
            subject = subjects.get(item.subject_key)
            reason = item.excluded_reason or (unnamed[item.subject_key].value if item.subject_key in unnamed else None)
            if reason is not None or item.standard_key is None:
                rows.append(_row(subject, reason=LEFT_LABELS.get(Left(reason), reason) if reason else None))
                continue
            data = job.runtime.blobs.get(item.standard_key)
            digest = hashlib.sha256(data).hexdigest()
            if digest != item.standard_sha256:  # the stored object is not what was checked and accepted
                raise TucaiError("delivery_photo_corrupt", "标准照内容与记录的哈希不符，交付包未生成",
                                 f"A standard photo does not match its recorded hash (photo {item.photo_id})")
            name = names[item.subject_key]
            writer.add_photo(name, data)
            rows.append(_row(subject, name, digest))
            done += 1
            if done % PROGRESS_EVERY == 0:
                job.progress(done, len(going_in), f"已打包 {done} 张 / {done} photos packed")
        job.progress(done, len(going_in), "正在写入索引 / writing the index")
        writer.finish(rows)
        target.seek(0)
        archive = target.read()
    digest = hashlib.sha256(archive).hexdigest()
    key = f"deliveries/{package.school_code}/{package.term}/{package.id}/{file_name(package)}"
    job.runtime.blobs.put(key, archive, content_type="application/zip", metadata={"sha256": digest})
    package.status, package.blob_key, package.sha256, package.size = "ready", key, digest, len(archive)
    package.included, package.excluded = done, len(items) - done
    package.finished_at = utcnow()
    uow.session.add(package)
    _supersede(uow, job.runtime.blobs, package)
    # Counts only: no names, no numbers.
    log.info("delivery_package_ready", package_id=package.id, included=done, excluded=len(items) - done)
    return {"package_id": package.id, "included": done, "excluded": len(items) - done, "sha256": digest}


def _supersede(uow: UnitOfWork, blobs: BlobStore, package: DeliveryPackage) -> None:
    """Only the newest package of a school, term and naming is kept: an older zip (which may carry ID numbers) is
    deleted once this one is committed, and its record says it was superseded."""
    for older in repo.older_ready(uow.session, package):
        if older.blob_key:
            uow.after_commit(partial(_delete, blobs, older.blob_key))
        older.status, older.blob_key = "superseded", None
        uow.session.add(older)


def _delete(blobs: BlobStore, key: str) -> None:
    try:
        blobs.delete(key)
    except Exception:  # the record already says superseded; a left-over object is found by its prefix
        log.warning("delivery_package_delete_failed", key=key, exc_info=True)


def give_up(uow: UnitOfWork, payload: dict[str, Any], outcome: JobOutcome) -> None:
    """The package will not be made: it says so (and frees the school and term for a new request)."""
    package = repo.package_for_system(uow.session, str(payload["package_id"]))
    if package is None or package.status not in ("queued", "running"):
        return
    package.status = "cancelled" if outcome.state == "cancelled" else "failed"
    package.error_code = (outcome.code or package.status)[:80]
    package.finished_at = utcnow()
    uow.session.add(package)


KINDS = [JobKind(PACKAGE_JOB, make_package, on_give_up=give_up)]
