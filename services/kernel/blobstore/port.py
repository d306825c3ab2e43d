"""The object store port. Adapters: a local folder (embedded) and S3/MinIO via the minio SDK.

Keys are "/"-separated relative paths ("photos/10403/abc/v1.jpg"); a key never starts with "/" and never
contains "..". tests/kernel/test_blobstore_contract.py runs the same suite against each adapter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol


class BlobNotFound(KeyError):
    """No object under that key."""


@dataclass(frozen=True)
class BlobInfo:
    key: str
    size: int
    content_type: str
    etag: str
    modified_at: datetime
    metadata: dict[str, str] = field(default_factory=dict)


class BlobStore(Protocol):
    def ping(self) -> bool: ...

    def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None,
    ) -> BlobInfo: ...

    def get(self, key: str) -> bytes: ...

    def stat(self, key: str) -> BlobInfo: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def list(self, prefix: str = "") -> Iterator[BlobInfo]: ...

    def presigned_get_url(self, key: str, expires: timedelta, filename: str | None = None) -> str: ...
