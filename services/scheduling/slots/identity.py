"""Who a signed-in student is to scheduling: the pseudonymous subject key roster puts in an approved student's
token (`Principal.subject_key`, the `skey` claim). Scheduling knows students only by that key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.kernel.auth import CurrentPrincipal
from services.kernel.errors import Forbidden, NotFound
from services.kernel.tenancy import Principal, Role


async def student_key(principal: CurrentPrincipal) -> Principal:  # async: no threadpool hop
    """The caller, who must be an approved student (their token carries their key)."""
    if principal.role != Role.STUDENT:
        raise Forbidden("students_only", "仅学生本人可访问", "Only the student themself may do this")
    if not principal.subject_key:
        raise NotFound("not_approved", "资格审查通过后才有采集安排（通过后请重新登录）",
                       "Slots are given after approval (sign in again once approved)")
    return principal


StudentKey = Annotated[Principal, Depends(student_key)]
