"""Notifications: WeChat verify+decrypt (and Alipay verify) through the provider adapters, beside a bare loop of
the `cryptography` primitives over the same notifications (RSA PKCS#1 v1.5 verify, AES-256-GCM decrypt, json
parse) — the physical limit. The ratio is what the adapter's checks cost on top. N from TUCAI_BENCH_NOTIFY.

Then the whole path of issue 12 part 9: genuine WeChat notifications POSTed to the payments service's HTTP endpoint
(a real uvicorn server, SQLite, 8 client threads), each verified, decrypted and applied (the order credited, its
payment and event written, committed), beside the same bare verify+decrypt loop.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import FastAPI, Request, Response  # module level: the bare route's annotations resolve here

from services.payments.providers import rsa
from services.payments.providers.alipay import Alipay
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SandboxGateway, SandboxOrder
from services.payments.providers.sandbox_keys import SandboxKeys
from services.payments.providers.wechat import WeChatPay
from tests.bench.common import Row, env_int, rate, write_result
from tests.support.processes import serve_in_thread

NAME = "notify"
DEFAULT_N = 2000
REPEAT = 3
HTTP_THREADS = 8


def run(out_dir: Path) -> dict[str, Any]:
    n = env_int("TUCAI_BENCH_NOTIFY", DEFAULT_N)
    keys = SandboxKeys.load_or_create(out_dir / "cache")
    gateway = SandboxGateway(keys)
    wechat, alipay = [], []
    for k in range(n):
        for provider, bucket in ((Provider.WECHAT, wechat), (Provider.ALIPAY, alipay)):
            gateway.open_order(SandboxOrder(provider, f"BENCH{k:010d}", 1500, "照片采集费", "https://x.test/n"))
            bucket.append(gateway.pay(provider, f"BENCH{k:010d}"))
    wx = WeChatPay(keys.wechat_config("http://sandbox.test"), client=None)  # type: ignore[arg-type]
    ap = Alipay(keys.alipay_config("http://sandbox.test/gateway.do"), client=None)  # type: ignore[arg-type]
    wx_key = rsa.public_key(keys.platform_cert_pem)
    ap_key = rsa.public_key(keys.public("alipay_platform"))
    aes = AESGCM(keys.apiv3_key.encode())

    def bare_wechat() -> None:
        for note in wechat:
            h = note.headers
            message = f"{h['Wechatpay-Timestamp']}\n{h['Wechatpay-Nonce']}\n".encode() + note.body + b"\n"
            wx_key.verify(base64.b64decode(h["Wechatpay-Signature"]), message, padding.PKCS1v15(), hashes.SHA256())
            resource = json.loads(note.body)["resource"]
            json.loads(aes.decrypt(resource["nonce"].encode(), base64.b64decode(resource["ciphertext"]),
                                   resource["associated_data"].encode()))

    def adapter_wechat() -> None:
        for note in wechat:
            wx.parse_notification(note.body, note.headers)

    def bare_alipay() -> None:
        for note in alipay:
            params = dict(parse_qsl(note.body.decode()))
            content = "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in ("sign", "sign_type"))
            ap_key.verify(base64.b64decode(params["sign"]), content.encode(), padding.PKCS1v15(), hashes.SHA256())

    def adapter_alipay() -> None:
        for note in alipay:
            ap.parse_notification(note.body, note.headers)

    best: dict[str, float] = {}
    for _ in range(REPEAT):  # alternate, so both see the same machine
        for name, loop in (("bare_wechat", bare_wechat), ("adapter_wechat", adapter_wechat),
                           ("bare_alipay", bare_alipay), ("adapter_alipay", adapter_alipay)):
            started = time.perf_counter()
            loop()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - started)
    http_seconds, http_n = _through_http(out_dir, n)
    bare_http_seconds = _bare_route(out_dir, wechat, wx_key, aes)
    empty_http_seconds = _empty_route(wechat)
    empty_wrk = _empty_route_wrk(out_dir, wechat[0].body)
    rows = [Row("WeChat verify+decrypt (adapter)", rate(n, best["adapter_wechat"]), "msg/s",
                "bare RSA verify+AES-GCM+json", rate(n, best["bare_wechat"])),
            Row("Alipay verify (adapter)", rate(n, best["adapter_alipay"]), "msg/s",
                "bare parse+sort+RSA verify", rate(n, best["bare_alipay"])),
            Row(f"WeChat notify over HTTP: verify+decrypt+apply, {HTTP_THREADS} clients", rate(http_n, http_seconds),
                "msg/s", "bare RSA verify+AES-GCM+json", rate(n, best["bare_wechat"])),
            Row(f"WeChat notify over HTTP: verify+decrypt+apply, {HTTP_THREADS} clients", rate(http_n, http_seconds),
                "msg/s", "bare FastAPI route: verify+decrypt+INSERT+commit", rate(n, bare_http_seconds)),
            # Why the first HTTP goal (0.6 of the bare loop) cannot be met here: a route that does nothing at all,
            # served and called the same way, stays far below it.
            Row(f"empty FastAPI route (204, no work), {HTTP_THREADS} clients", rate(n, empty_http_seconds), "msg/s",
                "bare RSA verify+AES-GCM+json", rate(n, best["bare_wechat"])),
            Row("empty FastAPI route, own uvicorn process, wrk -c50", empty_wrk, "msg/s",
                "bare RSA verify+AES-GCM+json", rate(n, best["bare_wechat"]))]
    result: dict[str, Any] = {
        "n": n, "rows": [row.as_dict() for row in rows], "seconds": {k: round(v, 4) for k, v in best.items()},
        "main_cost": (f"RSA-2048 verify dominates: {1e6 * best['bare_wechat'] / n:.0f} µs/msg bare, "
                      f"{1e6 * best['adapter_wechat'] / n:.0f} µs/msg through the WeChat adapter (header checks, "
                      "two json parses, ownership checks); over HTTP "
                      f"{1e3 * http_seconds * HTTP_THREADS / http_n:.1f} ms/msg per client: the request, one "
                      "database transaction per notification (lookup, credit, payment, event, notification log, "
                      "commit) and the log lines, which the bare loop does not do at all"),
        "notes": [f"best of {REPEAT} runs each, alternated; keys cached under {out_dir / 'cache'}"],
    }
    result["notes"].append(f"HTTP: {http_n} distinct notifications, each applied once (a paid order, its payment "
                           "and event committed per request); uvicorn + SQLite in this process")
    result["notes"].append("the bare route: one FastAPI route on the same uvicorn, clients and machine, doing the "
                           "bare loop's verify+decrypt and one INSERT + commit into SQLite (WAL) per notification — "
                           "the least the same work costs over HTTP")
    result["path"] = write_result(out_dir, NAME, result)
    return result


def _bare_route(out_dir: Path, notes: list[Any], key: Any, aes: AESGCM) -> float:
    """Seconds for the same clients to POST the notifications to a bare FastAPI route that verifies, decrypts and
    records each with one INSERT + commit: HTTP and a durable write, nothing of ours."""
    import sqlite3
    import tempfile

    app = FastAPI()
    with tempfile.TemporaryDirectory(dir=out_dir) as folder:
        path = Path(folder) / "bare.db"
        with sqlite3.connect(path) as setup:
            setup.execute("PRAGMA journal_mode=WAL")
            setup.execute("CREATE TABLE notification (id TEXT PRIMARY KEY, body TEXT)")
        lock = threading.Lock()
        database = sqlite3.connect(path, check_same_thread=False)

        @app.post("/notify")
        async def notify(request: Request) -> Response:
            body = await request.body()
            h = request.headers
            message = f"{h['Wechatpay-Timestamp']}\n{h['Wechatpay-Nonce']}\n".encode() + body + b"\n"
            key.verify(base64.b64decode(h["Wechatpay-Signature"]), message, padding.PKCS1v15(), hashes.SHA256())
            envelope = json.loads(body)
            resource = envelope["resource"]
            plain = aes.decrypt(resource["nonce"].encode(), base64.b64decode(resource["ciphertext"]),
                                resource["associated_data"].encode())
            json.loads(plain)
            with lock:
                database.execute("INSERT INTO notification VALUES (?, ?)", (envelope["id"], plain.decode()))
                database.commit()
            return Response(status_code=204)

        try:
            return _post_all(app, "/notify", notes)
        finally:
            database.close()


def _empty_route(notes: list[Any]) -> float:
    """Seconds for the same clients to POST the notifications to a route that reads the body and answers 204: the
    ceiling of anything done over HTTP in this harness."""
    app = FastAPI()

    @app.post("/notify")
    async def notify(request: Request) -> Response:
        await request.body()
        return Response(status_code=204)

    return _post_all(app, "/notify", notes)


def empty_app() -> FastAPI:
    """`uvicorn --factory tests.bench.bench_notify:empty_app`: one route that reads a POST's body and answers 204."""
    app = FastAPI()

    @app.post("/notify")
    async def notify(request: Request) -> Response:
        await request.body()
        return Response(status_code=204)

    return app


def _empty_route_wrk(out_dir: Path, body: bytes) -> float:
    """Requests/s of empty_app in its own uvicorn process under wrk (a C load generator, 50 connections) POSTing a
    notification body: the most any Python HTTP endpoint answers on this machine, whatever it does."""
    import sys
    import tempfile

    from tests.bench.bench_load import serve_process, wrk
    from tests.support.processes import free_port

    with tempfile.TemporaryDirectory(dir=out_dir) as folder:
        data = Path(folder)
        (data / "body.json").write_bytes(body)
        script = data / "post.lua"
        script.write_text(f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                          f'wrk.body = io.open("{data / "body.json"}", "rb"):read("*a")\n')
        port = free_port()
        with serve_process([sys.executable, "-m", "uvicorn", "--factory", "tests.bench.bench_notify:empty_app",
                            "--port", str(port), "--no-access-log", "--log-level", "warning"],
                           f"http://127.0.0.1:{port}/openapi.json", {}, data / "server.log"):
            url = f"http://127.0.0.1:{port}/notify"
            wrk(url, 10, 1, script=script)
            result = wrk(url, 50, 3, script=script)
    return float(result["ok_per_s"])


def _post_all(app: Any, path: str, notes: list[Any]) -> float:
    """Serve `app` (uvicorn, in this process) and POST every notification to `path`; the seconds it took."""
    with serve_in_thread(app) as base:
        return _post_to(base, path, notes)


def _post_to(base: str, path: str, notes: list[Any]) -> float:
    """POST every notification to `base + path` from HTTP_THREADS clients; the seconds it took. Every one must be
    acknowledged with 204."""
    import httpx

    local = threading.local()

    def post(note: Any) -> int:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=60)
        return local.client.post(path, headers=dict(note.headers), content=note.body).status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(HTTP_THREADS) as pool:
        statuses = list(pool.map(post, notes))
    seconds = time.perf_counter() - started
    if statuses.count(204) != len(notes):
        raise RuntimeError(f"notify bench: {path} acknowledged {statuses.count(204)} of {len(notes)}")
    return seconds


def _through_http(out_dir: Path, n: int) -> tuple[float, int]:
    """Seconds to POST `n` genuine WeChat notifications (one per open order) to the payments service over HTTP."""
    import tempfile

    from sqlalchemy import func, select
    from sqlmodel import col

    from services.kernel.ids import new_id
    from services.kernel.settings import Settings
    from services.kernel.tenancy import unscoped_for_system
    from services.payments.app import create_app
    from services.payments.models import OrderState, PaymentOrder
    from services.payments.orders import repository as repo
    from services.payments.provider_set import provider_set
    from services.payments.providers import order_numbers

    with tempfile.TemporaryDirectory(dir=out_dir) as folder:
        data = Path(folder)
        settings = Settings(data_dir=data, payments_sweep_seconds=3600,
                            payments_database_url=f"sqlite:///{data / 'payments.db'}")
        app = create_app(settings)
        with serve_in_thread(app) as base:
            ctx = app.state.ctx
            gateway = provider_set(settings, ctx.runtime).sandbox
            at, notes = datetime.now(UTC), []
            with ctx.transaction() as uow:
                for _ in range(n):
                    key = new_id()[-12:]
                    order = PaymentOrder(
                        id=new_id(), kind="student", owner_key=key, province_code="36", school_code="10403",
                        class_id="C1", subject_key=key, term="2026-06", description="毕业证图像采集费",
                        amount_fen=1500, unit_fen=1500, out_trade_no=order_numbers.make("STU"), opened_at="wechat",
                        launched_at=at, expires_at=at + timedelta(hours=1))
                    repo.add_order(uow.session, order)
                    gateway.open_order(SandboxOrder(Provider.WECHAT, order.out_trade_no, 1500, order.description,
                                                    f"{base}/api/payments/v1/notify/wechat"))
                    notes.append(gateway.pay(Provider.WECHAT, order.out_trade_no))
            seconds = _post_to(base, "/api/payments/v1/notify/wechat", notes)
            with ctx.sessions() as session:
                paid = session.execute(unscoped_for_system(select(func.count()).select_from(PaymentOrder))
                                       .where(col(PaymentOrder.state) == OrderState.PAID)).scalar_one()
            if paid != n:
                raise RuntimeError(f"notify bench: {n} acknowledged, {paid} paid")
            return seconds, n

