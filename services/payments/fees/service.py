"""Fee profiles' rules. Plain functions on a unit of work; they never commit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.kernel.errors import Forbidden, TucaiError
from services.kernel.ids import new_id
from services.kernel.tenancy import Principal, require_school_access
from services.kernel.uow import UnitOfWork
from services.payments.fees import repository as repo
from services.payments.models import FeeProfile, PayerMode


def profiles(uow: UnitOfWork, principal: Principal, school_code: str | None, term: str | None) -> list[FeeProfile]:
    return repo.profiles(uow.session, principal, school_code, term)


def set_profile(uow: UnitOfWork, principal: Principal, *, school_code: str, term: str, amount_fen: int,
                breakdown: list[dict[str, Any]], payer_mode: PayerMode, ceiling_fen: int) -> FeeProfile:
    """Create or replace a school's fee for a term (the agency's decision). Money is checked once more here:
    an integer of fen, within the ceiling, and a breakdown that adds up."""
    province = repo.province_of_school(uow.session, school_code) or principal.province
    if province is None:
        raise Forbidden("school_out_of_scope", "无权操作该学校的数据", "This school is outside your scope")
    require_school_access(principal, school_code, province)
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or not 0 <= amount_fen <= ceiling_fen:
        raise TucaiError("fee_out_of_range", f"收费金额须为 0 至 {ceiling_fen} 分之间的整数",
                         f"The fee must be an integer of fen between 0 and {ceiling_fen}", status=422)
    if breakdown and sum(int(item["amount_fen"]) for item in breakdown) != amount_fen:
        raise TucaiError("fee_breakdown_mismatch", "收费明细之和与总额不符",
                         "The breakdown does not add up to the amount", status=422)
    profile = repo.profile_in_scope(uow.session, principal, school_code, term)
    if profile is None:
        profile = FeeProfile(id=new_id(), province_code=province, school_code=school_code, term=term,
                             amount_fen=amount_fen, payer_mode=payer_mode, updated_by=principal.subject)
    profile.amount_fen, profile.breakdown, profile.payer_mode = amount_fen, breakdown, payer_mode
    profile.updated_by, profile.updated_at = principal.subject, datetime.now(UTC)
    uow.session.add(profile)
    uow.session.flush()
    return profile
