"""Rules both adapters share, so a key, a metadata dict or a download name behaves the same in each.

Keys: 1..1024 UTF-8 bytes of "/"-separated segments. Rejected (ValueError): a leading "/", empty segments
("a//b", trailing "/"), "." segments, ".." anywhere, backslashes, control characters, and segments over 200
bytes (so the local adapter's file names stay under the 255-byte file-system limit).

Metadata: keys are lowercase ASCII letters, digits and "-" (S3 sends them as headers and lowercases them);
values are any non-empty text (S3 drops empty headers). S3 headers must be ASCII, so both adapters store
values percent-encoded (UTF-8) -- the local sidecar too, so a folder copied into a bucket keeps working --
and decode them on read: callers see exactly the text they stored. The encoded total is capped at 2 KB,
S3's limit for user metadata.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote, unquote

MAX_KEY_BYTES = 1024
MAX_SEGMENT_BYTES = 200
MAX_METADATA_BYTES = 2048
MAX_EXPIRES = timedelta(days=7)  # S3's (and so minio's) ceiling for a presigned URL
MIN_EXPIRES = timedelta(seconds=1)
# What a download link is answered with, from either store: the objects are personal data (photos, delivery
# packages, certificates), so no browser or proxy keeps a copy once the link has expired.
DOWNLOAD_CACHE_CONTROL = "private, no-store"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_META_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# Printable ASCII except "%" (the escape) and space (headers trim it) stays readable in the S3 console.
_META_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "%")


def validate_key(key: str) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError("blob key must be a non-empty string")
    problem = _key_problem(key)
    if problem:
        raise ValueError(f"invalid blob key {key!r}: {problem}")
    return key


def _key_problem(key: str) -> str | None:
    if len(key.encode()) > MAX_KEY_BYTES:
        return f"longer than {MAX_KEY_BYTES} bytes"
    if key.startswith("/"):
        return "must be relative (no leading '/')"
    if ".." in key:
        return "must not contain '..'"
    if "\\" in key:
        return "must not contain backslashes"
    if _CONTROL.search(key):
        return "must not contain control characters"
    for segment in key.split("/"):
        if not segment:
            return "must not contain empty segments"
        if segment == ".":
            return "must not contain '.' segments"
        if len(segment.encode()) > MAX_SEGMENT_BYTES:
            return f"segment longer than {MAX_SEGMENT_BYTES} bytes"
    return None


def validate_prefix(prefix: str) -> str:
    """A list prefix is any leading part of a key: "" or e.g. "photos/104" (it need not end at a '/')."""
    if prefix and (prefix.startswith("/") or ".." in prefix or "\\" in prefix or _CONTROL.search(prefix)
                   or "//" in prefix):
        raise ValueError(f"invalid blob prefix {prefix!r}")
    return prefix


def validate_content_type(content_type: str) -> str:
    if not content_type or not content_type.isascii() or _CONTROL.search(content_type):
        raise ValueError(f"invalid content type {content_type!r}")
    return content_type


def encode_metadata(metadata: dict[str, str] | None) -> dict[str, str]:
    """Validated, percent-encoded metadata as stored (header-safe ASCII)."""
    encoded: dict[str, str] = {}
    for name, value in (metadata or {}).items():
        if not isinstance(name, str) or not _META_KEY.match(name):
            raise ValueError(f"invalid metadata key {name!r}: use lowercase a-z, 0-9 and '-'")
        if not isinstance(value, str) or not value:
            # S3 drops empty headers, so "" could not round-trip: leave the key out instead.
            raise ValueError(f"metadata value for {name!r} must be a non-empty string")
        encoded[name] = quote(value, safe=_META_SAFE)
    if sum(len(k) + len(v) for k, v in encoded.items()) > MAX_METADATA_BYTES:
        raise ValueError(f"metadata larger than {MAX_METADATA_BYTES} bytes once encoded")
    return encoded


def decode_metadata(stored: dict[str, str]) -> dict[str, str]:
    return {name.lower(): unquote(value) for name, value in stored.items()}


def validate_expires(expires: timedelta) -> timedelta:
    if not MIN_EXPIRES <= expires <= MAX_EXPIRES:
        raise ValueError(f"expires must be between {MIN_EXPIRES} and {MAX_EXPIRES}")
    return expires


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name plus the RFC 5987 / 6266 UTF-8 name browsers prefer."""
    if not filename or _CONTROL.search(filename) or "/" in filename or "\\" in filename:
        raise ValueError(f"invalid download filename {filename!r}")
    fallback = "".join(c if c.isascii() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
