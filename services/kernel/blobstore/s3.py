"""The S3 adapter (distributed mode) on the minio SDK: MinIO, SeaweedFS or any S3 API, path-style.

Download links are S3 presigned GETs. When the browser reaches the store under another address than the
services do (e.g. "minio:9000" inside compose, "files.example.com" outside), pass public_url: links are then
signed for that host (SigV4 signs the Host header, so rewriting a link afterwards would break it).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.error import MinioException, S3Error
from minio.helpers import DictType

from services.kernel.blobstore.common import (
    DOWNLOAD_CACHE_CONTROL,
    content_disposition,
    decode_metadata,
    encode_metadata,
    validate_content_type,
    validate_expires,
    validate_key,
    validate_prefix,
)
from services.kernel.blobstore.port import BlobInfo, BlobNotFound

META_PREFIX = "x-amz-meta-"
_MISSING = {"NoSuchKey", "NoSuchObject"}
_BUCKET_TAKEN = {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}


def _http_client() -> urllib3.PoolManager:
    # minio's default waits 5 minutes to connect; a dead store should fail a ping or a request quickly.
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=60),
        maxsize=16,
        retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )


class S3BlobStore:
    def __init__(
        self, endpoint: str, access_key: str, secret_key: str, bucket: str, secure: bool = False,
        region: str = "us-east-1", *, public_url: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.endpoint = endpoint
        # An explicit region also spares minio a GetBucketLocation round trip before each first call.
        self._client = Minio(endpoint, access_key, secret_key, secure=secure, region=region,
                             http_client=_http_client())
        self._signer = self._client
        if public_url:
            parts = urlsplit(public_url)
            if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path.strip("/"):
                raise ValueError(f"public_url must be http(s)://host[:port], got {public_url!r}")
            # Presigning is computed offline, so this client never opens a connection.
            self._signer = Minio(parts.netloc, access_key, secret_key, secure=parts.scheme == "https",
                                 region=region)
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist yet (once per instance; safe to race with others)."""
        if self._bucket_ready:
            return
        with self._bucket_lock:
            if self._bucket_ready:
                return
            if not self._client.bucket_exists(self.bucket):
                try:
                    self._client.make_bucket(self.bucket)
                except S3Error as exc:
                    if exc.code not in _BUCKET_TAKEN:
                        raise
            self._bucket_ready = True

    # -- BlobStore -----------------------------------------------------------------------------------------

    def ping(self) -> bool:
        """True when the store answers with these credentials and the bucket exists (or could be made)."""
        try:
            self._bucket_ready = False  # re-check for real: a ping after an outage must not trust a flag
            self.ensure_bucket()
            return True
        except (MinioException, urllib3.exceptions.HTTPError, OSError, ValueError):
            return False

    def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None,
    ) -> BlobInfo:
        validate_key(key)
        content_type = validate_content_type(content_type)
        # Prefix every name ourselves: minio would send names such as "content-language" as real headers.
        headers: DictType = {META_PREFIX + name: value for name, value in encode_metadata(metadata).items()}
        self.ensure_bucket()
        result = self._client.put_object(
            self.bucket, key, io.BytesIO(data), len(data), content_type=content_type, metadata=headers,
        )
        return BlobInfo(
            key=key, size=len(data), content_type=content_type, etag=(result.etag or "").strip('"'),
            modified_at=result.last_modified or datetime.now(UTC), metadata=decode_metadata(metadata or {}),
        )

    def get(self, key: str) -> bytes:
        validate_key(key)
        try:
            response = self._client.get_object(self.bucket, key)
        except S3Error as exc:
            raise _not_found(exc, key) from exc
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def stat(self, key: str) -> BlobInfo:
        validate_key(key)
        try:
            obj = self._client.stat_object(self.bucket, key)
        except S3Error as exc:
            raise _not_found(exc, key) from exc
        stored = {
            name[len(META_PREFIX):]: value
            for name, value in (obj.metadata or {}).items()
            if name.lower().startswith(META_PREFIX)
        }
        return BlobInfo(
            key=key, size=obj.size or 0, content_type=obj.content_type or "application/octet-stream",
            etag=(obj.etag or "").strip('"'), modified_at=obj.last_modified or datetime.now(UTC),
            metadata=decode_metadata(stored),
        )

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except BlobNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        validate_key(key)
        try:
            self._client.remove_object(self.bucket, key)  # S3 deletes are idempotent
        except S3Error as exc:
            if exc.code != "NoSuchBucket":
                raise

    def list(self, prefix: str = "") -> Iterator[BlobInfo]:
        """Objects under prefix, sorted by key. Listing carries no content type or metadata ("" and {}).
        A bad prefix raises ValueError here, not on first iteration."""
        return self._list(validate_prefix(prefix))

    def _list(self, prefix: str) -> Iterator[BlobInfo]:
        try:
            for obj in self._client.list_objects(self.bucket, prefix=prefix or None, recursive=True):
                if obj.is_dir or obj.object_name is None:
                    continue
                yield BlobInfo(
                    key=obj.object_name, size=obj.size or 0, content_type="",
                    etag=(obj.etag or "").strip('"'), modified_at=obj.last_modified or datetime.now(UTC),
                )
        except S3Error as exc:
            if exc.code != "NoSuchBucket":
                raise

    def presigned_get_url(self, key: str, expires: timedelta, filename: str | None = None) -> str:
        validate_key(key)
        validate_expires(expires)
        # The store answers the link with these headers; the signature covers them, so nobody can drop them.
        response_headers: DictType = {"response-cache-control": DOWNLOAD_CACHE_CONTROL}
        if filename is not None:
            response_headers["response-content-disposition"] = content_disposition(filename)
        return self._signer.presigned_get_object(
            self.bucket, key, expires=expires, response_headers=response_headers,
        )


def _not_found(exc: S3Error, key: str) -> Exception:
    if exc.code in _MISSING or exc.code == "NoSuchBucket":
        return BlobNotFound(key)
    return exc
