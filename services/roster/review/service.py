"""Provincial eligibility review (预计毕业生资格审查): schools submit batches per graduation term, the province
decides per student or for a whole batch with a reason; approval is what lets a student be scheduled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlmodel import Session

from services.kernel.errors import Conflict, NotFound, TucaiError
from services.kernel.tenancy import Principal, require_school_access
from services.kernel.uow import UnitOfWork
from services.roster.directory import repository as directory_repo
from services.roster.events import StudentWithdrawn
from services.roster.models import AuditEntry, Campaign, College, ReviewBatch, ReviewItem, School, SchoolClass, Student
from services.roster.review import repository as repo
from services.roster.rules.privacy import new_subject_key
from services.roster.students import repository as students_repo
from services.roster.students.service import publish_approved

PART_TIME = {"非全日制", "函授", "业余", "在职"}


@dataclass(frozen=True)
class NewCampaign:
    term: str
    name: str
    levels: list[str]
    graduation_from: date
    graduation_to: date
    exclude_part_time: bool = True
    province_code: str | None = None


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


@dataclass(frozen=True)
class BatchSummary:
    """A batch as the queue shows it: its counts, what is left to decide and how many students are flagged."""

    batch: ReviewBatch
    school_name: str
    pending: int
    flagged: int


@dataclass
class ReviewLine:
    item: ReviewItem
    student: Student
    flags: list[Flag] = field(default_factory=list)
    klass: SchoolClass | None = None
    college: College | None = None


def campaigns(session: Session, principal: Principal) -> list[Campaign]:
    return repo.campaigns(session, principal)


def create_campaign(uow: UnitOfWork, principal: Principal, data: NewCampaign) -> Campaign:
    province = data.province_code if principal.is_platform else principal.province
    if not province:
        raise TucaiError("province_required", "请指定省份", "province_code is required", status=422)
    if data.graduation_from > data.graduation_to:
        raise TucaiError("graduation_window_inverted", "毕业日期范围的开始晚于结束",
                         "graduation_from is after graduation_to", status=422)
    if repo.campaign(uow.session, province, data.term):
        raise Conflict("campaign_exists", f"{data.term} 届采集工作已存在", f"A campaign for {data.term} exists")
    campaign = Campaign(province_code=province, term=data.term, name=data.name, levels=data.levels,
                        exclude_part_time=data.exclude_part_time, graduation_from=data.graduation_from,
                        graduation_to=data.graduation_to)
    uow.session.add(campaign)
    return campaign


@dataclass(frozen=True)
class Submittable:
    """Who of a school a batch would take, per class: not yet submitted, and rejected but corrected since
    (未通过（已修改）); rejected students nobody corrected stay back and are counted so the page can say so."""

    class_id: str | None
    imported: list[Student]
    corrected: list[Student]
    uncorrected: list[Student]


def submittable(session: Session, principal: Principal, school_code: str | None = None) -> list[Submittable]:
    school = _school_for_submission(session, principal, school_code)
    return _submittable(session, school.school_code)


def _school_for_submission(session: Session, principal: Principal, school_code: str | None) -> School:
    code = school_code or principal.school
    school = directory_repo.school(session, principal, code or "")
    if school is None:
        raise NotFound("school_not_found", "学校不存在或无权访问", "No such school in your scope")
    require_school_access(principal, school.school_code, school.province_code)
    return school


def _submittable(session: Session, school_code: str) -> list[Submittable]:
    students = [s for s in students_repo.school_students(session, school_code)
                if s.review_status in {"imported", "rejected"}]
    corrected = repo.corrected_since_rejection(session, school_code)
    by_class: dict[str | None, Submittable] = {}
    for s in sorted(students, key=lambda s: s.student_no):
        group = by_class.setdefault(s.class_id, Submittable(s.class_id, [], [], []))
        if s.review_status == "imported":
            group.imported.append(s)
        elif s.id in corrected:
            group.corrected.append(s)
        else:
            group.uncorrected.append(s)
    return list(by_class.values())


def class_names(session: Session, class_ids: Sequence[str]) -> dict[str, tuple[SchoolClass, College | None]]:
    """Classes with their colleges, by class id (two queries)."""
    classes = students_repo.classes_for_system(session, class_ids)
    colleges = students_repo.colleges_for_system(session, [c.college_id for c in classes.values()])
    return {cid: (c, colleges.get(c.college_id)) for cid, c in classes.items()}


def submit(uow: UnitOfWork, principal: Principal, term: str, student_ids: Sequence[str] | None = None,
           school_code: str | None = None, class_ids: Sequence[str] | None = None) -> ReviewBatch:
    """A batch of the school's students not yet submitted and those rejected and corrected since (what the page
    calls 未通过（已修改）), of the chosen classes (all by default) or exactly the students named. A rejected
    student nobody corrected is not resubmitted: naming one is a 422 (rejected_not_corrected)."""
    school = _school_for_submission(uow.session, principal, school_code)
    if repo.campaign(uow.session, school.province_code, term) is None:
        raise NotFound("campaign_not_found", f"本省尚未开启 {term} 届图像采集工作",
                       f"The province has no campaign for {term}")
    groups = _submittable(uow.session, school.school_code)
    if class_ids is not None:
        wanted_classes = set(class_ids)
        groups = [g for g in groups if g.class_id in wanted_classes]
    candidates = [s for g in groups for s in (*g.imported, *g.corrected)]
    if student_ids is not None:
        wanted = set(student_ids)
        stale = sorted(s.student_no for g in groups for s in g.uncorrected if s.id in wanted)
        if stale:
            shown = "、".join(stale[:10]) + (f" 等 {len(stale)} 人" if len(stale) > 10 else "")
            raise TucaiError("rejected_not_corrected", f"未通过审核且尚未修改信息的学生不能重新提交：{shown}",
                             f"Rejected students whose data was not corrected cannot be resubmitted: {shown}",
                             status=422)
        candidates = [s for s in candidates if s.id in wanted]
        if len(candidates) != len(wanted):
            raise TucaiError("students_not_submittable", "部分学生不存在、已通过或正在审核中，不能提交",
                             "Some students are unknown, already approved or under review", status=422)
    if not candidates:
        raise TucaiError("nothing_to_submit", "没有可提交审核的学生（均已通过、正在审核中，或未通过且尚未修改）",
                         "No students to submit: all are approved, under review, or rejected and not corrected",
                         status=422)
    batch = ReviewBatch(school_code=school.school_code, province_code=school.province_code, term=term,
                        submitted_by=principal.username, students=len(candidates))
    uow.session.add(batch)
    uow.session.flush()
    for student in candidates:
        student.review_status = "submitted"
        uow.session.add(student)
        uow.session.add(ReviewItem(batch_id=batch.id, student_id=student.id, school_code=student.school_code,
                                   province_code=student.province_code, term=term))
    chosen = {s.id for s in candidates}
    resubmitted = sum(1 for g in groups for s in g.corrected if s.id in chosen)
    uow.session.add(_audit(principal, "review.submitted", batch, f"{len(candidates)} 人",
                           resubmitted=resubmitted, classes=sorted({s.class_id or "" for s in candidates})))
    return batch


def _audit(principal: Principal, action: str, batch: ReviewBatch, reason: str, **details: object) -> AuditEntry:
    return AuditEntry(school_code=batch.school_code, province_code=batch.province_code, actor=principal.username,
                      actor_role=principal.role.value, action=action, target_type="review_batch",
                      target_id=batch.id, reason=reason, details=dict(details))


def batch_in_scope(session: Session, principal: Principal, batch_id: str) -> ReviewBatch:
    batch = repo.batch(session, principal, batch_id)
    if batch is None:
        raise NotFound("batch_not_found", "审核批次不存在或无权访问", "No such review batch in your scope")
    return batch


@dataclass(frozen=True)
class _FlagFacts:
    """What the rule flags of some batches need, loaded in three queries whatever their size."""

    campaigns: dict[tuple[str, str], Campaign]
    elsewhere: dict[tuple[str, str], list[str]]  # (batch, student) -> other schools listing the ID number
    earlier: dict[tuple[str, str], list[str]]  # (batch, student) -> earlier terms they were photographed in


def _flag_facts(session: Session, batches: Sequence[ReviewBatch]) -> _FlagFacts:
    ids = [b.id for b in batches]
    return _FlagFacts(repo.campaigns_for(session, {(b.province_code, b.term) for b in batches}),
                      repo.listed_elsewhere(session, ids), repo.captured_earlier(session, ids))


def _flags(batch: ReviewBatch, students: Sequence[Student], facts: _FlagFacts) -> dict[str, list[Flag]]:
    """Rule flags the reviewer sees beside each student; they inform the decision, they do not make it."""
    campaign = facts.campaigns.get((batch.province_code, batch.term))
    result: dict[str, list[Flag]] = {}
    for s in students:
        flags: list[Flag] = []
        if campaign and campaign.levels and s.level not in campaign.levels:
            flags.append(Flag(code="level_not_in_campaign", message=f"层次「{s.level}」不在本届采集范围内"))
        if campaign and s.expected_graduation and not (
                campaign.graduation_from <= s.expected_graduation <= campaign.graduation_to):
            window = f"{campaign.graduation_from.isoformat()}～{campaign.graduation_to.isoformat()}"
            flags.append(Flag(code="graduation_outside_term",
                              message=f"预计毕业日期 {s.expected_graduation.isoformat()} 不在本届 {window} 内"))
        if campaign and campaign.exclude_part_time and (s.study_mode or "") in PART_TIME:
            flags.append(Flag(code="part_time_excluded", message=f"学习形式「{s.study_mode}」本届不统一采集"))
        earlier = facts.earlier.get((batch.id, s.id))
        if earlier:  # recorded by capture, no longer guessed from an earlier approval
            flags.append(Flag(code="captured_in_earlier_term", message=f"往届已采集（{'、'.join(earlier)} 届）"))
        elsewhere = facts.elsewhere.get((batch.id, s.id))
        if elsewhere:
            flags.append(Flag(code="duplicate_in_province",
                              message=f"同一证件号码也在本省其他学校名单中（{'、'.join(elsewhere)}）"))
        # Every warning of the import on the student's row (a 15-digit ID number, a sex taken from the ID …),
        # as long as the field has not been corrected since.
        flags.extend(Flag(code=str(w.get("code", "")), message=f"导入提示：{w.get('message', '')}")
                     for w in s.import_warnings or [])
        result[s.id] = flags
    return result


def summary(session: Session, batch: ReviewBatch) -> BatchSummary:
    (one,) = _summaries(session, [batch])
    return one


def _summaries(session: Session, batches: Sequence[ReviewBatch]) -> list[BatchSummary]:
    """Batches with their counts and flags in a fixed number of queries, whatever the number of batches and
    students (the province's queue lists them all)."""
    schools = directory_repo.schools_for_system(session, {b.school_code for b in batches})
    items = repo.items_of_batches(session, [b.id for b in batches])
    facts = _flag_facts(session, batches)
    result = []
    for batch in batches:
        rows = items[batch.id]
        flags = _flags(batch, [student for _, student in rows], facts)
        school = schools.get(batch.school_code)
        result.append(BatchSummary(batch, school.name if school else "",
                                   pending=sum(1 for item, _ in rows if item.decision == "pending"),
                                   flagged=sum(1 for f in flags.values() if f)))
    return result


def summaries(session: Session, principal: Principal, status: str | None) -> list[BatchSummary]:
    return _summaries(session, repo.review_batches(session, principal, status))


def lines(session: Session, principal: Principal, batch_id: str) -> list[ReviewLine]:
    """The students of a batch in 学号 order with their decisions and rule flags."""
    batch = batch_in_scope(session, principal, batch_id)
    rows = repo.review_items(session, batch.id)
    flags = _flags(batch, [s for _, s in rows], _flag_facts(session, [batch]))
    classes = students_repo.classes_for_system(session, [s.class_id for _, s in rows if s.class_id])
    colleges = students_repo.colleges_for_system(session, [s.college_id for _, s in rows if s.college_id])
    return [ReviewLine(item, student, flags.get(student.id, []), classes.get(student.class_id or ""),
                       colleges.get(student.college_id or "")) for item, student in rows]


def audit_page(session: Session, principal: Principal, *, target_type: str | None, target_id: str | None,
               offset: int, limit: int) -> tuple[list[AuditEntry], int]:
    return repo.audit_page(session, principal, target_type=target_type, target_id=target_id, offset=offset,
                           limit=limit)


def decide(uow: UnitOfWork, principal: Principal, batch_id: str, decision: str, reason: str = "",
           student_ids: Sequence[str] | None = None) -> tuple[ReviewBatch, int]:
    batch = batch_in_scope(uow.session, principal, batch_id)
    if principal.province != batch.province_code and not principal.is_platform:
        raise TucaiError("batch_out_of_scope", "无权审核该批次", "This batch is outside your province", status=403)
    reason = reason.strip()
    if decision == "rejected" and not reason:
        raise TucaiError("reason_required", "不通过时必须填写原因", "A rejection needs a reason", status=422)
    all_items = repo.review_items(uow.session, batch.id)
    items = all_items
    if student_ids is not None:
        wanted = set(student_ids)
        items = [(i, s) for i, s in items if s.id in wanted]
        if len(items) != len(wanted):
            raise TucaiError("students_not_in_batch", "部分学生不在该批次中", "Some students are not in this batch",
                             status=422)
    else:
        items = [(i, s) for i, s in items if i.decision == "pending"]
    if not items:
        raise Conflict("nothing_to_decide", "该批次没有待审核的学生", "Nothing left to decide in this batch")
    now = datetime.now(UTC)
    approved = [s for i, s in items if decision == "approved" and s.review_status != "approved"]
    withdrawn = [s for i, s in items if decision == "rejected" and s.review_status == "approved"]
    for item, student in items:
        _decide_one(uow, item, student, decision, reason, principal, now)
    publish_approved(uow, approved, batch.term, withdrawn)
    batch.approved = sum(1 for i, _ in all_items if i.decision == "approved")
    batch.rejected = sum(1 for i, _ in all_items if i.decision == "rejected")
    batch.status = "decided" if all(i.decision != "pending" for i, _ in all_items) else "pending"
    uow.session.add(batch)
    uow.session.add(_audit(principal, f"review.{decision}", batch, reason,
                           students=[s.student_no for _, s in items]))
    return batch, len(items)


def _decide_one(uow: UnitOfWork, item: ReviewItem, student: Student, decision: str, reason: str,
                principal: Principal, now: datetime) -> None:
    """Record one decision; newly approved students get their pseudonym here and are announced together
    by the caller (their facts are loaded for the whole batch at once)."""
    was_approved = student.review_status == "approved"
    item.decision, item.reason, item.decided_by, item.decided_at = decision, reason, principal.username, now
    uow.session.add(item)
    student.review_status = decision
    student.updated_at = now
    uow.session.add(student)
    if decision == "approved" and not was_approved:
        student.subject_key = student.subject_key or new_subject_key()
    elif decision == "rejected" and was_approved and student.subject_key:
        # Revoking an approval takes the student out of schedules and orders downstream.
        uow.emit(StudentWithdrawn(
            subject_key=student.subject_key, school_code=student.school_code,
            province_code=student.province_code, reason=reason))

