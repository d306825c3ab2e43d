"""The identity guard (issue 11 item 4): after a photo version is accepted, its face embedding is stored and
compared with every earlier face of the same school and campaign (photoqa.identity.find_mixups, one matrix-vector
product). A likely mix-up — one face under two students, a retake showing someone else than the student's first
accepted photo, or a make-up photo (a later check-in, allowed by a make-up certificate) matching none of the
student's earlier photos — becomes an anomaly, which holds the students back from delivery until a person resolves
it.

It runs as a kernel job queued by the consumer of capture's own PhotoAccepted (consumers.py), not inside the
upload: an embedding costs 100–250 ms on this dlib build, five times the whole check budget, and a station must not
wait for it. The embedding itself runs in one of the photo workers' processes (workers.py): dlib holds the GIL while
it computes (measured: a Python thread gets ~2 % of its speed during an embedding), so on the job thread it would
stall every request of the capture process (with capture_check_workers 0 it does run there). Jobs run one at a time
per process, so two faces of one school are compared in commit order; with several capture replicas two photos
embedded at the same instant could miss each other (a known limit).
"""

from __future__ import annotations

import structlog
from sqlmodel import Session

from services.capture.anomalies.service import raise_anomaly
from services.capture.models import Anomaly, FaceEmbedding, Photo
from services.capture.photoqa import identity
from services.capture.photos import repository as repo
from services.capture.photos.workers import PhotoWorkers
from services.kernel.blobstore.port import BlobStore
from services.kernel.uow import UnitOfWork

IDENTITY_JOB = "capture.identity_guard"
REPORTER = "identity-guard"  # reported_by of the guard's anomalies: no person raised them

log = structlog.get_logger("tucai.capture.identity")


def check_identity(uow: UnitOfWork, blobs: BlobStore, workers: PhotoWorkers, photo_id: str) -> list[Anomaly]:
    """Embed one accepted photo version, store the embedding and raise an anomaly per likely mix-up. Idempotent:
    a photo already embedded (a re-run job) is not compared again."""
    session = uow.session
    photo = repo.photo_for_system(session, photo_id)
    if photo is None or not photo.accepted or photo.standard_key is None or repo.has_embedding(session, photo_id):
        return []
    term = repo.subject_term(session, photo.subject_key) or ""
    try:
        vector = workers.embed(blobs.get(photo.standard_key))  # a worker's death raises: the job retries
    except identity.NoFace as error:
        # Accepted (perhaps overridden) yet no face to compare: a person must look at it before delivery.
        return [_raise(uow, photo, "identity_unverifiable", None,
                       f"photo v{photo.version} has no face the identity guard can compare ({error})")]
    rows = repo.embeddings(session, photo.school_code, term)
    earlier = identity.Earlier.of([(r.subject_key, r.kind, identity.from_bytes(r.vector), r.photo_id)
                                   for r in rows])
    kind = _kind(session, photo, own=any(r.subject_key == photo.subject_key for r in rows))
    flags = identity.find_mixups(identity.NewFace(photo.subject_key, kind, vector), earlier)
    session.add(FaceEmbedding(photo_id=photo.id, school_code=photo.school_code, province_code=photo.province_code,
                              term=term, subject_key=photo.subject_key, kind=kind,
                              vector=identity.to_bytes(vector)))
    log.info("identity_checked", photo_id=photo.id, compared=len(rows), flags=len(flags))
    return [_raise(uow, photo, flag.rule, flag.other_subject_key,
                   f"photo v{photo.version}: {flag.as_dict()['message_en']} (face distance {flag.distance:.3f}, "
                   f"threshold {flag.threshold}; earlier photo {flag.earlier_ref})") for flag in flags]


def _kind(session: Session, photo: Photo, *, own: bool) -> identity.Kind:
    """"capture" for the student's first compared face; "retake" for another version on a check-in already
    compared (rule b: against the first face); "makeup" on a later check-in (rule c: a student photographed before is
    checked in again only with a make-up certificate, checkins/service.py)."""
    if not own:
        return "capture"
    return "retake" if photo.checkin_id in repo.embedded_checkins(session, photo.subject_key) else "makeup"


def _raise(uow: UnitOfWork, photo: Photo, kind: str, other_subject_key: str | None, detail: str) -> Anomaly:
    return raise_anomaly(uow, kind, school_code=photo.school_code, province_code=photo.province_code,
                         station_id=photo.station_id, checkin_id=photo.checkin_id, subject_key=photo.subject_key,
                         other_subject_key=other_subject_key, photo_id=photo.id, reported_by=REPORTER,
                         detail=detail)
