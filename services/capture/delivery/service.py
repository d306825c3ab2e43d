"""The delivery rules. A package is requested for a school and term and named by a pattern; its content is fixed
in the same transaction (one DeliveryItem per approved student: the photo version that goes in, or why not), so a
retake after the request changes nothing in it. The packaging job (jobs.py) then fetches the file names, writes
the zip and stores it. Nothing with an open anomaly goes in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from services.capture.delivery import repository as repo
from services.capture.delivery.naming import Left, Naming
from services.capture.models import DeliveryItem, DeliveryPackage, Photo, ProofState, Subject, utcnow
from services.capture.proofreading import repository as proof_repo
from services.capture.proofreading import service as proofreading
from services.kernel.blobstore.port import BlobStore
from services.kernel.errors import Conflict, Forbidden, NotFound
from services.kernel.ids import new_id
from services.kernel.jobs import enqueue
from services.kernel.tenancy import PROVINCE_ROLES, Principal
from services.kernel.uow import UnitOfWork

PACKAGE_JOB = "capture.delivery_package"
URL_LIFETIME = timedelta(minutes=5)


def awaiting_proofreading(uow: UnitOfWork, school_code: str, term: str, photos: dict[str, Photo]) -> dict[str, Left]:
    """THE PROOFREADING FILTER: a photo goes in once its student confirmed that version (正确) or the proofreading
    deadline has passed (the agency's for the school and term, else proofreading's default after the photo).
    Held back, with the reason: not confirmed while the deadline is ahead; an open report on that version (a retake
    request; "not me" is also an open anomaly) whatever the deadline, until it is settled."""
    keys = list(photos)
    proofs = proof_repo.proofs(uow.session, keys)
    reported = {key for key, found in proof_repo.reports(uow.session, keys, open_only=True).items()
                if any(r.version == photos[key].version for r in found)}
    set_by_agency = proof_repo.deadlines(uow.session, {school_code}).get((school_code, term))
    now = utcnow()
    held: dict[str, Left] = {}
    for key, photo in photos.items():
        if key in reported:
            held[key] = Left.REPORTED
        elif proofreading.state_of(photo, proofs.get(key)) != ProofState.CONFIRMED:
            deadline = proofreading.deadline_of(photo, set_by_agency)
            if deadline is None or now <= deadline:
                held[key] = Left.NOT_CONFIRMED
    return held


@dataclass(frozen=True)
class Requested:
    package: DeliveryPackage
    created: bool  # False: an identical package was already queued, running or ready


def _school_province(uow: UnitOfWork, principal: Principal, school_code: str) -> str:
    if principal.role not in PROVINCE_ROLES and not principal.is_platform and principal.school != school_code:
        raise Forbidden("school_out_of_scope", "无权操作该学校的数据", "This school is outside your scope")
    province = repo.school_known(uow.session, principal, school_code)
    if province is None:
        raise NotFound("school_not_found", "采集系统中没有该学校", "Capture knows no such school")
    return province


def _snapshot(uow: UnitOfWork, principal: Principal, school_code: str, term: str
              ) -> list[tuple[Subject, str | None, str | None, str | None, Left | None]]:
    """(subject, photo id, standard key, standard hash, reason left out) per approved student of the term."""
    subjects = repo.subjects(uow.session, principal, school_code, term)
    photos = repo.current_accepted(uow.session, school_code)
    flagged = repo.subjects_with_open_anomalies(uow.session, school_code)
    waiting = awaiting_proofreading(uow, school_code, term, {s.subject_key: photos[s.subject_key]
                                                             for s in subjects if s.subject_key in photos})
    lines: list[tuple[Subject, str | None, str | None, str | None, Left | None]] = []
    for subject in subjects:
        photo = photos.get(subject.subject_key)
        reason: Left | None = None
        if photo is None:
            reason = Left.NOT_PHOTOGRAPHED
        elif subject.subject_key in flagged:
            reason = Left.OPEN_ANOMALY
        elif photo.standard_key is None or photo.standard_sha256 is None:
            reason = Left.NO_STANDARD
        elif subject.subject_key in waiting:
            reason = waiting[subject.subject_key]
        if reason is not None or photo is None:
            lines.append((subject, None, None, None, reason))
        else:
            lines.append((subject, photo.id, photo.standard_key, photo.standard_sha256, None))
    return lines


def _digest(lines: list[tuple[Subject, str | None, str | None, str | None, Left | None]], salt: str = "") -> str:
    """What the package holds, as one hash: who, which photo version, or why not."""
    text = "\n".join(f"{s.subject_key} {photo_id or '-'} {reason or '-'}" for s, photo_id, _, _, reason in lines)
    return hashlib.sha256((salt + text).encode()).hexdigest()


def request_package(uow: UnitOfWork, principal: Principal, school_code: str, term: str, naming: Naming,
                    rebuild: bool = False) -> Requested:
    """Fix the package's content now and queue the job that writes it. Asking again while a package of the
    same school, term and naming is being made, or when a ready one has exactly this content, returns that
    package (unless `rebuild`: e.g. roster corrected a 学号 since). Concurrent requests that both found none
    meet one of the partial unique indexes at the flush: the later one is a 409."""
    province = _school_province(uow, principal, school_code)
    lines = _snapshot(uow, principal, school_code, term)
    package_id = new_id()
    digest = _digest(lines, salt=package_id if rebuild else "")
    existing = repo.live_package(uow.session, school_code, term, naming, digest)
    if existing is not None:
        return Requested(existing, created=False)
    package = DeliveryPackage(id=package_id, school_code=school_code, province_code=province, term=term,
                              naming=naming, content_sha256=digest,
                              requested_by=principal.username or principal.subject)
    uow.session.add(package)
    uow.session.flush()  # a concurrent request for the same package becomes the registered 409 here
    uow.session.add_all([DeliveryItem(package_id=package.id, school_code=school_code, province_code=province,
                                      position=n, subject_key=s.subject_key, photo_id=photo_id,
                                      standard_key=key, standard_sha256=digest, excluded_reason=reason)
                         for n, (s, photo_id, key, digest, reason) in enumerate(lines, start=1)])
    package.job_id = enqueue(uow, PACKAGE_JOB, {"package_id": package.id}, province=province, school=school_code,
                             max_attempts=3)
    uow.session.add(package)
    return Requested(package, created=True)


def packages(uow: UnitOfWork, principal: Principal, school_code: str | None, term: str | None
             ) -> list[DeliveryPackage]:
    return repo.packages(uow.session, principal, school_code, term)


def find(uow: UnitOfWork, principal: Principal, package_id: str) -> DeliveryPackage:
    package = repo.package(uow.session, principal, package_id)
    if package is None:
        raise NotFound("delivery_not_found", "交付包不存在或无权查看",
                       "No such delivery package, or you may not see it")
    return package


@dataclass(frozen=True)
class LeftOut:
    position: int
    subject: Subject | None
    reason: str


def left_out(uow: UnitOfWork, package: DeliveryPackage) -> list[LeftOut]:
    """Who is not in the package and why (masked facts only)."""
    missing = [i for i in repo.items(uow.session, package.id) if i.excluded_reason]
    subjects = repo.subjects_for_system(uow.session, [i.subject_key for i in missing])
    return [LeftOut(i.position, subjects.get(i.subject_key), str(i.excluded_reason)) for i in missing]


def download_url(uow: UnitOfWork, principal: Principal, blobs: BlobStore, package_id: str) -> str:
    package = find(uow, principal, package_id)
    if package.status != "ready" or package.blob_key is None:
        raise Conflict("delivery_not_ready", "交付包尚未生成完成", "The delivery package is not ready yet")
    return blobs.presigned_get_url(package.blob_key, URL_LIFETIME, filename=file_name(package))


def file_name(package: DeliveryPackage) -> str:
    return f"tucai-{package.school_code}-{package.term}-{package.naming}.zip"
