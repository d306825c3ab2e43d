"""Eligibility review over HTTP: campaigns, school submissions, the province's queue and decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, status

from services.kernel.auth import CurrentPrincipal, require_roles
from services.kernel.pagination import Offset
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role
from services.roster.deps import PROBLEMS, ProvinceReviewer, SchoolAdmin
from services.roster.review import service as review
from services.roster.review.schemas import (
    AuditList,
    AuditOut,
    BatchIn,
    BatchList,
    BatchOut,
    CampaignIn,
    CampaignList,
    CampaignOut,
    DecisionIn,
    DecisionOut,
    Flag,
    ReviewItemList,
    ReviewItemOut,
    SubmittableClass,
    SubmittableList,
)
from services.roster.rules.privacy import mask_id_number

router = ServiceRouter(prefix="/v1", tags=["review"], responses=PROBLEMS)

Auditors = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN, Role.PROVINCE_REVIEWER))]


def _batch_out(summary: review.BatchSummary) -> BatchOut:
    b = summary.batch
    return BatchOut(id=b.id, school_code=b.school_code, school_name=summary.school_name, term=b.term,
                    status=b.status, submitted_by=b.submitted_by, submitted_at=b.submitted_at, students=b.students,
                    approved=b.approved, rejected=b.rejected, pending=summary.pending, flagged=summary.flagged)


@router.get("/audit", response_model=AuditList, summary="Who decided what, when and why (newest first)")
def list_audit(principal: Auditors, uow: UoW, target_type: str | None = None, target_id: str | None = None,
               offset: Offset = 0, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> AuditList:
    rows, total = review.audit_page(uow.session, principal, target_type=target_type, target_id=target_id,
                                    offset=offset, limit=limit)
    items = [AuditOut.model_validate(r, from_attributes=True) for r in rows]
    return AuditList(items=items, total=total, offset=offset, limit=limit)


@router.get("/campaigns", response_model=CampaignList, summary="Capture campaigns (graduation terms) in scope")
def list_campaigns(principal: CurrentPrincipal, uow: UoW) -> CampaignList:
    items = [CampaignOut.model_validate(c, from_attributes=True)
             for c in review.campaigns(uow.session, principal)]
    return CampaignList(items=items, total=len(items))


@router.post("/campaigns", response_model=CampaignOut, status_code=status.HTTP_201_CREATED,
             summary="Open a campaign for a graduation term (province)")
def create_campaign(body: CampaignIn, principal: ProvinceReviewer, uow: UoW) -> CampaignOut:
    campaign = review.create_campaign(uow, principal, review.NewCampaign(**body.model_dump()))
    return CampaignOut.model_validate(campaign, from_attributes=True)


@router.post("/review/batches", response_model=BatchOut, status_code=status.HTTP_201_CREATED,
             summary="Submit students for the province's eligibility review (school)")
def submit_batch(body: BatchIn, principal: SchoolAdmin, uow: UoW) -> BatchOut:
    batch = review.submit(uow, principal, body.term, body.student_ids, body.school_code, body.class_ids)
    return _batch_out(review.summary(uow.session, batch))


@router.get("/review/submittable", response_model=SubmittableList,
            summary="Per class: who the next batch would take (待提交, 未通过（已修改）) and who stays back (school)")
def list_submittable(principal: SchoolAdmin, uow: UoW, school_code: str | None = None) -> SubmittableList:
    groups = review.submittable(uow.session, principal, school_code)
    names = review.class_names(uow.session, [g.class_id for g in groups if g.class_id])
    items = []
    for g in groups:
        klass, college = names.get(g.class_id or "", (None, None))
        school = (g.imported or g.corrected or g.uncorrected)[0].school_code
        items.append(SubmittableClass(
            school_code=school, class_id=g.class_id, class_no=klass.code if klass else None,
            class_name=klass.name if klass else None, college_name=college.name if college else None,
            imported=len(g.imported), corrected=len(g.corrected), uncorrected=len(g.uncorrected),
            uncorrected_student_nos=[s.student_no for s in g.uncorrected]))
    items.sort(key=lambda i: (i.college_name or "", i.class_no or ""))
    return SubmittableList(items=items, total=len(items))


@router.get("/review/batches", response_model=BatchList, summary="Review batches in scope (the province's queue)")
def list_batches(principal: CurrentPrincipal, uow: UoW,
                 status_filter: Annotated[str | None, Query(alias="status", pattern="^(pending|decided)$")] = None,
                 ) -> BatchList:
    items = [_batch_out(b) for b in review.summaries(uow.session, principal, status_filter)]
    return BatchList(items=items, total=len(items))


@router.get("/review/batches/{batch_id}", response_model=BatchOut, summary="One review batch")
def read_batch(batch_id: str, principal: CurrentPrincipal, uow: UoW) -> BatchOut:
    return _batch_out(review.summary(uow.session, review.batch_in_scope(uow.session, principal, batch_id)))


@router.get("/review/batches/{batch_id}/items", response_model=ReviewItemList,
            summary="The students of a batch with rule flags and decisions")
def list_items(batch_id: str, principal: CurrentPrincipal, uow: UoW) -> ReviewItemList:
    items = [_item_out(line) for line in review.lines(uow.session, principal, batch_id)]
    return ReviewItemList(items=items, total=len(items))


def _item_out(line: review.ReviewLine) -> ReviewItemOut:
    i, s = line.item, line.student
    return ReviewItemOut(
        id=i.id, student_id=s.id, student_no=s.student_no, name=s.name, sex=s.sex,
        id_number_masked=mask_id_number(s.id_number), level=s.level, study_mode=s.study_mode,
        expected_graduation=s.expected_graduation, college_name=line.college.name if line.college else None,
        class_no=line.klass.code if line.klass else None, major_name=s.major_name, entry_date=s.entry_date,
        decision=i.decision, reason=i.reason, decided_by=i.decided_by,
        decided_at=i.decided_at, flags=[Flag(code=f.code, message=f.message) for f in line.flags])


@router.post("/review/batches/{batch_id}/decisions", response_model=DecisionOut,
             summary="Approve or reject students of a batch (all pending ones by default), with a reason")
def decide(batch_id: str, body: DecisionIn, principal: ProvinceReviewer, uow: UoW) -> DecisionOut:
    batch, count = review.decide(uow, principal, batch_id, body.decision, body.reason, body.student_ids)
    return DecisionOut(batch=_batch_out(review.summary(uow.session, batch)), decided=count)
