"""Server-Sent Events for the live board. EventSource cannot send headers, so the access token comes in the
query; it is verified like a bearer token, and a stream lives at most `board_stream_seconds` before the browser
reconnects (and the token is verified again, so an expired one ends the feed). Open streams are bounded per
process: each holds a connection slot and polls the database."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable

import anyio

from services.kernel.errors import TucaiError


class StreamSlots:
    """How many streams this process holds open, at most `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0
        self._lock = threading.Lock()

    def take(self) -> None:
        with self._lock:
            if self.open >= self.limit:
                raise TucaiError("too_many_streams", "实时看板连接过多，请稍后重试",
                                 "Too many live board streams are open; retry later", status=503,
                                 headers={"Retry-After": "10"})
            self.open += 1

    def give_back(self) -> None:
        with self._lock:
            self.open -= 1


async def board_events(load: Callable[[], tuple[str, str]], slots: StreamSlots, *, poll: float, heartbeat: float,
                       lifetime: float) -> AsyncIterator[str]:
    """`load` gives (fingerprint, document). A `board` event whenever the fingerprint changes, a comment line
    as heartbeat when it has not for `heartbeat` seconds (proxies close idle connections), and the end after
    `lifetime`. The slot taken before the response started is given back however the stream ends (the server
    cancels the generator when the client goes away)."""
    try:
        yield f"retry: {int(poll * 1000) + 1000}\n\n"
        last, last_sent = "", time.monotonic()
        ends = time.monotonic() + lifetime
        while time.monotonic() < ends:
            fingerprint, document = await anyio.to_thread.run_sync(load)
            now = time.monotonic()
            if fingerprint != last:
                last, last_sent = fingerprint, now
                yield f"event: board\ndata: {document}\n\n"
            elif now - last_sent >= heartbeat:
                last_sent = now
                yield ": heartbeat\n\n"
            await anyio.sleep(poll)
    finally:
        slots.give_back()
