"""Browser end-to-end tests: the embedded server (all services + the built SPA, demo data) in a subprocess,
driven by headless Chromium from the Debian package. Playwright never downloads a browser here."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.infra import require

REPO = Path(__file__).resolve().parents[2]
TUCAI = REPO / ".venv" / "bin" / "tucai"
SPA_DIR = REPO / "frontend" / "dist"
ARTIFACTS = REPO / "var" / "artifacts" / "e2e"
CHROMIUM = Path(os.environ.get("TUCAI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
READY_TIMEOUT_S = 60.0

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # its own process group: uvicorn and anything it started
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@contextmanager
def serve(data_dir: Path) -> Iterator[str]:
    """`tucai serve` on a free port with the data folder `data_dir` and demo data; yields its base URL."""
    require(TUCAI.exists(), "the tucai CLI (.venv/bin/tucai)", "run: uv sync")
    require((SPA_DIR / "index.html").exists(), "the built SPA (frontend/dist)",
            "run: cd frontend && npm ci && npm run build")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TUCAI_DATA_DIR": str(data_dir),
        "TUCAI_DEMO": "true",
        "TUCAI_SPA_DIR": str(SPA_DIR),
        "TUCAI_RELAY_POLL_SECONDS": "0.2",  # events reach read models quickly, so the UI shows them in sync
        # Every browser test signs in from 127.0.0.1: the per-address limiter (tests/roster/test_signin_hardening.py)
        # would take the whole session for one crowd behind a proxy.
        "TUCAI_SIGNIN_ATTEMPTS_PER_WINDOW": "10000",
        # the address the phone is sent back to (WeChat's authorisation returns only to the registered site)
        "TUCAI_PUBLIC_BASE_URL": base_url,
    }
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(TUCAI), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"tucai serve exited with {proc.returncode}:\n{_tail(log_path)}", pytrace=False)
            try:
                if httpx.get(f"{base_url}/api/roster/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"tucai serve not ready after {READY_TIMEOUT_S:.0f} s:\n{_tail(log_path)}",
                            pytrace=False)
            time.sleep(0.2)
        yield base_url
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shared server of the browser tests (a fresh data folder, demo data); yields its base URL."""
    with serve(tmp_path_factory.mktemp("tucai-e2e")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require(CHROMIUM.exists(), "Chromium", "apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class ConsoleErrors(list[str]):
    """Console errors and uncaught exceptions seen by a page. A failed request's own log line is left out:
    the tests provoke 401/409 answers on purpose, and the page must handle them."""

    def check(self) -> None:
        assert not self, "browser console errors:\n" + "\n".join(self)


@pytest.fixture
def console_errors() -> ConsoleErrors:
    return ConsoleErrors()


def _new_page(browser, base_url: str, errors: ConsoleErrors, **context_args):  # type: ignore[no-untyped-def]
    # Reduced motion, as a user may ask for: the SPA then turns antd's transitions off, so a button's loading icon
    # cannot linger in a leave transition (and in its accessible name) on a loaded CI machine.
    context = browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  reduced_motion="reduce", **context_args)
    context.set_default_timeout(15_000)
    page = context.new_page()

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error" and "Failed to load resource" not in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    return context, page


@pytest.fixture
def page(browser, server: str, console_errors: ConsoleErrors):  # type: ignore[no-untyped-def]
    """A fresh desktop browser tab (1440×900, zh-CN, Beijing time) on the server."""
    context, page = _new_page(browser, server, console_errors, viewport={"width": 1440, "height": 900})
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, server: str, console_errors: ConsoleErrors):  # type: ignore[no-untyped-def]
    """A fresh phone-sized tab (iPhone-like 390×844, touch)."""
    context, page = _new_page(browser, server, console_errors, viewport={"width": 390, "height": 844},
                              device_scale_factor=2, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
