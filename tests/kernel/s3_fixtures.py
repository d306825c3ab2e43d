"""The shared loopback S3 server. Import the fixture where it is needed (tests/conftest.py later):

    from tests.kernel.s3_fixtures import s3_server  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.infra import note_used
from tests.support.s3server import S3Server


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """One `weed mini` for the whole run (starting one takes ~1 s, stopping ~2-3 s); tests isolate
    themselves with a fresh bucket each. Skips (or fails under CI=true) when `weed` is missing."""
    server = S3Server()
    server.start()
    note_used(f"S3: SeaweedFS `weed mini` on {server.endpoint} (signatures and link expiry checked)")
    try:
        yield server
    finally:
        server.stop()
