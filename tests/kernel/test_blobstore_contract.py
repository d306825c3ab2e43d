"""The BlobStore contract: the same tests against the local folder and against S3 (SeaweedFS on loopback).

Local download links are fetched through a FastAPI app with make_blob_router (in-process); S3 links over
real HTTP from the S3 server. Each test gets a fresh folder or a fresh bucket.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from minio.error import S3Error

from services.kernel.blobstore import BlobInfo, BlobNotFound, BlobStore, open_blob_store
from services.kernel.blobstore.common import encode_metadata
from services.kernel.blobstore.http import make_blob_router
from services.kernel.blobstore.local import LocalBlobStore
from services.kernel.blobstore.s3 import S3BlobStore
from services.kernel.errors import install_problem_handlers
from tests.support.s3server import S3Server

Fetch = Callable[[str], httpx.Response]

# Starts like a JPEG (SOI + APP0), ends like one (EOI), and holds every byte value in between.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 64 + b"\x00\r\n\x1a\xff\xd9"
CHINESE_NAME = "张三_2026届毕业照.jpg"
SIGNING_KEY = b"contract-test-signing-key"
LOCAL_BASE = "http://testserver/blobs"


# -- fixtures ------------------------------------------------------------------------------------------------


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "local":
        url = f"file://{tmp_path / 'blobs'}"
        yield open_blob_store(url, signing_key=SIGNING_KEY, public_base_url=LOCAL_BASE)
        return
    server: S3Server = request.getfixturevalue("s3_server")
    bucket = f"contract-{uuid.uuid4().hex[:16]}"
    yield open_blob_store(server.url(bucket), access_key=server.access_key, secret_key=server.secret_key)
    _drop_bucket(server, bucket)


def _drop_bucket(server: S3Server, bucket: str) -> None:
    client = server.client()
    if client.bucket_exists(bucket):
        for obj in client.list_objects(bucket, recursive=True):
            client.remove_object(bucket, obj.object_name)
        client.remove_bucket(bucket)


@pytest.fixture
def fetch(store: BlobStore) -> Iterator[Fetch]:
    """GET a download link the way a browser would."""
    if isinstance(store, LocalBlobStore):
        app = FastAPI()
        install_problem_handlers(app)
        app.include_router(make_blob_router(lambda: store, "/blobs"))
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client.get
    else:
        with httpx.Client(timeout=10) as client:
            yield client.get


def raw_metadata(store: BlobStore, key: str) -> dict[str, str]:
    """Metadata exactly as the adapter persisted it (sidecar JSON / x-amz-meta-* headers)."""
    if isinstance(store, LocalBlobStore):
        return json.loads((store.root / f"{key}..meta.json").read_text())["metadata"]
    assert isinstance(store, S3BlobStore)
    headers = store._client.stat_object(store.bucket, key).metadata
    return {k.lower().removeprefix("x-amz-meta-"): v for k, v in headers.items()
            if k.lower().startswith("x-amz-meta-")}


def tamper(url: str, param: str, value: str) -> str:
    """The same link with one query parameter's (encoded) value replaced."""
    parts = urlsplit(url)
    query = "&".join(f"{k}={value}" if k == param else f"{k}={v}"
                     for k, v in (pair.split("=", 1) for pair in parts.query.split("&")))
    return parts._replace(query=query).geturl()


def signature_param(store: BlobStore) -> str:
    return "sig" if isinstance(store, LocalBlobStore) else "X-Amz-Signature"


def disposition_filename(header: str) -> str | None:
    match = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    return unquote(match.group(1)) if match else None


# -- basics --------------------------------------------------------------------------------------------------


def test_ping(store: BlobStore) -> None:
    assert store.ping() is True


def test_put_get_round_trip_is_byte_identical(store: BlobStore) -> None:
    info = store.put("photos/10403/s1/v1.jpg", JPEG, content_type="image/jpeg")
    assert isinstance(info, BlobInfo)
    assert (info.key, info.size, info.content_type) == ("photos/10403/s1/v1.jpg", len(JPEG), "image/jpeg")
    assert store.get("photos/10403/s1/v1.jpg") == JPEG


def test_chinese_and_space_keys_round_trip(store: BlobStore) -> None:
    key = "exports/10403/计算机学院 2026/名单.csv"
    store.put(key, "学号,姓名\n1,张三\n".encode(), content_type="text/csv; charset=utf-8")
    assert store.get(key) == "学号,姓名\n1,张三\n".encode()
    assert store.stat(key).content_type == "text/csv; charset=utf-8"
    assert [b.key for b in store.list("exports/")] == [key]


def test_empty_object(store: BlobStore) -> None:
    store.put("empty.bin", b"")
    assert store.get("empty.bin") == b""
    assert store.stat("empty.bin").size == 0


def test_stat_returns_size_type_metadata_etag_and_time(store: BlobStore) -> None:
    metadata = {"student-name": "张三", "school": "10403", "note": "100% ok / a b"}
    before = datetime.now(UTC) - timedelta(seconds=5)
    store.put("photos/a.jpg", JPEG, content_type="image/jpeg", metadata=metadata)
    info = store.stat("photos/a.jpg")
    assert (info.key, info.size, info.content_type) == ("photos/a.jpg", len(JPEG), "image/jpeg")
    assert info.metadata == metadata
    assert info.etag and '"' not in info.etag
    assert info.modified_at.tzinfo is not None
    assert before <= info.modified_at <= datetime.now(UTC) + timedelta(seconds=5)


def test_default_content_type_and_no_metadata(store: BlobStore) -> None:
    store.put("raw.bin", b"\x00\x01")
    info = store.stat("raw.bin")
    assert info.content_type == "application/octet-stream"
    assert info.metadata == {}


def test_metadata_is_stored_percent_encoded_the_same_way(store: BlobStore) -> None:
    """S3 headers must be ASCII: both adapters persist UTF-8 percent-encoding ("%" itself becomes %25)."""
    store.put("m.jpg", b"x", metadata={"student-name": "张三", "note": "100% ok"})
    expected = {"student-name": "%E5%BC%A0%E4%B8%89", "note": "100%25%20ok"}
    assert raw_metadata(store, "m.jpg") == expected
    assert encode_metadata({"student-name": "张三", "note": "100% ok"}) == expected
    assert store.stat("m.jpg").metadata == {"student-name": "张三", "note": "100% ok"}


@pytest.mark.parametrize("metadata", [
    {"Student": "x"},            # S3 lowercases header names: uppercase would not round-trip
    {"student_name": "x"},       # proxies drop headers with "_"
    {"": "x"},
    {"名字": "x"},
    {"big": "张" * 700},          # over S3's 2 KB once encoded
    {"empty": ""},               # S3 drops empty headers, so an empty value could not round-trip
])
def test_invalid_metadata_is_rejected(store: BlobStore, metadata: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        store.put("m.jpg", b"x", metadata=metadata)
    assert not store.exists("m.jpg")


def test_exists_and_delete(store: BlobStore) -> None:
    assert store.exists("a/b.jpg") is False
    store.put("a/b.jpg", b"1")
    assert store.exists("a/b.jpg") is True
    store.delete("a/b.jpg")
    assert store.exists("a/b.jpg") is False
    store.delete("a/b.jpg")  # deleting what is gone is not an error (S3 semantics)


def test_missing_key_raises_blob_not_found(store: BlobStore) -> None:
    with pytest.raises(BlobNotFound):
        store.get("nope/missing.jpg")
    with pytest.raises(BlobNotFound):
        store.stat("nope/missing.jpg")
    with pytest.raises(KeyError):  # BlobNotFound is a KeyError
        store.get("missing.jpg")


def test_list_is_recursive_sorted_and_prefix_filtered(store: BlobStore) -> None:
    keys = ["b/2.jpg", "a/2.jpg", "a/10/x.jpg", "a/1.jpg", "ab.jpg", "z.jpg", "a/张.jpg", "a"]
    for n, key in enumerate(keys):
        store.put(key, b"x" * n, content_type="image/jpeg")
    assert [b.key for b in store.list()] == sorted(keys)
    assert [b.key for b in store.list("a/")] == ["a/1.jpg", "a/10/x.jpg", "a/2.jpg", "a/张.jpg"]
    assert [b.key for b in store.list("a")] == ["a", "a/1.jpg", "a/10/x.jpg", "a/2.jpg", "a/张.jpg", "ab.jpg"]
    assert [b.key for b in store.list("a/1")] == ["a/1.jpg", "a/10/x.jpg"]
    assert list(store.list("nope/")) == []
    by_key = {b.key: b for b in store.list()}
    assert by_key["z.jpg"].size == keys.index("z.jpg")
    assert by_key["z.jpg"].etag == store.stat("z.jpg").etag
    # Listing does not carry content type or metadata in either adapter (S3 listings do not have them).
    assert {(b.content_type, tuple(b.metadata)) for b in by_key.values()} == {("", ())}


def test_key_can_be_an_object_and_a_prefix(store: BlobStore) -> None:
    store.put("a", b"file")
    store.put("a/b", b"below")
    assert (store.get("a"), store.get("a/b")) == (b"file", b"below")
    store.delete("a")
    assert store.get("a/b") == b"below"


def test_overwrite_replaces_data_type_and_metadata(store: BlobStore) -> None:
    first = store.put("o.jpg", b"first", content_type="image/jpeg", metadata={"v": "1"})
    second = store.put("o.jpg", b"second version", content_type="image/png")
    assert store.get("o.jpg") == b"second version"
    info = store.stat("o.jpg")
    assert (info.size, info.content_type, info.metadata) == (14, "image/png", {})
    assert first.etag != second.etag == info.etag
    assert [b.key for b in store.list()] == ["o.jpg"]


INVALID_KEYS = [
    "", "/abs/a.jpg", "a/../b.jpg", "..", "../a", "a/..", "a..b", "a\\b.jpg", "a//b.jpg", "a/", "./a",
    "a/./b", "a\x00b", "a\nb", "x" * 1025, "a/" + "b" * 201,
]


@pytest.mark.parametrize("key", INVALID_KEYS, ids=repr)
def test_invalid_keys_are_rejected_everywhere(store: BlobStore, key: str) -> None:
    calls: list[Callable[[], object]] = [
        lambda: store.put(key, b"x"), lambda: store.get(key), lambda: store.stat(key),
        lambda: store.exists(key), lambda: store.delete(key),
        lambda: store.presigned_get_url(key, timedelta(minutes=5)),
    ]
    for call in calls:
        with pytest.raises(ValueError):
            call()
    assert list(store.list()) == []


@pytest.mark.parametrize("prefix", ["/a", "../", "a\\b", "a//"])
def test_invalid_list_prefix_is_rejected(store: BlobStore, prefix: str) -> None:
    with pytest.raises(ValueError):
        store.list(prefix)  # eagerly, before iteration


# -- download links ------------------------------------------------------------------------------------------


def test_presigned_url_serves_the_bytes(store: BlobStore, fetch: Fetch) -> None:
    store.put("photos/10403/张三/v1.jpg", JPEG, content_type="image/jpeg")
    response = fetch(store.presigned_get_url("photos/10403/张三/v1.jpg", timedelta(minutes=5)))
    assert response.status_code == 200, response.text
    assert response.content == JPEG
    assert response.headers["content-type"] == "image/jpeg"
    assert "filename" not in response.headers.get("content-disposition", "")


def test_a_download_is_kept_by_no_cache(store: BlobStore, fetch: Fetch) -> None:
    store.put("photos/10403/s2.jpg", JPEG, content_type="image/jpeg")
    for filename in (None, CHINESE_NAME):
        url = store.presigned_get_url("photos/10403/s2.jpg", timedelta(minutes=5), filename=filename)
        if not isinstance(store, LocalBlobStore):  # S3 answers with the headers the (signed) link asks for
            assert dict(parse_qsl(urlsplit(url).query))["response-cache-control"] == "private, no-store"
        response = fetch(url)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "private, no-store"
    if not isinstance(store, LocalBlobStore):
        assert fetch(tamper(url, "response-cache-control", "public, max-age=86400")).status_code == 403


def test_presigned_url_with_chinese_filename_sets_content_disposition(store: BlobStore, fetch: Fetch) -> None:
    store.put("photos/s1.jpg", JPEG, content_type="image/jpeg")
    response = fetch(store.presigned_get_url("photos/s1.jpg", timedelta(minutes=5), filename=CHINESE_NAME))
    assert response.status_code == 200, response.text
    assert response.content == JPEG
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert disposition_filename(disposition) == CHINESE_NAME
    assert disposition.isascii()


def test_expired_presigned_url_is_refused(store: BlobStore, fetch: Fetch) -> None:
    store.put("e.jpg", JPEG, content_type="image/jpeg")
    url = store.presigned_get_url("e.jpg", timedelta(seconds=1))
    time.sleep(2.2)
    response = fetch(url)
    assert response.status_code == 403
    assert response.content != JPEG


def test_tampered_signature_is_refused(store: BlobStore, fetch: Fetch) -> None:
    store.put("t.jpg", JPEG)
    url = store.presigned_get_url("t.jpg", timedelta(minutes=5))
    sig = dict(parse_qsl(urlsplit(url).query))[signature_param(store)]
    flipped = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    assert fetch(tamper(url, signature_param(store), flipped)).status_code == 403


def test_signature_covers_key_and_filename(store: BlobStore, fetch: Fetch) -> None:
    store.put("mine.jpg", b"mine")
    store.put("other.jpg", b"other")
    url = store.presigned_get_url("mine.jpg", timedelta(minutes=5), filename="mine.jpg")
    assert fetch(url.replace("/mine.jpg?", "/other.jpg?", 1)).status_code == 403
    param = "filename" if isinstance(store, LocalBlobStore) else "response-content-disposition"
    assert fetch(tamper(url, param, "evil.html")).status_code == 403


def test_presigned_url_for_missing_object_is_404(store: BlobStore, fetch: Fetch) -> None:
    assert fetch(store.presigned_get_url("gone.jpg", timedelta(minutes=5))).status_code == 404


@pytest.mark.parametrize("expires", [timedelta(0), timedelta(seconds=-5), timedelta(days=7, seconds=1)])
def test_presign_expiry_bounds(store: BlobStore, expires: timedelta) -> None:
    with pytest.raises(ValueError):
        store.presigned_get_url("a.jpg", expires)


def test_presign_rejects_path_like_filename(store: BlobStore) -> None:
    with pytest.raises(ValueError):
        store.presigned_get_url("a.jpg", timedelta(minutes=5), filename="../a.jpg")


# -- adapter-specific ----------------------------------------------------------------------------------------


@pytest.mark.s3
def test_s3_wrong_credentials_fail(s3_server: S3Server) -> None:  # noqa: F811
    for access, secret in [("tucai", "wrong-secret"), ("nobody", s3_server.secret_key)]:
        url = s3_server.url(f"creds-{uuid.uuid4().hex[:12]}")
        bad = open_blob_store(url, access_key=access, secret_key=secret)
        assert bad.ping() is False
        with pytest.raises(S3Error) as caught:
            bad.put("a.jpg", b"x")
        assert caught.value.code in {"SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied"}


def test_s3_unreachable_server_pings_false() -> None:
    assert open_blob_store("s3://127.0.0.1:9/b-unreachable", access_key="a", secret_key="b").ping() is False


def test_local_problem_json_for_bad_links(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path, SIGNING_KEY, LOCAL_BASE)
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(make_blob_router(lambda: store, "/blobs"))
    client = TestClient(app)
    store.put("a.jpg", b"x", content_type="text/html")
    for url in ["/blobs/a.jpg", "/blobs/a.jpg?expires=abc&sig=00", "/blobs/..%2Fetc/passwd?expires=1&sig=0"]:
        response = client.get(url)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "blob_link_invalid"
        assert response.json()["message_zh"] == "下载链接无效或已过期"
    missing = client.get(store.presigned_get_url("missing.jpg", timedelta(minutes=1)))
    assert (missing.status_code, missing.json()["code"]) == (404, "blob_not_found")
    ok = client.get(store.presigned_get_url("a.jpg", timedelta(minutes=1)))
    # An uploaded text/html must not run as a page on our origin.
    assert ok.headers["x-content-type-options"] == "nosniff"
    assert ok.headers["content-security-policy"] == "sandbox"


def test_local_verify(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path, SIGNING_KEY, "/blobs/")
    url = store.presigned_get_url("a b/c.jpg", timedelta(minutes=1), filename=CHINESE_NAME)
    assert url.startswith("/blobs/a%20b/c.jpg?expires=")
    query = dict(parse_qsl(urlsplit(url).query))
    assert store.verify("a b/c.jpg", query["expires"], query["sig"], CHINESE_NAME)
    assert not store.verify("a b/c.jpg", query["expires"], query["sig"], None)
    assert not store.verify("a b/c.jpg", int(query["expires"]) + 1, query["sig"], CHINESE_NAME)
    assert not LocalBlobStore(tmp_path, b"other-key", "/blobs").verify(
        "a b/c.jpg", query["expires"], query["sig"], CHINESE_NAME)
    assert not store.verify("../c.jpg", query["expires"], query["sig"], None)


def test_local_without_signing_key_refuses_to_sign(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path, b"", "/blobs")
    with pytest.raises(ValueError):
        store.presigned_get_url("a.jpg", timedelta(minutes=1))
    assert store.verify("a.jpg", int(time.time()) + 60, "00", None) is False


def test_local_layout_is_files_under_root_and_deletes_prune_folders(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "root", SIGNING_KEY, "/blobs")
    store.put("p/q/r.jpg", b"x")
    assert (tmp_path / "root/p/q/r.jpg..blob").read_bytes() == b"x"
    store.delete("p/q/r.jpg")
    assert list((tmp_path / "root").iterdir()) == []


# -- factory -------------------------------------------------------------------------------------------------


def test_factory_file_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cases = {
        f"file://{tmp_path}/abs": tmp_path / "abs",
        "file://./rel/blobs": tmp_path / "rel/blobs",
        "bare/path": tmp_path / "bare/path",
        str(tmp_path / "bare-abs"): tmp_path / "bare-abs",
    }
    for url, root in cases.items():
        store = open_blob_store(url, signing_key=SIGNING_KEY)
        assert isinstance(store, LocalBlobStore) and store.root == root, url
        assert store.public_base_url == "/blobs"


def test_factory_s3_urls() -> None:
    store = open_blob_store("s3://k%40y:s%2Fcret@minio:9000/photos?secure=true&region=cn-north-1")
    assert isinstance(store, S3BlobStore)
    assert (store.endpoint, store.bucket) == ("minio:9000", "photos")
    assert store._client._base_url.is_https
    creds = store._client._provider.retrieve()
    assert (creds.access_key, creds.secret_key) == ("k@y", "s/cret")
    overridden = open_blob_store("s3://u:p@minio:9000/photos", access_key="kw", secret_key="kw-secret")
    assert isinstance(overridden, S3BlobStore)
    assert overridden._client._provider.retrieve().access_key == "kw"
    public = open_blob_store("s3://u:p@minio:9000/photos?public_url=https://files.example.com")
    url = public.presigned_get_url("a.jpg", timedelta(minutes=1))
    assert url.startswith("https://files.example.com/photos/a.jpg?")


@pytest.mark.parametrize("url", [
    "", "ftp://host/x", "s3://minio:9000/photos",  # no credentials
    "s3://u:p@minio:9000/", "s3://u:p@minio:9000/a/b", "s3://u:p@minio:9000/b?secure=maybe",
    "s3://u:p@minio:9000/b?typo=1", "s3://u:p@minio:port/b",
])
def test_factory_rejects_bad_urls(url: str) -> None:
    with pytest.raises(ValueError):
        open_blob_store(url)
