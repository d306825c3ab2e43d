"""Process-wide resources shared by the services running in one process: the bus connection, the object
store and the in-process apps that service-to-service calls reach when there is no URL."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import ASGIApp

from services.kernel.blobstore import BlobStore, open_blob_store
from services.kernel.events.bus import Bus
from services.kernel.events.factory import open_bus
from services.kernel.events.relay import OutboxRelay
from services.kernel.service_client import make_client
from services.kernel.settings import Settings


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.bus: Bus = open_bus(settings.bus_url, stream=settings.bus_stream,
                                 subject_prefix=settings.bus_subject_prefix, ack_wait=settings.bus_ack_wait_seconds)
        secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
        self.blobs: BlobStore = open_blob_store(
            settings.blob_url, access_key=settings.s3_access_key, secret_key=secret,
            signing_key=settings.signing_key(), public_base_url="/api/capture/v1/blobs",
        )
        self.local_apps: dict[str, ASGIApp] = {}
        self._users = 0
        self._lock = asyncio.Lock()
        # Relays wait until every service of this process has subscribed its consumers: on the in-process bus
        # an event published before its consumer subscribed would live only in memory.
        self.relays: list[OutboxRelay] = []
        self.expected_services = 1
        self._joined = 0
        self.all_subscribed = asyncio.Event()

    def joined(self) -> None:
        """A service of this process has subscribed its consumers."""
        self._joined += 1
        if self._joined >= self.expected_services:
            self.all_subscribed.set()

    async def stop_relays(self) -> None:
        """Stop publishing before any consumer stops, so nothing is published to a consumer that is gone."""
        for relay in self.relays:
            await relay.stop()

    async def drain_relays(self, rounds: int = 1000) -> None:
        """Publish everything still in the outboxes (after stop_relays; used by one-shot commands)."""
        for _ in range(rounds):
            if sum([await relay.flush() for relay in self.relays]) == 0:
                return

    async def acquire(self) -> None:
        async with self._lock:
            if self._users == 0:
                await self.bus.connect()
            self._users += 1

    async def release(self) -> None:
        async with self._lock:
            self._users -= 1
            if self._users == 0:
                await self.bus.close()

    def client(self, service: str) -> httpx.AsyncClient:
        return make_client(service, self.settings.service_url(service), self.local_apps.get(service))
