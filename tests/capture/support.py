"""Helpers of capture's tests: realistic photos that pass the real photo checks, the demo student's pass, the demo
stations."""

from __future__ import annotations

from functools import cache

from services.capture.photoqa.imaging import encode_jpeg
from tests.support.api import DEMO_STUDENT, Api, wait_until
from tests.support.photos import NAMES, Layout, backdrop, blend, compliant, place, standard

__all__ = ["NAMES", "demo_pass", "demo_stations", "jpeg", "shot"]


@cache
def jpeg(seed: int = 0, size: tuple[int, int] = (600, 800), name: str | None = None) -> bytes:
    """A studio shot as a camera gives it: one of the public-domain portraits (tests/support/faces; `name`, or
    chosen by `seed`) on the CHSI blue in the standard geometry scaled to `size`, with seeded sensor noise so every
    seed's bytes (and hash) differ. Framing and the real checks accept it; a size under 480×640 is refused."""
    name = name or NAMES[seed % len(NAMES)]
    base, scale = standard(name), size[0] / 480
    layout = Layout(eye_x=size[0] / 2, eye_y=(base.eye_y or 0) * scale, ipd=base.ipd * scale, size=size)
    person, alpha = place(name, layout)
    return encode_jpeg(blend(person, alpha, backdrop(size, (100, 197, 255)), seed=seed), 92)


def shot(name: str, number: int) -> bytes:
    """A compliant 480×640 standard photo of `name`, made distinct by a JPEG comment (as a camera's EXIF differs
    per shot): the same pixels, so the checks cost what they cost on the real photo, without a compose per shot."""
    marker = f"tucai-test shot {number}".encode()
    data = compliant(name)
    return data[:2] + b"\xff\xfe" + (len(marker) + 2).to_bytes(2, "big") + marker + data[2:]


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
