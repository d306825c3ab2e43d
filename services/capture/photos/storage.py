"""Where photos live in the object store: never public, keyed by school/subject/version plus a content-hash
prefix, so a key is never written twice with different bytes (an upload whose database commit failed leaves an
orphan, never an overwrite)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from services.kernel.blobstore.port import BlobStore

URL_LIFETIME = timedelta(minutes=5)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def photo_key(school_code: str, subject_key: str, version: int, digest: str, kind: str) -> str:
    return f"photos/{school_code}/{subject_key}/v{version}-{digest[:12]}/{kind}.jpg"


def store(blobs: BlobStore, key: str, data: bytes, content_type: str, digest: str) -> None:
    blobs.put(key, data, content_type=content_type, metadata={"sha256": digest})


def signed_url(blobs: BlobStore, key: str) -> str:
    return blobs.presigned_get_url(key, URL_LIFETIME)
