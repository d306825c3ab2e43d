"""The local-folder adapter (embedded mode): one file per object under a root folder, plus a JSON sidecar for
content type, metadata and etag. Download links are HMAC-signed URLs served by http.make_blob_router.

On disk, key "photos/1/v1.jpg" is `<root>/photos/1/v1.jpg..blob` with `<root>/photos/1/v1.jpg..meta.json`.
The "..blob" suffix is there because S3 lets "a" and "a/b" both be objects while a folder cannot be a file
too; keys never contain "..", so a suffixed file can never clash with a key's folder, and temp files
("...tmp-*") can never be mistaken for objects.

Writes go to a temp file in the target folder and are renamed into place, data first, then the sidecar;
a reader sees the old object or the new one, never a torn file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from services.kernel.blobstore.common import (
    content_disposition,
    decode_metadata,
    encode_metadata,
    validate_content_type,
    validate_expires,
    validate_key,
    validate_prefix,
)
from services.kernel.blobstore.port import BlobInfo, BlobNotFound

DATA_SUFFIX = "..blob"
META_SUFFIX = "..meta.json"
TMP_MARK = "..tmp-"
DEFAULT_TYPE = "application/octet-stream"


class LocalBlobStore:
    def __init__(self, root: Path, signing_key: bytes, public_base_url: str) -> None:
        self.root = Path(root).absolute()
        self.root.mkdir(parents=True, exist_ok=True)
        self.signing_key = signing_key
        self.public_base_url = public_base_url.rstrip("/")
        # Serialises writers in this process so data and sidecar of two concurrent puts cannot interleave.
        self._write_lock = threading.Lock()

    # -- paths ---------------------------------------------------------------------------------------------

    def _data_path(self, key: str) -> Path:
        return self.root / (validate_key(key) + DATA_SUFFIX)

    def _meta_path(self, key: str) -> Path:
        return self.root / (validate_key(key) + META_SUFFIX)

    # -- BlobStore -----------------------------------------------------------------------------------------

    def ping(self) -> bool:
        return self.root.is_dir() and os.access(self.root, os.W_OK | os.X_OK)

    def put(
        self, key: str, data: bytes, content_type: str = DEFAULT_TYPE, metadata: dict[str, str] | None = None,
    ) -> BlobInfo:
        validate_key(key)
        sidecar = {
            "content_type": validate_content_type(content_type),
            "metadata": encode_metadata(metadata),
            "etag": hashlib.md5(data, usedforsecurity=False).hexdigest(),
        }
        with self._write_lock:
            # Another process's delete may prune the folder between our mkdir and temp file: retry.
            for attempt in range(3):
                try:
                    self._commit(key, bytes(data), json.dumps(sidecar).encode())
                    break
                except FileNotFoundError:
                    if attempt == 2:
                        raise
        return self.stat(key)

    def get(self, key: str) -> bytes:
        try:
            return self._data_path(key).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    def stat(self, key: str) -> BlobInfo:
        try:
            st = self._data_path(key).stat()
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        return self._info(key, st, self._read_sidecar(key))

    def exists(self, key: str) -> bool:
        return self._data_path(key).is_file()

    def delete(self, key: str) -> None:
        data_path = self._data_path(key)
        with self._write_lock:
            data_path.unlink(missing_ok=True)
            self._meta_path(key).unlink(missing_ok=True)
            self._prune(data_path.parent)

    def list(self, prefix: str = "") -> Iterator[BlobInfo]:
        """Every object whose key starts with prefix, sorted by key (UTF-8 byte order, as S3 lists).

        Like S3's listing, items carry key, size, etag and modified_at only: content_type is "" and metadata
        is empty; call stat() for those. A bad prefix raises ValueError here, not on first iteration."""
        return self._list(validate_prefix(prefix))

    def _list(self, prefix: str) -> Iterator[BlobInfo]:
        for key in sorted(self._keys_under(prefix)):
            try:
                st = (self.root / (key + DATA_SUFFIX)).stat()
            except FileNotFoundError:  # deleted while we listed
                continue
            etag = self._read_sidecar(key).get("etag", "")
            yield BlobInfo(key=key, size=st.st_size, content_type="", etag=etag,
                           modified_at=datetime.fromtimestamp(st.st_mtime, tz=UTC))

    def presigned_get_url(self, key: str, expires: timedelta, filename: str | None = None) -> str:
        validate_key(key)
        if filename is not None:
            content_disposition(filename)  # validates it the way the S3 adapter will
        expires_at = math.ceil(time.time() + validate_expires(expires).total_seconds())
        sig = self._sign(key, expires_at, filename)
        url = f"{self.public_base_url}/{quote(key, safe='/')}?expires={expires_at}&sig={sig}"
        if filename is not None:
            url += f"&filename={quote(filename, safe='')}"
        return url

    # -- local extras --------------------------------------------------------------------------------------

    def verify(self, key: str, expires: int | str, sig: str, filename: str | None = None) -> bool:
        """True when sig was issued by presigned_get_url for exactly this key, expiry and filename, and the
        expiry has not passed."""
        try:
            validate_key(key)
            expires_at = int(expires)
            expected = self._sign(key, expires_at, filename or None)
        except (ValueError, TypeError):
            return False
        return time.time() <= expires_at and hmac.compare_digest(expected, sig)

    def open(self, key: str) -> tuple[BinaryIO, BlobInfo]:
        """An open file and its info. The handle keeps reading the version it opened even if the object is
        replaced or deleted meanwhile (rename/unlink leave the open inode alone). The caller closes it."""
        try:
            handle = self._data_path(key).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        try:
            return handle, self._info(key, os.fstat(handle.fileno()), self._read_sidecar(key))
        except BaseException:
            handle.close()
            raise

    # -- internals -----------------------------------------------------------------------------------------

    def _sign(self, key: str, expires_at: int, filename: str | None) -> str:
        if not self.signing_key:
            raise ValueError("LocalBlobStore needs a non-empty signing_key to sign download links")
        # JSON keeps the fields unambiguous (no separator a key or file name could forge).
        message = json.dumps([key, expires_at, filename], ensure_ascii=False).encode()
        return hmac.new(self.signing_key, message, hashlib.sha256).hexdigest()

    def _commit(self, key: str, payload: bytes, sidecar: bytes) -> None:
        data_path = self._data_path(key)
        data_path.parent.mkdir(parents=True, exist_ok=True)
        temps: list[str] = []
        try:
            temps.append(_write_temp(data_path, payload))
            temps.append(_write_temp(data_path, sidecar))
            os.replace(temps[0], data_path)
            os.replace(temps[1], self._meta_path(key))
        finally:
            for leftover in temps:  # renamed ones are gone already; this only cleans up after a failure
                with suppress(FileNotFoundError):
                    os.unlink(leftover)

    def _read_sidecar(self, key: str) -> dict:
        try:
            return json.loads(self._meta_path(key).read_text())
        except (FileNotFoundError, ValueError):
            return {}  # a file dropped in by hand, or a crash between the two renames

    def _info(self, key: str, st: os.stat_result, sidecar: dict) -> BlobInfo:
        return BlobInfo(
            key=key,
            size=st.st_size,
            content_type=sidecar.get("content_type", DEFAULT_TYPE),
            etag=sidecar.get("etag", ""),
            modified_at=datetime.fromtimestamp(st.st_mtime, tz=UTC),
            metadata=decode_metadata(sidecar.get("metadata", {})),
        )

    def _keys_under(self, prefix: str) -> Iterator[str]:
        # Walk only the deepest folder the prefix names ("photos/104" -> photos/), then filter by prefix.
        start = self.root / prefix.rpartition("/")[0] if "/" in prefix else self.root
        for folder, _dirs, files in os.walk(start):
            rel = os.path.relpath(folder, self.root)
            for name in files:
                if name.endswith(DATA_SUFFIX) and TMP_MARK not in name:
                    key = (name if rel == "." else f"{rel}/{name}")[: -len(DATA_SUFFIX)]
                    key = key.replace(os.sep, "/")
                    if key.startswith(prefix):
                        yield key

    def _prune(self, folder: Path) -> None:
        """Remove folders left empty by a delete, up to (not including) the root."""
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # not empty (or already gone): stop
                return
            folder = folder.parent


def _write_temp(target: Path, payload: bytes) -> str:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name.removesuffix(DATA_SUFFIX) + TMP_MARK)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp
