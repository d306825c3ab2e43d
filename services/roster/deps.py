"""Typed dependencies shared by roster's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.kernel.auth import TokenIssuer, require_roles
from services.kernel.blobstore import BlobStore
from services.kernel.errors import Problem
from services.kernel.service import context_of
from services.kernel.tenancy import Principal, Role
from services.roster.rules.codes import CodeTables

PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem} for code in (401, 403, 404, 409, 413, 422, 429)}


# async: plain lookups, which FastAPI would otherwise run in the threadpool (a hop per dependency).
async def _issuer(request: Request) -> TokenIssuer:
    return request.app.state.issuer


async def _blobs(request: Request) -> BlobStore:
    return context_of(request).runtime.blobs


async def _codes(request: Request) -> CodeTables:
    return request.app.state.code_tables


Codes = Annotated[CodeTables, Depends(_codes)]
Issuer = Annotated[TokenIssuer, Depends(_issuer)]
Blobs = Annotated[BlobStore, Depends(_blobs)]
SchoolAdmin = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN))]
ProvinceReviewer = Annotated[Principal, Depends(require_roles(Role.PROVINCE_REVIEWER))]
PlatformAdmin = Annotated[Principal, Depends(require_roles())]
SchoolStaff = Annotated[Principal, Depends(require_roles(
    Role.SCHOOL_ADMIN, Role.COLLEGE_COORDINATOR, Role.CLASS_MONITOR))]
Student = Annotated[Principal, Depends(require_roles(Role.STUDENT))]
ProvinceStaff = Annotated[Principal, Depends(require_roles(
    Role.PROVINCE_REVIEWER, Role.AGENCY_ADMIN, Role.PHOTOGRAPHER))]
