"""A school's capture progress by college and class; the confirmed column comes from proofreading
(services/capture/proofreading)."""

from __future__ import annotations

from dataclasses import dataclass

from services.capture.models import ProofState
from services.capture.progress import repository as repo
from services.capture.proofreading import service as proofreading
from services.kernel.errors import Forbidden, TucaiError
from services.kernel.tenancy import PROVINCE_ROLES, Principal
from services.kernel.uow import UnitOfWork


@dataclass(frozen=True)
class ClassProgress:
    college_id: str | None
    college_name: str | None
    class_id: str | None
    class_no: str | None
    class_name: str | None
    approved: int
    checked_in: int
    photographed: int
    confirmed: int  # proofreading's 正确 on the current photo version


def school_of(principal: Principal, school_code: str | None) -> str:
    """The school asked about: a school's staff get their own (asking for another is refused)."""
    if principal.role in PROVINCE_ROLES or principal.is_platform:
        if not school_code:
            raise TucaiError("school_required", "请指定学校代码", "Give the school_code to look at", status=422)
        return school_code
    if school_code and school_code != principal.school:
        raise Forbidden("school_out_of_scope", "无权查看该学校的数据", "This school is outside your scope")
    assert principal.school is not None
    return principal.school


def confirmed_counts(uow: UnitOfWork, principal: Principal, school_code: str) -> dict[str, int]:
    """Confirmed (正确 on the current photo version) per class_id, from proofreading."""
    return {c.class_id or "": c.counts[ProofState.CONFIRMED] for c in proofreading.summary(uow, principal, school_code)}


@dataclass(frozen=True)
class Progress:
    school_code: str
    classes: list[ClassProgress]


def progress(uow: UnitOfWork, principal: Principal, school_code: str | None, term: str | None) -> Progress:
    school = school_of(principal, school_code)
    confirmed = confirmed_counts(uow, principal, school)
    rows = [ClassProgress(college_id=r.college_id, college_name=r.college_name, class_id=r.class_id,
                          class_no=r.class_no, class_name=r.class_name, approved=int(r.approved),
                          checked_in=int(r.checked_in or 0), photographed=int(r.photographed or 0),
                          confirmed=confirmed.get(r.class_id or "", 0))
            for r in repo.by_class(uow.session, principal, school, term)]
    return Progress(school, rows)
