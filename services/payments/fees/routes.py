"""The fee profiles' HTTP routes (thin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.kernel.auth import CurrentPrincipal, require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW
from services.kernel.tenancy import Principal, Role
from services.payments.fees import service
from services.payments.fees.schemas import FeeProfileIn, FeeProfileList, FeeProfileOut
from services.payments.models import FeeProfile

router = ServiceRouter(prefix="/v1", tags=["payments"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 422: {"model": Problem}})

Agency = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN))]


def _out(profile: FeeProfile) -> FeeProfileOut:
    return FeeProfileOut.model_validate(profile, from_attributes=True)


@router.get("/fee-profiles", response_model=FeeProfileList, summary="Fee profiles in scope (amounts in fen)")
def list_fee_profiles(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None,
                      term: str | None = None) -> FeeProfileList:
    items = [_out(p) for p in service.profiles(uow, principal, school_code, term)]
    return FeeProfileList(items=items, total=len(items))


@router.put("/fee-profiles", response_model=FeeProfileOut, summary="Set a school's fee for a term (agency)")
def put_fee_profile(body: FeeProfileIn, principal: Agency, uow: UoW, ctx: Context) -> FeeProfileOut:
    profile = service.set_profile(uow, principal, school_code=body.school_code, term=body.term,
                                  amount_fen=body.amount_fen,
                                  breakdown=[item.model_dump() for item in body.breakdown],
                                  payer_mode=body.payer_mode, ceiling_fen=ctx.settings.payments_max_fee_fen)
    return _out(profile)
