"""Errata over HTTP: request a correction, the school's queue, and its decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, status

from services.kernel.auth import CurrentPrincipal
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.roster.deps import PROBLEMS, Codes, SchoolAdmin
from services.roster.errata import service as errata
from services.roster.errata.schemas import ErratumDecisionIn, ErratumIn, ErratumList, ErratumOut
from services.roster.models import Erratum

# Errata are part of a student's record, so the operations keep the students tag (and their client names).
router = ServiceRouter(prefix="/v1", tags=["students"], responses=PROBLEMS)


def _out(view: errata.ErratumView) -> ErratumOut:
    e = view.erratum
    return ErratumOut(
        id=e.id, student_id=e.student_id, student_no=view.student_no, student_name=view.student_name,
        field=e.field, field_label=view.field_label, old_value=e.old_value, new_value=e.new_value, reason=e.reason,
        source=e.source, status=e.status, requested_by=e.requested_by, requested_at=e.requested_at,
        decided_by=e.decided_by, decided_at=e.decided_at, decision_reason=e.decision_reason)


def _one(uow: UoW, erratum: Erratum) -> ErratumOut:
    (view,) = errata.views(uow.session, [erratum])
    return _out(view)


@router.post("/students/{student_id}/errata", response_model=ErratumOut, status_code=status.HTTP_201_CREATED,
             summary="Request a correction (勘误) to a student's data")
def request_erratum(student_id: str, body: ErratumIn, principal: CurrentPrincipal, uow: UoW,
                    codes: Codes) -> ErratumOut:
    erratum = errata.request(uow, principal, student_id, body.field, body.new_value, body.reason, codes)
    return _one(uow, erratum)


@router.get("/errata", response_model=ErratumList, summary="Errata in scope (the school's queue)")
def list_errata(principal: CurrentPrincipal, uow: UoW,
                status_filter: Annotated[str | None, Query(alias="status")] = None,
                student_id: str | None = None) -> ErratumList:
    rows = errata.in_scope(uow.session, principal, status_filter, student_id)
    items = [_out(v) for v in errata.views(uow.session, rows)]
    return ErratumList(items=items, total=len(items))


@router.post("/errata/{erratum_id}/decision", response_model=ErratumOut, summary="Approve or reject an erratum")
def decide_erratum(erratum_id: str, body: ErratumDecisionIn, principal: SchoolAdmin, uow: UoW,
                   codes: Codes) -> ErratumOut:
    erratum = errata.decide(uow, principal, erratum_id, body.decision, body.reason, codes)
    return _one(uow, erratum)
