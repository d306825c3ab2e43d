"""One setting picks the object store: a folder for the embedded mode, an S3 bucket for the distributed one.

    file:///var/lib/tucai/blobs        absolute folder
    file://./var/blobs, var/blobs      relative folder (to the working directory)
    s3://minio:9000/photos?secure=false&region=us-east-1
    s3://KEY:SECRET@minio:9000/photos  (credentials may also come as keyword arguments, which win)
    ...&public_url=https://files.example.com   host the browser uses for S3 download links
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from services.kernel.blobstore.local import LocalBlobStore
from services.kernel.blobstore.port import BlobStore
from services.kernel.blobstore.s3 import S3BlobStore

_S3_OPTIONS = {"secure", "region", "public_url"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def open_blob_store(
    url: str, *, access_key: str | None = None, secret_key: str | None = None, signing_key: bytes = b"",
    public_base_url: str = "/blobs",
) -> BlobStore:
    if not url or not url.strip():
        raise ValueError("blob store URL is empty")
    url = url.strip()
    if "://" not in url:
        return LocalBlobStore(Path(url), signing_key, public_base_url)
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalBlobStore(_file_path(parts.netloc, parts.path), signing_key, public_base_url)
    if parts.scheme == "s3":
        return _open_s3(url, access_key, secret_key)
    raise ValueError(f"unknown blob store URL scheme {parts.scheme!r} in {url!r}: use file:// or s3://")


def _file_path(netloc: str, path: str) -> Path:
    # file:///abs -> netloc "" ; file://./rel and file://var/rel -> the netloc is the first relative segment.
    if netloc in ("", "localhost"):
        if not path:
            raise ValueError("file:// URL has no path")
        return Path(unquote(path))
    return Path(unquote(netloc + path))


def _open_s3(url: str, access_key: str | None, secret_key: str | None) -> S3BlobStore:
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"s3 URL needs a host: {url!r}")
    bucket = parts.path.strip("/")
    if not bucket or "/" in bucket:
        raise ValueError(f"s3 URL needs exactly one path segment, the bucket: {url!r}")
    options = {name: values[-1] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = set(options) - _S3_OPTIONS
    if unknown:
        raise ValueError(f"unknown s3 URL option(s) {sorted(unknown)}; known: {sorted(_S3_OPTIONS)}")
    access_key = access_key or (unquote(parts.username) if parts.username else None)
    secret_key = secret_key or (unquote(parts.password) if parts.password else None)
    if not access_key or not secret_key:
        raise ValueError("s3 blob store needs credentials: pass access_key/secret_key or s3://key:secret@host")
    _ = parts.port  # raises ValueError on a malformed port
    host = parts.netloc.rpartition("@")[2]  # keeps "[::1]:9000" intact, unlike .hostname
    return S3BlobStore(
        host, access_key, secret_key, bucket, secure=_flag(options.get("secure", "false")),
        region=options.get("region") or "us-east-1", public_url=options.get("public_url") or None,
    )


def _flag(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"secure must be true or false, got {value!r}")
