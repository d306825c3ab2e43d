"""The delivery file-name join over HTTP. Callable by a signed service call (capture's packaging job) or by the
agency (its province's schools); never by schools or students. Answers are not cached anywhere."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from services.kernel import service_auth
from services.kernel.auth import authenticate, oauth2_scheme
from services.kernel.errors import Forbidden
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW, context_of
from services.kernel.tenancy import Principal, Role
from services.roster.deps import PROBLEMS
from services.roster.filenames import service
from services.roster.filenames.schemas import FileName, FileNamesIn, FileNamesOut

router = ServiceRouter(prefix="/v1", tags=["delivery"], responses=PROBLEMS)

CALLERS = frozenset({"capture"})


async def _caller(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal | None:
    """None for a verified service call; otherwise the agency (or platform) user of the bearer token."""
    if service_auth.is_service_call(request.headers):
        service_auth.verify(context_of(request).settings.signing_key(), request.headers, request.method,
                            request.url.path, await request.body(), CALLERS)
        return None
    principal = await authenticate(request, token)
    if principal.role not in (Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN):
        raise Forbidden("role_not_allowed", "当前角色无权执行此操作", "Your role may not do this")
    return principal


@router.post("/delivery/file-names", response_model=FileNamesOut,
             summary="File names (身份证号 or 学号) of approved students by capture's keys, for delivery packages")
def delivery_file_names(body: FileNamesIn, caller: Annotated[Principal | None, Depends(_caller)], uow: UoW,
                        response: Response) -> FileNamesOut:
    names = service.file_names(uow, caller, body.school_code, body.naming, body.subject_keys)
    response.headers["Cache-Control"] = "no-store"
    return FileNamesOut(names=[FileName(subject_key=k, stem=v) for k, v in names.stems.items()],
                        unknown=names.unknown)
