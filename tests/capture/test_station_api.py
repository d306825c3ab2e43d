"""The station API end to end on the embedded system with demo data: stations, check-in by capture pass, upload,
retake, override, signed links, and the refusals with their stable codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from services.capture.station.watcher import Watcher
from services.capture.stations.service import today
from tests.capture.support import demo_pass, demo_stations, jpeg
from tests.support.api import Api, wait_until

CAPTURE = "/api/capture/v1"


@pytest.fixture(scope="module")
def flow(embedded: Api) -> dict[str, Any]:
    stations = demo_stations(embedded)
    return {"api": embedded, "stations": stations, "pass": demo_pass(embedded)}


def _checkin(api: Api, station: str, **body: Any) -> Any:
    return api.post(f"{CAPTURE}/checkins", "photographer", json={"station": station, **body})


def test_the_demo_photographer_has_todays_stations_at_nanchang_university(flow: dict[str, Any]) -> None:
    stations = flow["stations"]
    assert len(stations) == 2
    assert {s["school_code"] for s in stations} == {"10403"}
    assert {s["day"] for s in stations} == {today().isoformat()}
    assert {s["photographer"] for s in stations} == {"photographer"}
    other_school = flow["api"].get(f"{CAPTURE}/stations", "school10405").json()
    assert other_school["items"] == []


def test_check_in_upload_retake_override_and_the_refusals(flow: dict[str, Any]) -> None:
    api, token = flow["api"], flow["pass"]
    one, two = (s["id"] for s in flow["stations"])

    first = _checkin(api, one, **{"pass": token})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["sequence_no"] >= 1 and "*" in body["subject"]["masked_name"]
    repeat = _checkin(api, one, **{"pass": token})
    assert repeat.status_code == 200 and repeat.json() == body

    elsewhere = _checkin(api, two, **{"pass": token})
    assert elsewhere.status_code == 409 and elsewhere.json()["code"] == "checkin_open_elsewhere"
    kinds = [a["kind"] for a in api.get(f"{CAPTURE}/anomalies", "agency").json()["items"]]
    assert "open_at_two_stations" in kinds

    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert _checkin(api, one, **{"pass": forged}).json()["code"] == "pass_invalid"
    unknown = _checkin(api, one, capture_code="NOPE-0000")
    assert unknown.status_code == 404 and unknown.json()["code"] == "subject_unknown"

    upload = api.post(f"{CAPTURE}/checkins/{body['id']}/photos", "photographer",
                      files={"file": ("a.jpg", jpeg(1), "image/jpeg")})
    assert upload.status_code == 201, upload.text
    photo = upload.json()
    assert photo["accepted"] and photo["version"] == 1
    codes = {c["code"] for c in photo["checks"]}
    assert {"original_type", "face_count", "eye_line", "background_colour", "file_size"} <= codes
    assert all(c["passed"] is not False for c in photo["checks"])
    again = api.post(f"{CAPTURE}/checkins/{body['id']}/photos", "photographer",
                     files={"file": ("a.jpg", jpeg(1), "image/jpeg")})
    assert again.status_code == 200 and again.json()["id"] == photo["id"]

    small = api.post(f"{CAPTURE}/checkins/{body['id']}/photos", "photographer",
                     files={"file": ("b.jpg", jpeg(2, size=(300, 400)), "image/jpeg")})
    assert small.status_code == 201 and not small.json()["accepted"] and small.json()["version"] == 2
    unusable = api.post(f"{CAPTURE}/photos/{small.json()['id']}/override", "photographer", json={"reason": "现场确认"})
    assert unusable.json()["code"] == "photo_unusable"

    links = api.get(f"{CAPTURE}/photos/{photo['id']}", "photographer").json()
    for link in ("standard_url", "original_url"):  # a face: no browser or proxy keeps a copy
        fetched = api.client.get(links[link])
        assert fetched.status_code == 200 and fetched.headers["cache-control"] == "private, no-store", link
    assert api.client.get(links["original_url"]).content == jpeg(1)
    assert api.client.get(links["original_url"].replace("sig=", "sig=0")).status_code == 403
    assert api.get(f"{CAPTURE}/photos/{photo['id']}", "school10405").status_code == 404

    close = api.post(f"{CAPTURE}/checkins/{body['id']}/close", "photographer", json={})
    assert close.status_code == 200 and close.json()["status"] == "done"
    late = api.post(f"{CAPTURE}/checkins/{body['id']}/photos", "photographer",
                    files={"file": ("c.jpg", jpeg(3), "image/jpeg")})
    assert late.status_code == 409 and late.json()["code"] == "checkin_closed"
    captured = _checkin(api, one, **{"pass": token})
    assert captured.json()["code"] == "makeup_certificate_required"


def test_the_agency_creates_a_capture_day_and_others_may_not(flow: dict[str, Any]) -> None:
    api = flow["api"]
    body = {"school_code": "10404", "day": "2030-05-20", "rooms": ["A101"],
            "stations": [{"room": "A101", "name": "机位1", "photographer": "photographer"}]}
    created = api.post(f"{CAPTURE}/capture-days", "agency", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["stations"][0]["last_sequence_no"] == 0
    assert api.post(f"{CAPTURE}/capture-days", "agency", json=body).json()["code"] == "capture_day_exists"
    assert api.post(f"{CAPTURE}/capture-days", "school10405", json=body).status_code == 403
    station = created.json()["stations"][0]["id"]
    not_today = _checkin(api, station, **{"pass": flow["pass"]})
    assert not_today.json()["code"] == "station_not_today"


class LossyClient:
    """The photographer's client as the watcher sees it; `lose_next` drops the answer of the next upload after
    the server handled it (the station died mid-upload)."""

    def __init__(self, api: Api) -> None:
        self.api, self.lose_next = api, False

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.api.get(url, "photographer", **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        response = self.api.post(url, "photographer", **kwargs)
        if self.lose_next:
            self.lose_next = False
            raise httpx.ConnectError("station restarted")
        return response


def test_the_hot_folder_watcher_resumes_after_a_restart_without_duplicates(flow: dict[str, Any],
                                                                           tmp_path: Path) -> None:
    api = flow["api"]
    two = flow["stations"][1]["id"]
    approved = api.get("/api/roster/v1/students", "school10403", params={"review_status": "approved"}).json()
    token = api.get(f"/api/roster/v1/students/{approved['items'][3]['id']}/pass", "school10403").json()["token"]
    checkin = wait_until(lambda: _checkin(api, two, **{"pass": token}).json().get("id"))
    (tmp_path / "IMG_0001.JPG").write_bytes(jpeg(11))
    client = LossyClient(api)
    first = Watcher(tmp_path, two, client, say=lambda _: None)  # type: ignore[arg-type]
    first.scan()
    client.lose_next = True
    first.flush()  # the server stored it; the station never heard back
    restarted = Watcher(tmp_path, two, client, say=lambda _: None)  # type: ignore[arg-type]
    assert [e.state for e in restarted.entries.values()] == ["queued"]
    restarted.scan()  # the same file is not queued twice
    restarted.flush()
    assert [(e.state, e.checkin_id) for e in restarted.entries.values()] == [("uploaded", checkin)]
    board = api.get(f"{CAPTURE}/stations/{two}", "photographer").json()
    assert board["front"]["id"] == checkin and board["front"]["photo_versions"] == 1
    assert (tmp_path / "IMG_0001.JPG").read_bytes() == jpeg(11)  # never moved or overwritten
