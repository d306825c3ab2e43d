"""The photos' HTTP routes: upload to an open check-in, read with signed links, override a failed check."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, File, Form, Response, UploadFile

from services.capture.models import Photo
from services.capture.photos import service, workers
from services.capture.photos.checks import ORIGINAL_BYTES
from services.capture.photos.schemas import CheckOut, OverrideIn, PhotoLinks, PhotoOut
from services.kernel.auth import require_roles
from services.kernel.errors import Problem, TucaiError
from services.kernel.limits import max_body
from services.kernel.routing import ServiceRouter
from services.kernel.service import Context, UoW
from services.kernel.tenancy import Principal, Role

router = ServiceRouter(prefix="/v1", tags=["capture"], responses={
    401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}})

Photographer = Annotated[Principal, Depends(require_roles(Role.PHOTOGRAPHER))]
Viewer = Annotated[Principal, Depends(require_roles(Role.PHOTOGRAPHER, Role.AGENCY_ADMIN, Role.SCHOOL_ADMIN))]


def photo_out(p: Photo) -> PhotoOut:
    return PhotoOut(id=p.id, checkin_id=p.checkin_id, subject_key=p.subject_key, sequence_no=p.sequence_no,
                    version=p.version, accepted=p.accepted, checks=[CheckOut(**c) for c in p.checks],
                    sha256=p.original_sha256, standard_sha256=p.standard_sha256, overridden_by=p.overridden_by,
                    override_reason=p.override_reason, created_at=p.created_at)


@router.post("/checkins/{checkin_id}/photos", response_model=PhotoOut, status_code=201,
             responses={200: {"model": PhotoOut, "description": "The same bytes were already stored (a re-send)"},
                        413: {"model": Problem},
                        503: {"model": Problem, "description": "photo_check_unavailable: the check workers broke; "
                                                               "nothing was stored, upload again"}},
             summary="Upload a photo (or a retake) for an open check-in at your station; runs the photo checks",
             openapi_extra=max_body(ORIGINAL_BYTES[1] + 64 * 1024))  # a camera's original + the multipart framing
def upload_photo(checkin_id: str, principal: Photographer, uow: UoW, ctx: Context, response: Response,
                 file: Annotated[UploadFile, File(description="JPEG 原片")],
                 sequence_no: Annotated[int | None, Form(description="相机端的拍摄序号（可选，不符则拒收）")] = None,
                 taken_at: Annotated[datetime | None, Form(description="拍摄时间（可选，早于签到则拒收）")] = None,
                 ) -> PhotoOut:
    data = file.file.read(ORIGINAL_BYTES[1] + 1)
    if len(data) > ORIGINAL_BYTES[1]:
        raise TucaiError("photo_too_large", "照片文件过大（上限 25 MB）", "The photo is too large (25 MB at most)",
                         status=413)
    result = service.upload(uow, principal, ctx.runtime.blobs, workers.for_settings(ctx.settings), checkin_id, data,
                            sequence_no=sequence_no, taken_at=taken_at)
    if not result.created:
        response.status_code = 200
    return photo_out(result.photo)


@router.get("/photos/{photo_id}", response_model=PhotoLinks,
            summary="A photo's verdict with short-lived signed links to the original and the standard output")
def read_photo(photo_id: str, principal: Viewer, uow: UoW, ctx: Context) -> PhotoLinks:
    photo = service.find(uow, principal, photo_id)
    original, standard = service.urls(ctx.runtime.blobs, photo)
    return PhotoLinks(**photo_out(photo).model_dump(), original_url=original, standard_url=standard)


@router.post("/photos/{photo_id}/override", response_model=PhotoOut,
             summary="Accept a photo that failed a check, with a reason (audited: who, when, why)")
def override_photo(photo_id: str, body: OverrideIn, principal: Photographer, uow: UoW) -> PhotoOut:
    return photo_out(service.override(uow, principal, photo_id, body.reason))
