"""Compressed responses of the embedded gateway, as nginx sends them in the distributed mode: the SPA's
precompressed variants (frontend/build/precompress.ts writes `.br` and `.gz` beside every built text file) to
whoever accepts them, with `Vary: Accept-Encoding`; JSON from the APIs gzipped; binary downloads untouched."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from services.gateway.static import accepted_encodings, choose_encoding
from tests.conftest import embedded_settings
from tests.support.api import Api

REPO = Path(__file__).resolve().parents[2]
SCRIPT = "console.log('图采 Tucai');\n" * 400
INDEX = '<!doctype html><title>图采</title><script type="module" src="/assets/app-1234.js"></script>' + " " * 2000


def _spa(tmp_path: Path, *, variants: bool = True) -> Path:
    """A dist folder as `vite build` leaves it: the files and, beside them, their .br and .gz."""
    spa = tmp_path / "dist"
    (spa / "assets").mkdir(parents=True)
    (spa / "m").mkdir()
    files = {"index.html": INDEX, "assets/app-1234.js": SCRIPT, "m/index.html": INDEX.replace("图采", "图采手机")}
    for name, text in files.items():
        data = text.encode()
        (spa / name).write_bytes(data)
        if variants:
            (spa / f"{name}.br").write_bytes(brotli.compress(data, quality=11))
            (spa / f"{name}.gz").write_bytes(gzip.compress(data, 9))
    return spa


def _raw(client: TestClient, path: str, accept: str) -> tuple[dict[str, str], bytes]:
    """Headers and the bytes on the wire (before any client-side decoding)."""
    with client.stream("GET", path, headers={"Accept-Encoding": accept}) as response:
        assert response.status_code == 200
        return dict(response.headers), b"".join(response.iter_raw())


def test_brotli_is_sent_to_whoever_accepts_it_and_decodes_to_the_file(tmp_path: Path) -> None:
    spa = _spa(tmp_path)
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        headers, body = _raw(client, "/assets/app-1234.js", "gzip, deflate, br")
        assert headers["content-encoding"] == "br"
        assert "accept-encoding" in headers["vary"].lower()
        assert headers["content-type"].startswith(("text/javascript", "application/javascript"))
        assert body == (spa / "assets/app-1234.js.br").read_bytes()
        assert brotli.decompress(body).decode() == SCRIPT
        assert int(headers["content-length"]) == len(body) < len(SCRIPT.encode()) // 10
        assert "immutable" in headers["cache-control"]  # the hashed name is the cache-busting
        assert headers["x-content-type-options"] == "nosniff"  # still the security headers


def test_gzip_when_brotli_is_not_accepted_and_the_plain_file_otherwise(tmp_path: Path) -> None:
    spa = _spa(tmp_path)
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        headers, body = _raw(client, "/assets/app-1234.js", "gzip")
        assert headers["content-encoding"] == "gzip" and gzip.decompress(body).decode() == SCRIPT
        headers, body = _raw(client, "/assets/app-1234.js", "br;q=0, gzip;q=0.5")
        assert headers["content-encoding"] == "gzip"
        for accept in ("identity", "", "br;q=0, gzip;q=0", "compress"):
            headers, body = _raw(client, "/assets/app-1234.js", accept)
            assert "content-encoding" not in headers and body.decode() == SCRIPT, accept
            assert "accept-encoding" in headers["vary"].lower()  # a cache must not hand this to a br client


def test_every_built_page_is_served_compressed_including_client_routes(tmp_path: Path) -> None:
    """Generic over the whole dist: the console's index (also for client-side routes) and another entry (/m)."""
    spa = _spa(tmp_path)
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        mobile = INDEX.replace("图采", "图采手机")
        for path, expected in (("/", INDEX), ("/students", INDEX), ("/m/index.html", mobile)):
            headers, body = _raw(client, path, "br")
            assert headers["content-encoding"] == "br", path
            assert brotli.decompress(body).decode() == expected, path
            assert headers["cache-control"] == "no-cache" and headers["content-type"].startswith("text/html")
        decoded = client.get("/students", headers={"Accept-Encoding": "br"})  # httpx decodes it as a browser does
        assert decoded.text == INDEX


def test_without_variants_assets_are_still_gzipped_on_the_fly(tmp_path: Path) -> None:
    spa = _spa(tmp_path, variants=False)
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        headers, body = _raw(client, "/assets/app-1234.js", "gzip, br")
        assert headers["content-encoding"] == "gzip" and gzip.decompress(body).decode() == SCRIPT


@pytest.mark.parametrize("accept", [
    "br;q=abc", "br;q=2", "br;q=-1", ";;;,,,", "br;q", "x" * 8000, "gzip;q=1e400", "BR", "*;q=0.1",
])
def test_hostile_accept_encoding_headers_never_fail(tmp_path: Path, accept: str) -> None:
    spa = _spa(tmp_path)
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        headers, body = _raw(client, "/assets/app-1234.js", accept)
        decoded = {"br": brotli.decompress, "gzip": gzip.decompress}.get(headers.get("content-encoding", ""),
                                                                        lambda b: b)(body)
        assert decoded.decode() == SCRIPT


def test_accept_encoding_weights() -> None:
    assert accepted_encodings("gzip;q=0.8, br") == {"gzip": 0.8, "br": 1.0}
    assert choose_encoding("gzip, br", ["br", "gzip"]) == "br"
    assert choose_encoding("gzip;q=1, br;q=0.5", ["br", "gzip"]) == "gzip"
    assert choose_encoding("*", ["br", "gzip"]) == "br"
    assert choose_encoding("*, br;q=0", ["br", "gzip"]) == "gzip"
    assert choose_encoding("br;q=abc", ["br", "gzip"]) is None
    assert choose_encoding("br", []) is None


def test_a_variant_cannot_be_reached_outside_the_spa(tmp_path: Path) -> None:
    spa = _spa(tmp_path)
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "secret.txt.br").write_bytes(brotli.compress(b"secret"))
    with TestClient(create_gateway(embedded_settings(tmp_path, spa_dir=spa))) as client:
        response = client.get("/../secret.txt", headers={"Accept-Encoding": "br"})
        assert "secret" not in response.text and "图采" in response.text


def test_api_json_is_gzipped_for_whoever_accepts_it(embedded: Api) -> None:
    auth = embedded.as_user("school10403")
    with embedded.client.stream("GET", "/api/roster/v1/students?limit=200",
                                headers={**auth, "Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in response.headers["vary"].lower()
    assert len(raw) < len(gzip.decompress(raw)) // 2
    plain = embedded.client.get("/api/roster/v1/students?limit=200", headers={**auth, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json()["total"] >= 1


def test_the_built_spa_ships_its_variants() -> None:
    """`vite build` (make frontend) leaves a .br and a .gz beside every built script, style and page."""
    dist = REPO / "frontend" / "dist"
    if not (dist / "index.html").is_file():
        pytest.skip("frontend not built (make frontend)")
    built = [p for p in dist.rglob("*") if p.suffix in {".js", ".css", ".html"} and p.stat().st_size >= 1024]
    assert built
    for path in built:
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == path.read_bytes(), path
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes(), path
