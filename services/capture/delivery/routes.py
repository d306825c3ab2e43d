"""The delivery packages' HTTP routes: request a package (a job), follow it, see who was left out and why, and
fetch the zip through a short-lived signed link."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from services.capture.delivery import service
from services.capture.delivery.naming import LEFT_LABELS, Left, Naming
from services.capture.delivery.schemas import (
    DeliveryDetail,
    DeliveryIn,
    DeliveryLink,
    DeliveryList,
    DeliveryOut,
    LeftOutOut,
)
from services.capture.models import DeliveryPackage
from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.jobs import access
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW
from services.kernel.tenancy import Principal, Role
from services.kernel.uow import UnitOfWork

router = ServiceRouter(prefix="/v1", tags=["capture"], responses={
    401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}})

# The school (its own), the agency (its province's schools) and the platform make and fetch packages; the
# province reviewer may follow them.
Maker = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN, Role.AGENCY_ADMIN))]
Reader = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN, Role.AGENCY_ADMIN, Role.PROVINCE_REVIEWER))]


def delivery_out(p: DeliveryPackage) -> DeliveryOut:
    return DeliveryOut(id=p.id, school_code=p.school_code, term=p.term, naming=Naming(p.naming), status=p.status,
                       job_id=p.job_id, requested_by=p.requested_by, included=p.included, excluded=p.excluded,
                       sha256=p.sha256, size=p.size, error_code=p.error_code, created_at=p.created_at,
                       finished_at=p.finished_at)


def _with_progress(uow: UnitOfWork, principal: Principal, p: DeliveryPackage) -> DeliveryOut:
    out = delivery_out(p)
    if p.job_id:
        out.progress = access.read_job(uow, principal, p.job_id).progress
    return out


@router.post("/deliveries", response_model=DeliveryOut, status_code=201,
             responses={200: {"model": DeliveryOut, "description": "The same package is being made or is ready"},
                        422: {"model": Problem}},
             summary="Request a delivery package (zip) of a school's accepted photos for a term; made by a job")
def request_delivery(body: DeliveryIn, principal: Maker, uow: UoW, response: Response) -> DeliveryOut:
    result = service.request_package(uow, principal, body.school_code, body.term, body.naming, body.rebuild)
    if not result.created:
        response.status_code = 200
    return delivery_out(result.package)


@router.get("/deliveries", response_model=DeliveryList, summary="Delivery packages in scope, newest first")
def list_deliveries(principal: Reader, uow: UoW, school_code: str | None = None,
                    term: str | None = None) -> DeliveryList:
    items = [delivery_out(p) for p in service.packages(uow, principal, school_code, term)]
    return DeliveryList(items=items, total=len(items))


@router.get("/deliveries/{package_id}", response_model=DeliveryDetail,
            summary="A delivery package: state, progress, and who was left out and why")
def read_delivery(package_id: str, principal: Reader, uow: UoW) -> DeliveryDetail:
    package = service.find(uow, principal, package_id)
    left = [LeftOutOut(position=x.position, subject_key=x.subject.subject_key if x.subject else None,
                       masked_name=x.subject.masked_name if x.subject else None,
                       class_no=x.subject.class_no if x.subject else None, reason=x.reason,
                       reason_label=LEFT_LABELS.get(Left(x.reason), x.reason) if x.reason in set(Left) else x.reason)
            for x in service.left_out(uow, package)]
    return DeliveryDetail(**_with_progress(uow, principal, package).model_dump(), left_out=left)


@router.get("/deliveries/{package_id}/download", response_model=DeliveryLink,
            summary="A short-lived signed link to a ready package's zip")
def download_delivery(package_id: str, principal: Maker, uow: UoW, ctx: Context) -> DeliveryLink:
    url = service.download_url(uow, principal, ctx.runtime.blobs, package_id)
    package = service.find(uow, principal, package_id)
    return DeliveryLink(url=url, expires_in=int(service.URL_LIFETIME.total_seconds()),
                        file_name=service.file_name(package), sha256=package.sha256)
