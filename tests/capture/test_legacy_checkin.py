"""Legacy check-in by ID number (issue 10, item 2): only where the deployment enables it, roster answers with the
pseudonymous key alone, and capture keeps no full ID number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from tests.capture.support import demo_pass, demo_stations
from tests.conftest import embedded_settings
from tests.support.api import Api

CAPTURE, ROSTER = "/api/capture/v1", "/api/roster/v1"


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Path]]:
    data_dir = tmp_path_factory.mktemp("legacy")
    settings = embedded_settings(data_dir, capture_legacy_id_checkin=True)
    with TestClient(create_gateway(settings), raise_server_exceptions=False) as client:
        yield Api(client), data_dir


def _students(api: Api, status: str) -> list[dict[str, Any]]:
    items = api.get(f"{ROSTER}/students?school_code=10403&review_status={status}&limit=5", "school10403").json()
    return [{**s, **api.get(f"{ROSTER}/students/{s['id']}", "school10403").json()} for s in items["items"][:2]]


def _checkin(api: Api, station: str, **body: Any) -> Any:
    return api.post(f"{CAPTURE}/checkins", "photographer", json={"station": station, **body})


def test_check_in_by_id_number_is_closed_unless_the_deployment_enables_it(embedded: Api) -> None:
    station = str(demo_stations(embedded)[0]["id"])
    (student, *_) = _students(embedded, "approved")
    refused = _checkin(embedded, station, id_number=student["id_number"])
    assert refused.status_code == 403 and refused.json()["code"] == "legacy_checkin_disabled"
    oracle = embedded.post(f"{ROSTER}/students/identify", "photographer", json={"id_number": student["id_number"]})
    assert oracle.status_code == 403 and oracle.json()["code"] == "legacy_checkin_disabled"


def test_a_photographer_checks_a_student_in_by_id_number_and_capture_keeps_no_number(
        legacy: tuple[Api, Path]) -> None:
    api, data_dir = legacy
    demo_pass(api)  # the approved students have reached capture
    station = str(demo_stations(api)[0]["id"])
    first, second = _students(api, "approved")

    typed = " " + first["id_number"].lower() + " "  # as typed: spaces around it, a lower-case final x
    opened = _checkin(api, station, id_number=typed)
    assert opened.status_code == 201, opened.text
    subject = opened.json()["subject"]
    assert subject["masked_id_number"] == first["id_number_masked"] and first["id_number"] not in opened.text
    again = _checkin(api, station, id_number=first["id_number"])
    assert again.status_code == 200 and again.json()["sequence_no"] == opened.json()["sequence_no"]
    void = api.post(f"{CAPTURE}/checkins/{opened.json()['id']}/void", "photographer", json={"reason": "测试"})
    assert void.status_code == 200, void.text
    assert _checkin(api, station, id_number=second["id_number"]).status_code == 201

    database = (data_dir / "capture.db").read_bytes()
    for number in (first["id_number"], second["id_number"]):
        assert number.encode() not in database


def test_unknown_unapproved_and_malformed_numbers_are_refused_clearly(legacy: tuple[Api, Path]) -> None:
    api, _ = legacy
    station = str(demo_stations(api)[1]["id"])
    unknown = _checkin(api, station, id_number="110101199001011237")
    assert unknown.status_code == 404 and unknown.json()["code"] == "subject_unknown"
    (pending, *_) = _students(api, "submitted")  # the demo's 法学院 class waits for the province
    refused = _checkin(api, station, id_number=pending["id_number"])
    assert refused.status_code == 409 and refused.json()["code"] == "subject_not_approved"
    for bad in ("1" * 40, "", "3601"):
        response = _checkin(api, station, id_number=bad)
        assert response.status_code == 422, (bad, response.text)
    both = _checkin(api, station, id_number="110101199001011237", capture_code="ABCD-1234")
    assert both.status_code == 422


def test_only_photographers_may_ask_roster_for_a_key_by_id_number(legacy: tuple[Api, Path]) -> None:
    api, _ = legacy
    (student, *_) = _students(api, "approved")
    for user in ("school10403", "agency", "province", "school10405", "student10403"):
        response = api.post(f"{ROSTER}/students/identify", user, json={"id_number": student["id_number"]})
        assert response.status_code == 403, (user, response.text)
    other_province = api.post(f"{ROSTER}/students/identify", "photographer",
                              json={"id_number": student["id_number"], "school_code": "10405"})
    assert other_province.status_code == 404
    found = api.post(f"{ROSTER}/students/identify", "photographer", json={"id_number": student["id_number"]})
    assert found.status_code == 200 and set(found.json()) == {"subject_key", "school_code"}
