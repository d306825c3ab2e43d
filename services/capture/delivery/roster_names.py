"""The file names of a 身份证号 or 学号 package come from roster, which alone holds the numbers: the packaging
job sends the keys of the photos going in and gets back each key's value, by a signed service call. The answer
lives only in the job's memory while it writes the zip: it is never stored in capture's database, logged or put
in the job's result."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

from services.capture.delivery.naming import Naming
from services.kernel import service_auth
from services.kernel.runtime import Runtime

PATH = "/api/roster/v1/delivery/file-names"
CHUNK = 2000


class RosterUnavailable(RuntimeError):
    """Roster did not answer as expected; the job fails and is retried (the message carries no numbers)."""


async def _fetch(runtime: Runtime, signing_key: bytes, school_code: str, naming: Naming, keys: Sequence[str]
                 ) -> dict[str, str | None]:
    stems: dict[str, str | None] = {}
    async with runtime.client("roster") as client:
        for start in range(0, len(keys), CHUNK):
            chunk = list(keys[start:start + CHUNK])
            body = json.dumps({"school_code": school_code, "naming": naming.value, "subject_keys": chunk}).encode()
            headers = {"Content-Type": "application/json",
                       **service_auth.sign(signing_key, "capture", "POST", PATH, body)}
            response = await client.post(PATH, content=body, headers=headers)
            if response.status_code != 200:
                raise RosterUnavailable(f"roster answered {response.status_code} to the file-name join")
            answer = response.json()
            stems.update({n["subject_key"]: n["stem"] for n in answer["names"] if n["subject_key"] in chunk})
            stems.update(dict.fromkeys((k for k in answer["unknown"] if k in chunk), None))
    return stems


def file_stems(runtime: Runtime, signing_key: bytes, school_code: str, naming: Naming, keys: Sequence[str]
               ) -> dict[str, str | None]:
    """Each key's file-name stem (None: roster has no value for it). Runs in the job's thread."""
    if naming == Naming.CAPTURE_KEY:
        return {key: key for key in keys}
    stems = asyncio.run(_fetch(runtime, signing_key, school_code, naming, keys))
    return {key: stems.get(key) for key in keys}
