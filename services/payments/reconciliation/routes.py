"""Reconciliation over HTTP (thin): upload a day's bill (a job reconciles it), runs, discrepancies, resolution."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, File, Form, Request, UploadFile, status

from services.kernel.auth import require_roles
from services.kernel.blobstore import BlobStore
from services.kernel.errors import Problem
from services.kernel.limits import max_body
from services.kernel.routing import ServiceRouter
from services.kernel.service import ServiceContext, UoW
from services.kernel.tenancy import Principal, Role
from services.kernel.uow import UnitOfWork
from services.payments.models import Discrepancy, ReconciliationRun
from services.payments.orders import repository as orders_repo
from services.payments.orders.schemas import PaymentOut, RefundOut
from services.payments.providers.port import Provider
from services.payments.reconciliation import service
from services.payments.reconciliation.schemas import (
    DiscrepancyList,
    DiscrepancyOut,
    ResolveIn,
    RunList,
    RunOut,
)

router = ServiceRouter(prefix="/v1/reconciliation", tags=["payments"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem},
                              409: {"model": Problem}, 422: {"model": Problem}})

Agency = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN))]
# Schools read the discrepancies of their own school (what they owe or are owed); only the agency acts.
Staff = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN, Role.SCHOOL_ADMIN))]


def _blobs(request: Request) -> BlobStore:
    ctx: ServiceContext = request.app.state.ctx
    return ctx.runtime.blobs


Blobs = Annotated[BlobStore, Depends(_blobs)]


def _run_out(run: ReconciliationRun) -> RunOut:
    return RunOut.model_validate(run, from_attributes=True)


def _out(uow: UnitOfWork, item: Discrepancy) -> DiscrepancyOut:
    out = DiscrepancyOut.model_validate(item, from_attributes=True)
    refund = orders_repo.refund_by_id(uow.session, item.refund_id) if item.refund_id else None
    out.refund = RefundOut.model_validate(refund, from_attributes=True) if refund else None
    payment = service.entered_payment(uow, item)
    out.payment = PaymentOut.model_validate(payment, from_attributes=True) if payment else None
    return out


@router.post("/runs", response_model=RunOut, status_code=status.HTTP_202_ACCEPTED,
             summary="Upload a provider's day bill; a job reconciles it (re-uploading a day re-runs it)",
             openapi_extra=max_body(service.MAX_BILL_BYTES + 64 * 1024))
def upload_bill(principal: Agency, uow: UoW, blobs: Blobs,
                file: Annotated[UploadFile, File(description="微信交易账单 (csv/gz) 或支付宝账单 zip")],
                provider: Annotated[Provider, Form()], bill_date: Annotated[str, Form(max_length=10)],
                sha1: Annotated[str | None, Form(max_length=40)] = None) -> RunOut:
    data = file.file.read(service.MAX_BILL_BYTES + 1)
    return _run_out(service.start_run(uow, blobs, principal, provider, bill_date, file.filename or "bill", data,
                                      sha1))


@router.get("/runs", response_model=RunList, summary="Reconciliation runs of the agency's province, newest day first")
def list_runs(principal: Agency, uow: UoW) -> RunList:
    items = [_run_out(r) for r in service.runs(uow, principal)]
    return RunList(items=items, total=len(items))


@router.get("/runs/{run_id}", response_model=RunOut, summary="One run: state, counts, the bill's problems")
def read_run(run_id: str, principal: Agency, uow: UoW) -> RunOut:
    return _run_out(service.run(uow, principal, run_id))


@router.get("/discrepancies", response_model=DiscrepancyList, summary="Discrepancies in scope (the queue)")
def list_discrepancies(principal: Staff, uow: UoW, state: str | None = None, type: str | None = None,  # noqa: A002
                       school_code: str | None = None, run_id: str | None = None) -> DiscrepancyList:
    found = service.discrepancies(uow, principal, state=state, type=type, school_code=school_code, run_id=run_id)
    items = [_out(uow, d) for d in found]
    return DiscrepancyList(items=items, total=len(items))


@router.get("/discrepancies/{discrepancy_id}", response_model=DiscrepancyOut, summary="One discrepancy")
def read_discrepancy(discrepancy_id: str, principal: Staff, uow: UoW) -> DiscrepancyOut:
    return _out(uow, service.discrepancy(uow, principal, discrepancy_id))


@router.post("/discrepancies/{discrepancy_id}/resolve", response_model=DiscrepancyOut,
             summary="Resolve a discrepancy once: refund, mark paid or ignore, with a reason (audited)")
def resolve_discrepancy(discrepancy_id: str, body: ResolveIn, principal: Agency, uow: UoW) -> DiscrepancyOut:
    return _out(uow, service.resolve(uow, principal, discrepancy_id, body.action, body.reason))
