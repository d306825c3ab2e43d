"""A school's capture progress by college and class. The confirmed column waits for proofreading
(services/capture/proofreading): until it lands it is None, never a made-up 0."""

from __future__ import annotations

from dataclasses import dataclass

from services.capture.progress import repository as repo
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
    confirmed: int | None  # proofreading's 正确 count, once it lands


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


def confirmed_counts(uow: UnitOfWork, school_code: str) -> dict[str, int] | None:
    """THE PROOFREADING HOOK of the progress table: confirmed per class_id, or None while proofreading has not
    landed (the column then shows 暂无)."""
    return None


@dataclass(frozen=True)
class Progress:
    school_code: str
    classes: list[ClassProgress]
    confirming: bool  # whether proofreading counts confirmations yet


def progress(uow: UnitOfWork, principal: Principal, school_code: str | None, term: str | None) -> Progress:
    school = school_of(principal, school_code)
    confirmed = confirmed_counts(uow, school)
    rows = [ClassProgress(college_id=r.college_id, college_name=r.college_name, class_id=r.class_id,
                          class_no=r.class_no, class_name=r.class_name, approved=int(r.approved),
                          checked_in=int(r.checked_in or 0), photographed=int(r.photographed or 0),
                          confirmed=None if confirmed is None else confirmed.get(r.class_id or "", 0))
            for r in repo.by_class(uow.session, principal, school, term)]
    return Progress(school, rows, confirming=confirmed is not None)
