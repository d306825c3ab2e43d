"""Serves LocalBlobStore's signed download links (the S3 adapter's links go straight to the S3 server).

    app.include_router(make_blob_router(lambda: store, "/blobs"))   # with public_base_url ending in /blobs
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.utils import format_datetime
from typing import BinaryIO

from fastapi import Request
from fastapi.responses import StreamingResponse

from services.kernel.blobstore.common import DOWNLOAD_CACHE_CONTROL, content_disposition
from services.kernel.blobstore.local import LocalBlobStore
from services.kernel.blobstore.port import BlobNotFound, BlobStore
from services.kernel.errors import TucaiError
from services.kernel.routing import ServiceRouter

CHUNK = 256 * 1024


def link_invalid() -> TucaiError:
    return TucaiError("blob_link_invalid", zh="下载链接无效或已过期",
                      en="The download link is invalid or has expired", status=403)


def blob_not_found() -> TucaiError:
    return TucaiError("blob_not_found", zh="文件不存在或已被删除",
                      en="The file does not exist or was deleted", status=404)


def make_blob_router(get_store: Callable[[], BlobStore], prefix: str) -> ServiceRouter:
    router = ServiceRouter()

    @router.get(f"{prefix.rstrip('/')}/{{key:path}}", include_in_schema=False)
    def download(key: str, request: Request) -> StreamingResponse:
        store = get_store()
        query = request.query_params
        filename = query.get("filename") or None
        # Check the signature before touching storage, so a bad link learns nothing about what exists.
        if not isinstance(store, LocalBlobStore) or not store.verify(
            key, query.get("expires", ""), query.get("sig", ""), filename,
        ):
            raise link_invalid()
        disposition = content_disposition(filename) if filename else ""  # valid: it was checked when signed
        try:
            handle, info = store.open(key)
        except BlobNotFound:
            raise blob_not_found() from None
        headers = {
            "Content-Length": str(info.size),
            "ETag": f'"{info.etag}"' if info.etag else "",
            "Last-Modified": format_datetime(info.modified_at, usegmt=True),
            # Photos, delivery packages, certificates: personal data, kept by no browser cache or proxy.
            "Cache-Control": DOWNLOAD_CACHE_CONTROL,
            # Stored content types come from uploads: never let one run as a page on our origin.
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Content-Disposition": disposition,
        }
        return StreamingResponse(
            _chunks(handle), media_type=info.content_type, headers={k: v for k, v in headers.items() if v},
        )

    return router


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()
