"""Validation runs as a kernel job: it survives the request, shows its progress, and when it gives up the
import says why instead of showing "validating" for ever."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from tests.conftest import embedded_settings
from tests.support.api import Api, wait_until
from tests.support.rosters import student_row, xlsx


def _upload(api: Api, rows: int) -> dict:
    response = api.post("/api/roster/v1/imports", "school10405",
                        files={"file": ("花名册.xlsx", xlsx([student_row(i, school="10405") for i in range(rows)]))})
    assert response.status_code == 202, response.text
    return response.json()


def test_a_validation_that_keeps_crashing_fails_the_import_with_the_reason(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path, job_retry_seconds=0, job_poll_seconds=0.1)
    gateway = create_gateway(settings)
    with TestClient(gateway, raise_server_exceptions=False) as client:
        api = Api(client)
        blobs = gateway.runtime.blobs
        # The stored upload disappears before the job reads it: every attempt crashes.
        real_get = blobs.get
        blobs.get = lambda key: (_ for _ in ()).throw(OSError("object store unreachable"))  # type: ignore[method-assign]
        try:
            job = _upload(api, 3)
            done = wait_until(lambda: (j := api.get(f"/api/roster/v1/imports/{job['id']}", "school10405").json())
                              ["status"] != "validating" and j, timeout=30)
        finally:
            blobs.get = real_get  # type: ignore[method-assign]
    assert done["status"] == "failed"
    assert done["error_code"] == "job_failed" and "object store unreachable" in done["error_message"]


def test_a_validation_runs_to_its_verdict_after_the_upload_returned(embedded: Api) -> None:
    job = _upload(embedded, 40)
    assert job["status"] == "validating"
    done = wait_until(lambda: (j := embedded.get(f"/api/roster/v1/imports/{job['id']}", "school10405").json())
                      ["status"] == "validated" and j, timeout=30)
    assert done["rows"] == 40 and done["progress"] == 40
