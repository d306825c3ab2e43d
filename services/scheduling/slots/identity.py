"""Who a signed-in student is to scheduling: their pseudonymous subject key.

A student's token names roster's student id (its subject), while scheduling knows students only by the pseudonym
roster publishes on approval. Until roster puts the pseudonym in the student token (proposed: a `skey` claim and
`Principal.subject_key`), scheduling asks roster over REST with the student's own token: `GET
/api/roster/v1/students/me/pass` answers with the subject key of the caller only. Tests may override
`student_key` (FastAPI dependency) with a double."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.kernel.auth import CurrentPrincipal
from services.kernel.errors import Forbidden, NotFound, TucaiError
from services.kernel.tenancy import Principal, Role


async def student_key(request: Request, principal: CurrentPrincipal) -> Principal:
    """The caller as a student principal whose subject is their pseudonym (scoped reads then match rows keyed
    by subject_key)."""
    if principal.role != Role.STUDENT:
        raise Forbidden("students_only", "仅学生本人可访问", "Only the student themself may do this")
    async with request.app.state.ctx.runtime.client("roster") as client:
        response = await client.get("/api/roster/v1/students/me/pass",
                                    headers={"Authorization": request.headers.get("authorization", "")})
    if response.status_code in (404, 409):
        raise NotFound("not_approved", "资格审查通过后才有采集安排", "Slots are given after approval")
    if response.status_code != 200:
        raise TucaiError("roster_unavailable", "暂时无法确认学生身份，请稍后再试",
                         "Could not confirm the student with roster; try again", status=503)
    return Principal(subject=response.json()["subject_key"], role=Role.STUDENT, username=principal.username,
                     province=principal.province, school=principal.school)


StudentKey = Annotated[Principal, Depends(student_key)]
