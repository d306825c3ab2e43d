"""Settings from the environment (prefix TUCAI_) or files (secrets). The run mode is only configuration:
SQLite + in-process bus + a local object folder by default; PostgreSQL + NATS + S3 when their URLs are set."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("roster", "scheduling", "capture", "payments")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TUCAI_", env_file=None, extra="ignore",
        secrets_dir=os.environ.get("TUCAI_SECRETS_DIR") or None,
    )

    data_dir: Path = Path("./var")
    # One database per service. A one-service process sets TUCAI_DATABASE_URL; the embedded process may set
    # TUCAI_<SERVICE>_DATABASE_URL per service; otherwise each gets a SQLite file under data_dir.
    database_url: str | None = None
    roster_database_url: str | None = None
    scheduling_database_url: str | None = None
    capture_database_url: str | None = None
    payments_database_url: str | None = None

    bus_url: str = "memory://"
    bus_stream: str = "TUCAI"
    bus_subject_prefix: str = "tucai"
    # How long JetStream waits for an ack before redelivering (a consumer that died mid-event).
    bus_ack_wait_seconds: float = Field(default=30.0, gt=0)

    object_store_url: str | None = None  # default: a folder under data_dir
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None

    # Where the other services answer. Unset in embedded mode: calls go in-process through ASGI.
    roster_url: str | None = None
    scheduling_url: str | None = None
    capture_url: str | None = None
    payments_url: str | None = None

    public_base_url: str = "http://127.0.0.1:8000"
    jwt_private_key_file: Path | None = None
    # Legacy check-in by ID number (the deployment must opt in): capture sends the number to roster, which answers
    # with the pseudonymous key only, so capture still never stores a full ID number.
    capture_legacy_id_checkin: bool = False
    # Compare the face of every accepted photo with the school's others (the mix-up guard). Only a deployment that
    # cannot run the face model, or a test about something else with few distinct test portraits, turns it off.
    capture_identity_guard: bool = True
    # Worker processes per capture process that run the photo checks and face embeddings (dlib holds the GIL: on a
    # request thread one check stalls every other request). 0: inline, on the caller's thread, where processes are
    # not wanted. A check unanswered after capture_check_timeout_seconds counts as a hung worker (503, pool rebuilt).
    capture_check_workers: int = Field(default=2, ge=0, le=64)
    capture_check_timeout_seconds: float = Field(default=60.0, gt=0)
    jwt_issuer: str = "tucai-roster"
    access_token_minutes: int = Field(default=30, gt=0)  # short: the SPA refreshes on a 401
    refresh_token_days: int = Field(default=14, gt=0)  # a refresh token is rotated on every use
    signing_secret: SecretStr | None = None  # HMAC for signed links; generated under data_dir if unset

    # A JSON file overriding roster's code tables (层次, 学制, 学习形式, 民族, …); see services/roster/codes.py.
    roster_code_tables_file: Path | None = None
    signin_attempts_per_window: int = Field(default=30, gt=0)  # per client address per 5 minutes
    demo: bool = False
    spa_dir: Path | None = None
    log_level: str = "INFO"
    log_json: bool = True
    relay_poll_seconds: float = Field(default=1.0, gt=0)
    # /openapi.json and /docs: open when true; by default only in demo mode.
    api_docs: bool | None = None
    # Outside demo mode /metrics answers only a scraper sending "Authorization: Bearer <this token>".
    metrics_token: SecretStr | None = None
    # Addresses of reverse proxies whose X-Forwarded-For / -Proto are believed (comma-separated IPs or CIDRs).
    # Empty (the default, and right for the embedded mode): the peer address is the client.
    trusted_proxies: str = ""
    # Request bodies: the cap of every route that declares none (uploads declare theirs), and per-endpoint
    # overrides as JSON {"<operationId>": bytes}, e.g. {"imports-upload_roster": 104857600}.
    max_body_bytes: int = Field(default=1 * 2**20, gt=0)
    body_limits: str = ""
    # Jobs: the runner wakes on an in-process enqueue and polls this often for the rest (other replicas).
    job_poll_seconds: float = Field(default=1.0, gt=0)
    # A running job is taken over by another runner when its lease runs out (renewed while its handler runs).
    job_lease_seconds: float = Field(default=60.0, gt=0)
    job_retry_seconds: float = Field(default=5.0, ge=0)  # first back-off after a failed attempt, then doubled

    # -- capacity (README "Sizing") ----------------------------------------------------------------------------------
    # Worker threads for sync routes and database work, per process (anyio's limiter; its default is 40). Every
    # request in flight holds at most one thread and one database connection at a time.
    threadpool_size: int = Field(default=40, ge=1)
    # Requests a service runs at once per process; default: the threadpool, so none waits for a thread or a
    # connection. Beyond it up to overload_queue requests wait (FIFO) at most overload_wait_ms for a slot; the rest,
    # and those whose wait runs out, get a 503 `overloaded` with Retry-After: overload_retry_after_seconds. The
    # wait bounds the backlog a crowd leaves behind (a request after the crowd answers within about that long).
    max_in_flight: int | None = Field(default=None, ge=1)
    overload_wait_ms: int = Field(default=1000, ge=0)
    overload_queue: int = Field(default=1000, ge=0)
    overload_retry_after_seconds: int = Field(default=2, ge=1)
    # Database connections per service engine: pool_size kept open, max_overflow opened on demand. Default
    # pool: the threadpool (requests) + 5 (relay, job runner, consumers, readiness), so a request never waits for
    # a connection; db_pool_timeout bounds that wait anyway (seconds).
    db_pool_size: int | None = Field(default=None, ge=1)
    db_max_overflow: int = Field(default=5, ge=0)
    db_pool_timeout: float = Field(default=10.0, gt=0)

    # -- scheduling's live board (Server-Sent Events) --------------------------------------------------------------
    board_streams_max: int = Field(default=100, ge=0)  # open board streams per process; beyond: 503 too_many_streams
    board_poll_seconds: float = Field(default=2.0, gt=0)  # how often a stream reads the board
    board_heartbeat_seconds: float = Field(default=15.0, gt=0)  # a comment line when nothing changed for this long
    board_stream_seconds: float = Field(default=300.0, gt=0)  # then the browser reconnects and re-authenticates

    # -- payments ------------------------------------------------------------------------------------------------
    # "sandbox": the built-in gateway speaking WeChat Pay v3 / Alipay with test keys (embedded mode, tests).
    payments_provider: Literal["sandbox", "live"] = "sandbox"
    # Live providers (payments_provider "live"): the merchant's own ids and key files, read at start-up. A provider
    # left unset is not offered; see services/payments/providers/live.py.
    payments_wechat_mchid: str | None = None
    payments_wechat_appid: str | None = None
    payments_wechat_apiv3_key: SecretStr | None = None
    payments_wechat_private_key_file: Path | None = None  # the merchant API private key (PEM)
    payments_wechat_serial: str | None = None  # the merchant API certificate's serial
    payments_wechat_public_key_id: str | None = None  # PUB_KEY_ID_… of WeChat Pay's public key
    payments_wechat_public_key_file: Path | None = None
    payments_wechat_platform_certs: str | None = None  # "SERIAL=/path/cert.pem,…" (platform-certificate mode)
    payments_wechat_api_base: str = "https://api.mch.weixin.qq.com"
    # The official account's AppSecret: JSAPI pay inside WeChat learns the payer's openid with it (网页授权).
    payments_wechat_app_secret: SecretStr | None = None
    payments_alipay_app_id: str | None = None
    payments_alipay_private_key_file: Path | None = None  # the app's private key (PEM)
    payments_alipay_public_key_file: Path | None = None  # Alipay's public key (PEM), not the app's own
    payments_alipay_seller_id: str | None = None
    payments_alipay_gateway: str = "https://openapi.alipay.com/gateway.do"
    payments_order_ttl_minutes: int = Field(default=30, ge=1, le=24 * 60)  # an unpaid order closes after this
    payments_query_after_seconds: int = Field(default=60, ge=0)  # no notification by then: ask the provider
    payments_sweep_seconds: float = Field(default=60.0, gt=0)  # how often the query/close/refund sweep runs
    payments_max_fee_fen: int = Field(default=100_000, gt=0)  # the ceiling of any one fee (1000 yuan)

    def database_url_for(self, service: str) -> str:
        specific = getattr(self, f"{service}_database_url", None)
        if specific:
            return specific
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / f'{service}.db').resolve()}"

    @property
    def in_flight_limit(self) -> int:
        return self.max_in_flight or self.threadpool_size

    @property
    def pool_size(self) -> int:
        return self.db_pool_size or self.threadpool_size + 5

    def service_url(self, service: str) -> str | None:
        return getattr(self, f"{service}_url", None)

    @cached_property
    def blob_url(self) -> str:
        return self.object_store_url or f"file://{(self.data_dir / 'objects').resolve()}"

    @property
    def jwt_key_path(self) -> Path:
        """Roster's token-signing key (Ed25519, PEM); `tucai keys rotate` replaces it and keeps the previous one."""
        return self.jwt_private_key_file or self.data_dir / "keys" / "jwt-ed25519.pem"

    def signing_key(self) -> bytes:
        if self.signing_secret is not None:
            return self.signing_secret.get_secret_value().encode()
        path = self.data_dir / "keys" / "signing.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(os.urandom(32).hex().encode())
            path.chmod(0o600)
        return path.read_bytes().strip()
