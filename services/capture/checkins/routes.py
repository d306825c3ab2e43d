"""The check-in routes. A capture pass is verified (asynchronously, against roster's key set) in a dependency
before the unit of work starts; the rules run in the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from services.capture.checkins import legacy_id, service
from services.capture.checkins.passes import PassClaims, PassVerifier
from services.capture.checkins.schemas import CheckinIn, CheckinOut, CloseIn, SubjectFacts, VoidIn
from services.capture.models import Checkin, Subject
from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW
from services.kernel.tenancy import Principal, Role

router = ServiceRouter(prefix="/v1", tags=["capture"], responses={
    401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}})

Photographer = Annotated[Principal, Depends(require_roles(Role.PHOTOGRAPHER))]


async def verified_pass(body: CheckinIn, request: Request, ctx: Context) -> PassClaims | None:
    """Who the credential names, found before the unit of work: a verified pass, or roster's answer for an ID
    number (legacy check-in). A capture code is matched in the service."""
    if body.id_number is not None:
        if not ctx.settings.capture_legacy_id_checkin:
            raise legacy_id.legacy_disabled()
        return await legacy_id.identify(ctx.runtime, request.headers.get("authorization", ""), body.id_number)
    if body.pass_token is None:
        return None
    verifier: PassVerifier = request.app.state.pass_verifier
    return await verifier.verify(body.pass_token.strip())


def checkin_out(checkin: Checkin, subject: Subject | None) -> CheckinOut:
    facts = SubjectFacts(subject_key=checkin.subject_key, masked_name=subject.masked_name if subject else "—",
                         masked_id_number=subject.masked_id_number if subject else "—",
                         sex=subject.sex if subject else "", college_name=subject.college_name if subject else None,
                         class_no=subject.class_no if subject else None,
                         class_name=subject.class_name if subject else None, level=subject.level if subject else "")
    return CheckinOut(id=checkin.id, station=checkin.station_id, sequence_no=checkin.sequence_no,
                      status=checkin.status, opened_at=checkin.opened_at, subject=facts)


@router.post("/checkins", response_model=CheckinOut, status_code=201,
             responses={200: {"model": CheckinOut, "description": "A repeated scan of the open check-in"},
                        422: {"model": Problem}},
             summary="Check a student in at a station: binds them to the next sequence number before the shot")
def create_checkin(body: CheckinIn, claims: Annotated[PassClaims | None, Depends(verified_pass)],
                   principal: Photographer, uow: UoW, response: Response) -> CheckinOut:
    result = service.check_in(uow, principal, body.station, pass_claims=claims, capture_code=body.capture_code,
                              method="id_number" if body.id_number else None)
    if not result.created:
        response.status_code = 200
    return checkin_out(result.checkin, result.subject)


@router.post("/checkins/{checkin_id}/close", response_model=CheckinOut,
             summary="Finish a check-in (done with an accepted photo; otherwise closed with a reason)")
def close_checkin(checkin_id: str, body: CloseIn, principal: Photographer, uow: UoW) -> CheckinOut:
    checkin = service.close(uow, principal, checkin_id, body.reason)
    return checkin_out(checkin, service.subject_of(uow, checkin))


@router.post("/checkins/{checkin_id}/void", response_model=CheckinOut,
             summary="Void a check-in without photos: its number stays void with the reason")
def void_checkin(checkin_id: str, body: VoidIn, principal: Photographer, uow: UoW) -> CheckinOut:
    checkin = service.void(uow, principal, checkin_id, body.reason)
    return checkin_out(checkin, service.subject_of(uow, checkin))
