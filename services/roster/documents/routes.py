"""Documents over HTTP: class lists for the capture day, the reviewed list, and counts per school."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Path, Query
from fastapi.responses import Response

from services.kernel.auth import CurrentPrincipal, require_roles
from services.kernel.routing import ServiceRouter
from services.kernel.service import UoW
from services.kernel.tenancy import Principal, Role
from services.roster.deps import PROBLEMS, Issuer, SchoolAdmin
from services.roster.documents import service as printouts
from services.roster.documents.schemas import SchoolStats, SchoolStatsList

router = ServiceRouter(prefix="/v1", tags=["documents"], responses=PROBLEMS)

# Class lists go to the photographer and the class monitor; the reviewed list to the school and the province.
ListReaders = Annotated[Principal, Depends(require_roles(
    Role.SCHOOL_ADMIN, Role.COLLEGE_COORDINATOR, Role.CLASS_MONITOR, Role.AGENCY_ADMIN, Role.PHOTOGRAPHER,
    Role.PROVINCE_REVIEWER))]
ReviewReaders = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN, Role.PROVINCE_REVIEWER))]

# Money is integer fen, never negative, with a ceiling no photo fee reaches (10,000 元).
MAX_FEE_FEN = 1_000_000
FeeFen = Annotated[int | None, Query(ge=0, le=MAX_FEE_FEN, description="应缴费用（分），0 至 1,000,000")]
FeeYuan = Annotated[int | None, Query(ge=0, le=MAX_FEE_FEN // 100, deprecated=True,
                                      description="应缴费用（元，整数）；请改用 fee_fen")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.get("/class-lists.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}},
            summary="Class lists in roster order with blank 拍摄序号 and fee columns (one sheet per class)")
def class_lists(principal: ListReaders, uow: UoW, school_code: str | None = None,
                college_id: str | None = None, class_id: str | None = None, fee_fen: FeeFen = None,
                fee_yuan: FeeYuan = None) -> Response:
    fee = Decimal(fee_fen) / 100 if fee_fen is not None else fee_yuan
    data, name = printouts.class_lists(uow.session, principal, school_code, college_id, class_id, fee)
    return _xlsx(data, name)


@router.get("/classes/{class_id}/passes.pdf", response_class=Response, responses={200: {"content": {PDF: {}}}},
            summary="Every capture pass of a class on A4 sheets (eight to a page), to cut and hand out")
def class_passes(class_id: Annotated[str, Path(max_length=32)], principal: SchoolAdmin, uow: UoW,
                 issuer: Issuer) -> Response:
    data, name = printouts.class_passes(uow.session, principal, issuer, class_id)
    return Response(data, media_type=PDF,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/reviewed-list.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}},
            summary="The province-reviewed list of one school for one term")
def reviewed_list(principal: ReviewReaders, uow: UoW, term: str, school_code: str | None = None) -> Response:
    data, name = printouts.reviewed_list(uow.session, principal, term, school_code)
    return _xlsx(data, name)


@router.get("/stats/schools", response_model=SchoolStatsList,
            summary="Students per school by review status (the agency's and province's overview)")
def school_stats(principal: CurrentPrincipal, uow: UoW) -> SchoolStatsList:
    items = [SchoolStats(school_code=row.school.school_code, school_name=row.school.name,
                         imported=row.counts.get("imported", 0), submitted=row.counts.get("submitted", 0),
                         approved=row.counts.get("approved", 0), rejected=row.counts.get("rejected", 0),
                         errata_pending=row.counts.get("errata_pending", 0))
             for row in printouts.school_counts(uow.session, principal)]
    return SchoolStatsList(items=items, total=len(items))
