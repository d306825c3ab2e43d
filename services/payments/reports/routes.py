"""Reports over HTTP (thin): per school and per class, as JSON, CSV or xlsx; the daily takings as JSON, CSV or
xlsx. The agency sees its province's schools, a school its own; the province's reviewers the daily takings of
their province's schools; nobody else."""

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
from services.payments.reports.schemas import (
    ProviderTakings,
    Report,
    ReportLineOut,
    TakingsDayOut,
    TakingsOut,
)
from services.payments.reports.service import ReportLine, Takings, TakingsDay, TakingsReport

router = ServiceRouter(prefix="/v1/reports", tags=["payments"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}})

Staff = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN, Role.SCHOOL_ADMIN))]
TakingsReader = Annotated[Principal, Depends(require_roles(Role.AGENCY_ADMIN, Role.PROVINCE_REVIEWER,
                                                           Role.SCHOOL_ADMIN))]
# Checked by the service (stable codes for missing, malformed, reversed and too long), so plain optional strings.
FromDay = Annotated[str | None, Query(alias="from", description="First Beijing day, YYYY-MM-DD")]
ToDay = Annotated[str | None, Query(description="Last Beijing day (inclusive), YYYY-MM-DD; at most 92 days in all")]
SchoolCode = Annotated[str | None, Query(pattern=r"^\d{5}$")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = ("expected_fen", "paid_fen", "refunded_fen", "net_fen", "outstanding_fen", "overpaid_fen", "offline_fen")


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


def _takings(one: Takings) -> dict[str, int]:
    return {"paid_fen": one.paid_fen, "refunded_fen": one.refunded_fen, "net_fen": one.net_fen, "count": one.count,
            "refund_count": one.refund_count}


def _day_out(day: TakingsDay) -> TakingsDayOut:
    return TakingsDayOut(day=day.day.isoformat(), **_takings(day.total),
                         providers=[ProviderTakings(provider=p, **_takings(t)) for p, t in day.providers.items()])


def _takings_out(report: TakingsReport) -> TakingsOut:
    return TakingsOut(from_=report.start.isoformat(), to=report.end.isoformat(),
                      days=[_day_out(d) for d in report.days], totals=_day_out(report.total))


@router.get("/takings", response_model=TakingsOut, responses={422: {"model": Problem}},
            summary="Daily takings (Beijing days, at most 92): paid, refunded, net and count, per provider")
def takings(principal: TakingsReader, uow: UoW, from_: FromDay = None, to: ToDay = None,
            school_code: SchoolCode = None) -> TakingsOut:
    return _takings_out(service.takings(uow, principal, from_, to, school_code))


@router.get("/takings/export", response_class=Response, summary="The daily takings as CSV or xlsx",
            responses={200: {"content": {XLSX: {}, "text/csv": {}}}, 422: {"model": Problem}})
def export_takings(principal: TakingsReader, uow: UoW, from_: FromDay = None, to: ToDay = None,
                   school_code: SchoolCode = None, format: Literal["csv", "xlsx"] = "xlsx") -> Response:  # noqa: A002
    report = service.takings(uow, principal, from_, to, school_code)
    name = f"payments-takings-{report.start}-{report.end}"
    if format == "csv":
        return Response(export.takings_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    title = f"每日收款（北京时间 {report.start} 至 {report.end}）"
    return Response(export.takings_xlsx(report, title), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
