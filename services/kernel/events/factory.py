"""Choose the bus adapter from configuration: the mode is a URL, never a branch in domain code."""

from __future__ import annotations

from services.kernel.events.bus import Bus
from services.kernel.events.inprocess import InProcessBus
from services.kernel.events.nats_bus import NatsBus


def open_bus(url: str, *, stream: str = "TUCAI", subject_prefix: str = "tucai", ack_wait: float = 30.0) -> Bus:
    """`memory://` (or empty) -> in-process bus; `nats://host:port[,nats://host:port...]` -> NATS JetStream.

    The bus is returned unconnected: the caller awaits connect() in its startup (and close() at shutdown).
    """
    url = url.strip()
    if url in {"", "memory://"}:
        return InProcessBus()
    servers = [part.strip() for part in url.split(",") if part.strip()]
    if all(server.startswith(("nats://", "tls://")) for server in servers):
        return NatsBus(",".join(servers), stream=stream, subject_prefix=subject_prefix, ack_wait=ack_wait)
    raise ValueError(
        f"unsupported bus URL {url!r}: use 'memory://' (embedded) or 'nats://host:port[,nats://host:port]'"
    )
