"""The SPA's API client is generated from the services' OpenAPI documents; a stale copy fails here
(and `npm run check:api` checks the generated TypeScript against these documents)."""

from __future__ import annotations

import json
from importlib import import_module
from pathlib import Path

import pytest

from services.kernel.settings import SERVICES, Settings

COMMITTED = Path(__file__).resolve().parents[2] / "frontend" / "openapi"


@pytest.mark.parametrize("service", SERVICES)
def test_committed_openapi_matches_the_service(service: str, tmp_path: Path) -> None:
    current = import_module(f"services.{service}.app").create_app(Settings(data_dir=tmp_path)).openapi()
    committed = json.loads((COMMITTED / f"{service}.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(current)), (
        f"frontend/openapi/{service}.json is stale: run `make api-client` and commit the result")


def test_operation_ids_are_stable_and_readable(tmp_path: Path) -> None:
    document = import_module("services.roster.app").create_app(Settings(data_dir=tmp_path)).openapi()
    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {"auth-sign_in", "directory-list_colleges", "directory-create_college"} <= ids
