"""Reports over HTTP (thin): per school and per class, as JSON, CSV or xlsx. The agency sees its province's
schools, a school its own; nobody else."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query
from fastapi.responses import Response

from services.kernel.auth import require_roles
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role
from services.payments.reports import export, service
from services.payments.reports.schemas import Report, ReportLineOut
from services.payments.reports.service import ReportLine

router = ServiceRouter(prefix="/v1/reports", tags=["payments"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}})

Staff = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN, Role.SCHOOL_ADMIN))]
SchoolCode = Annotated[str | None, Query(pattern=r"^\d{5}$")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = ("expected_fen", "paid_fen", "refunded_fen", "net_fen", "outstanding_fen", "overpaid_fen")


def _out(line: ReportLine) -> ReportLineOut:
    return ReportLineOut(**{k: getattr(line, k) for k in ReportLineOut.model_fields})


def _report(lines: list[ReportLine]) -> Report:
    items = [_out(line) for line in lines]
    sums = {k: sum(getattr(i, k) for i in items) for k in ("students", "photographed", *MONEY)}
    totals = ReportLineOut(school_code="合计", class_id=None, class_no=None, class_name=None, payer_mode=None,
                           fee_fen=None, **sums)
    return Report(items=items, total=len(items), totals=totals)


def _file(lines: list[ReportLine], by_class: bool, fmt: str, name: str) -> Response:
    if fmt == "csv":
        return Response(export.to_csv(lines, by_class), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    title = "图像采集费收缴情况（按班级）" if by_class else "图像采集费收缴情况（按学校）"
    return Response(export.to_xlsx(lines, by_class, title), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


@router.get("/schools", response_model=Report, summary="Per school: expected, paid, refunded, outstanding (fen)")
def school_report(principal: Staff, uow: UoW, school_code: SchoolCode = None) -> Report:
    return _report(service.report(uow, principal, by_class=False, school_code=school_code))


@router.get("/classes", response_model=Report, summary="Per class: expected, paid, refunded, outstanding (fen)")
def class_report(principal: Staff, uow: UoW, school_code: SchoolCode = None) -> Report:
    return _report(service.report(uow, principal, by_class=True, school_code=school_code))


@router.get("/schools/export", response_class=Response, summary="The school report as CSV or xlsx",
            responses={200: {"content": {XLSX: {}, "text/csv": {}}}})
def export_school_report(principal: Staff, uow: UoW, school_code: SchoolCode = None,
                         format: Literal["csv", "xlsx"] = "xlsx") -> Response:  # noqa: A002
    lines = service.report(uow, principal, by_class=False, school_code=school_code)
    return _file(lines, False, format, "payments-schools")


@router.get("/classes/export", response_class=Response, summary="The class report as CSV or xlsx",
            responses={200: {"content": {XLSX: {}, "text/csv": {}}}})
def export_class_report(principal: Staff, uow: UoW, school_code: SchoolCode = None,
                        format: Literal["csv", "xlsx"] = "xlsx") -> Response:  # noqa: A002
    lines = service.report(uow, principal, by_class=True, school_code=school_code)
    return _file(lines, True, format, f"payments-classes-{school_code or 'all'}")
