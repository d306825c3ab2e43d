"""The proofreading rules. The state is derived from the latest accepted photo and the student's verdict on it:
no photo → not_photographed; a verdict on an older version → to_proofread again. Plain functions on a unit of
work; they never commit."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.capture.anomalies.service import raise_anomaly
from services.capture.events import ProofConfirmed, ProofReported
from services.capture.models import Photo, Proof, ProofDeadline, ProofReport, ProofState, Subject, utcnow
from services.capture.photos import storage
from services.capture.proofreading import repository as repo
from services.capture.stations import repository as stations_repo
from services.kernel.blobstore.port import BlobStore
from services.kernel.errors import Conflict, Forbidden, NotFound
from services.kernel.tenancy import Principal, Role, require_school_access
from services.kernel.uow import UnitOfWork

# A student may type their ID number into a note; capture keeps no full ID number (教学服〔2022〕10号), so runs of
# 15 or more digits (an 18-digit number may end in X) are masked before the note is stored.
_ID_LIKE = re.compile(r"(?<!\d)(\d{2})\d{11,14}(\d[\dXx])(?![\dXx])")

# Without a deadline set by the agency, a photo may be proofread for this long after it was taken.
DEFAULT_WINDOW = timedelta(days=14)
NOT_ME_ANOMALY = "proof_not_me"


@dataclass(frozen=True)
class ProofView:
    subject_key: str
    state: ProofState
    photo: Photo | None
    proof: Proof | None
    deadline: datetime | None
    subject: Subject | None = None
    reports: list[ProofReport] = field(default_factory=list)

    @property
    def updated_at(self) -> datetime | None:
        times = [t for t in (self.photo.created_at if self.photo else None,
                             self.proof.decided_at if self.proof else None,
                             *(r.resolved_at or r.created_at for r in self.reports)) if t is not None]
        return max(times) if times else None

    def closed(self, now: datetime) -> bool:
        return self.deadline is not None and now > self.deadline


@dataclass(frozen=True)
class SignedPhoto:
    url: str
    expires_at: datetime


def state_of(photo: Photo | None, proof: Proof | None) -> ProofState:
    if photo is None:
        return ProofState.NOT_PHOTOGRAPHED
    if proof is None or proof.version != photo.version:
        return ProofState.TO_PROOFREAD  # never proofread, or a retake replaced the version they judged
    return ProofState(proof.state)


def deadline_of(photo: Photo | None, set_by_agency: datetime | None) -> datetime | None:
    if set_by_agency is not None:
        return set_by_agency
    return photo.created_at + DEFAULT_WINDOW if photo is not None else None


# -- the student ---------------------------------------------------------------------------------------------


def _own_key(principal: Principal) -> str | None:
    if principal.role != Role.STUDENT:
        raise Forbidden("role_not_allowed", "只有学生本人可以校对照片", "Only the student proofreads their photo")
    return principal.subject_key  # None until approved: nothing to proofread yet


def mine(uow: UnitOfWork, principal: Principal) -> ProofView:
    key = _own_key(principal)
    session = uow.session
    if key is None:
        return ProofView(subject_key="", state=ProofState.NOT_PHOTOGRAPHED, photo=None, proof=None, deadline=None)
    photo = repo.latest_photos(session, [key]).get(key)
    proof = repo.proofs(session, [key]).get(key)
    subject = repo.own_subject(session, principal)
    set_deadline = None
    if subject is not None:
        set_deadline = repo.deadlines(session, [subject.school_code]).get((subject.school_code, subject.term))
    return ProofView(subject_key=key, state=state_of(photo, proof), photo=photo, proof=proof,
                     deadline=deadline_of(photo, set_deadline), subject=subject,
                     reports=repo.reports(session, [key], open_only=False).get(key, []))


def _to_proofread(uow: UnitOfWork, principal: Principal) -> tuple[ProofView, Photo]:
    view = mine(uow, principal)
    if view.photo is None:
        raise Conflict("no_photo_to_proofread", "还没有可校对的照片", "There is no photo to proofread yet")
    return view, view.photo


def _closed() -> Conflict:
    return Conflict("proofreading_closed", "照片校对已截止", "Proofreading has closed")


def confirm(uow: UnitOfWork, principal: Principal) -> ProofView:
    """正确: idempotent for the version already confirmed (also after the deadline); the first confirmation of a
    version emits ProofConfirmed and withdraws the student's own retake request on it."""
    view, photo = _to_proofread(uow, principal)
    if view.state == ProofState.CONFIRMED:
        return view
    if view.closed(utcnow()):
        raise _closed()
    if repo.set_verdict(uow.session, photo, ProofState.CONFIRMED, only_if_changed=True):
        repo.resolve_reports(uow.session, "学生已确认照片", subject_key=photo.subject_key, version=photo.version,
                             kind="retake")
        uow.emit(ProofConfirmed(subject_key=photo.subject_key, school_code=photo.school_code,
                                province_code=photo.province_code, photo_id=photo.id, version=photo.version,
                                confirmed_at=utcnow()))
    return mine(uow, principal)


def report(uow: UnitOfWork, principal: Principal, kind: str, note: str) -> ProofView:
    """The photo is not me (张冠李戴: an anomaly, open until the agency resolves it, holds the photo back from
    delivery; accepted even after the deadline, a mix-up is never silenced) or I want a retake (closes with the
    deadline). A replayed report of the same kind on the same version returns the first one."""
    view, photo = _to_proofread(uow, principal)
    if kind == "retake" and view.closed(utcnow()):
        raise _closed()
    session = uow.session
    note = _ID_LIKE.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 4) + m.group(2), note)
    if repo.report_of(session, photo.subject_key, photo.version, kind) is None:
        anomaly_id = None
        if kind == "not_me":
            anomaly = raise_anomaly(
                uow, NOT_ME_ANOMALY, school_code=photo.school_code, province_code=photo.province_code,
                station_id=photo.station_id, checkin_id=photo.checkin_id, subject_key=photo.subject_key,
                reported_by=f"student:{photo.subject_key}",
                detail=f"the student says photo {photo.id} (v{photo.version}, no. {photo.sequence_no}) is not them")
            anomaly_id = anomaly.id
        created = ProofReport(subject_key=photo.subject_key, school_code=photo.school_code,
                              province_code=photo.province_code, photo_id=photo.id, version=photo.version,
                              kind=kind, note=note, anomaly_id=anomaly_id)
        session.add(created)
        session.flush()  # a concurrent identical report becomes the registered 409 here
        uow.emit(ProofReported(report_id=created.id, subject_key=photo.subject_key, school_code=photo.school_code,
                               province_code=photo.province_code, photo_id=photo.id, version=photo.version,
                               kind=kind, anomaly_id=anomaly_id))
    repo.set_verdict(session, photo, ProofState.REPORTED, only_if_changed=False)
    return mine(uow, principal)


def signed_photo(blobs: BlobStore, photo: Photo) -> SignedPhoto:
    """A short-lived link to the standard output (what is delivered); the expiry is taken before signing, so
    the one shown is never later than the link's own."""
    expires_at = utcnow() + storage.URL_LIFETIME
    return SignedPhoto(storage.signed_url(blobs, photo.standard_key or photo.original_key), expires_at)


# -- staff -----------------------------------------------------------------------------------------------------


def progress(uow: UnitOfWork, principal: Principal, school_code: str | None, class_id: str | None,
             state: ProofState | None = None) -> list[ProofView]:
    """Every approved student in the caller's scope with their proofreading state (masked facts only)."""
    session = uow.session
    keys = repo.subject_keys(principal, school_code, class_id)
    subjects = repo.subjects(session, principal, school_code, class_id)
    photos, proofs = repo.latest_photos(session, keys), repo.proofs(session, keys)
    open_reports = repo.reports(session, keys, open_only=True)
    set_deadlines = repo.deadlines(session, {s.school_code for s in subjects})
    views = []
    for s in subjects:
        photo, proof = photos.get(s.subject_key), proofs.get(s.subject_key)
        view = ProofView(subject_key=s.subject_key, state=state_of(photo, proof), photo=photo, proof=proof,
                         deadline=deadline_of(photo, set_deadlines.get((s.school_code, s.term))), subject=s,
                         reports=open_reports.get(s.subject_key, []))
        if state is None or view.state == state:
            views.append(view)
    return views


@dataclass(frozen=True)
class ClassProgress:
    school_code: str
    class_id: str | None
    class_no: str | None
    class_name: str | None
    college_name: str | None
    students: int
    counts: Counter[str]


def summary(uow: UnitOfWork, principal: Principal, school_code: str | None) -> list[ClassProgress]:
    """Per class: students, photographed, confirmed, reported and still to proofread."""
    classes: dict[tuple[str, str | None], tuple[Subject, Counter[str]]] = {}
    for view in progress(uow, principal, school_code, None):
        s = view.subject
        assert s is not None
        _, counts = classes.setdefault((s.school_code, s.class_id), (s, Counter()))
        counts["students"] += 1
        counts[view.state] += 1
        if view.state != ProofState.NOT_PHOTOGRAPHED:
            counts["photographed"] += 1
    return [ClassProgress(s.school_code, s.class_id, s.class_no, s.class_name, s.college_name, c["students"], c)
            for s, c in classes.values()]


def deadlines(uow: UnitOfWork, principal: Principal, school_code: str | None) -> list[ProofDeadline]:
    return repo.deadlines_in_scope(uow.session, principal, school_code)


def set_deadline(uow: UnitOfWork, principal: Principal, school_code: str, term: str,
                 deadline: datetime) -> ProofDeadline:
    """The agency's deadline for a school's term (a later PUT moves it). The school's province comes from its
    approved students, so an agency cannot set another province's deadline; a school capture knows no approved
    student of has nothing to proofread yet (and no province to check against)."""
    province = stations_repo.province_of_school(uow.session, school_code)
    if province is None:
        raise NotFound("school_unknown", "该学校尚无已审核学生，无需设置校对截止时间",
                       "Capture knows no approved student of this school")
    require_school_access(principal, school_code, province)
    row = repo.deadline_row(uow.session, school_code, term)
    if row is None:
        row = ProofDeadline(school_code=school_code, province_code=province, term=term, deadline=deadline,
                            set_by=principal.username)
    row.deadline, row.set_by, row.updated_at = deadline, principal.username, utcnow()
    uow.session.add(row)
    uow.session.flush()  # two agencies creating it at once: the registered 409
    return row


# -- reactions ------------------------------------------------------------------------------------------------


def photo_accepted(uow: UnitOfWork, subject_key: str, version: int) -> None:
    """A newer version answers the student's retake requests on older ones."""
    repo.resolve_reports(uow.session, "已重拍", subject_key=subject_key, before_version=version, kind="retake")


def anomaly_resolved(uow: UnitOfWork, anomaly_id: str) -> None:
    repo.resolve_reports(uow.session, "异常已处理", anomaly_id=anomaly_id)
