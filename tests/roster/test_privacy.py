"""Privacy by design: a student's full ID number stays in roster's database; other services' databases,
every event and every log line carry only the pseudonym and masked values."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from services.kernel.observability import configure_logging
from tests.conftest import embedded_settings
from tests.support.api import Api, wait_until
from tests.support.rosters import student_row, xlsx


def test_full_id_numbers_never_leave_roster(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True)
    settings = embedded_settings(tmp_path)
    rows = [student_row(n, klass="PV2601", college="隐私学院") for n in range(70, 76)]
    with TestClient(create_gateway(settings)) as client:
        api = Api(client)
        upload = api.post("/api/roster/v1/imports", "school10403", files={"file": ("r.xlsx", xlsx(rows))}).json()
        wait_until(lambda: api.get(f"/api/roster/v1/imports/{upload['id']}", "school10403").json()["status"]
                   == "validated")
        assert api.post(f"/api/roster/v1/imports/{upload['id']}/commit", "school10403", json={}).status_code == 200
        batch = api.post("/api/roster/v1/review/batches", "school10403", json={"term": "2026-06"}).json()
        api.post(f"/api/roster/v1/review/batches/{batch['id']}/decisions", "province", json={"decision": "approved"})
        students = api.get("/api/roster/v1/students", "school10403", params={"limit": 500}).json()["items"]
        full = [api.get(f"/api/roster/v1/students/{s['id']}", "school10403").json() for s in students]
        wait_until(lambda: api.get("/api/capture/v1/subjects", "agency", params={"school_code": "10403"}).json()[
            "total"] == sum(1 for s in full if s["review_status"] == "approved"))
    numbers = {s["id_number"] for s in full}
    names = {s["name"] for s in full if len(s["name"]) >= 3}
    assert len(numbers) > 60
    for service in ("scheduling", "capture", "payments"):
        data = (tmp_path / f"{service}.db").read_bytes()
        for wal in tmp_path.glob(f"{service}.db-wal"):
            data += wal.read_bytes()
        text = data.decode("utf-8", errors="ignore")
        leaked = [n for n in numbers if n in text]
        assert leaked == [], f"{service} stores full ID numbers"
        assert [n for n in names if n in text] == [], f"{service} stores unmasked names"
    roster_text = (tmp_path / "roster.db").read_bytes().decode("utf-8", errors="ignore")
    assert any(n in roster_text for n in numbers)  # the check above would catch a leak: the data is real
    logs = capfd.readouterr()
    log_text = logs.out + logs.err
    assert log_text.count('"event"') > 10  # requests and events were logged
    assert [n for n in numbers if n in log_text] == []
