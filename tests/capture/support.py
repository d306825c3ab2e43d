"""Helpers of capture's tests: JPEGs that pass the basic checks, the demo student's pass, the demo stations."""

from __future__ import annotations

import io
import random

from PIL import Image

from tests.support.api import DEMO_STUDENT, Api, wait_until


def jpeg(seed: int = 0, size: tuple[int, int] = (600, 800)) -> bytes:
    """A distinct, noisy JPEG (noise keeps it above the minimum file size and makes every seed's hash differ)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (60, 80), (100, 197, 255))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(60 * 80)])
    buffer = io.BytesIO()
    image.resize(size, Image.Resampling.NEAREST).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def demo_pass(api: Api) -> str:
    response = api.get("/api/roster/v1/students/me/pass", DEMO_STUDENT)
    assert response.status_code == 200, response.text
    key = response.json()["subject_key"]
    # The subject reaches capture through roster's events.
    wait_until(lambda: any(s["subject_key"] == key for s in
                           api.get("/api/capture/v1/subjects", "photographer").json()["items"]))
    return str(response.json()["token"])


def demo_stations(api: Api) -> list[dict[str, object]]:
    response = api.get("/api/capture/v1/stations", "photographer")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])
