"""Every offset and limit of every list is bounded (roster's lists, every service's dead letters): a huge offset is
a 422 problem, never a 500."""

from __future__ import annotations

import pytest

from services.kernel.settings import SERVICES
from tests.support.api import Api

HUGE = [2**63, 2**64 + 1, 10**6 + 1]


def _import_id(api: Api) -> str:
    imports = api.get("/api/roster/v1/imports", "school10403").json()["items"]
    return imports[0]["id"] if imports else "no-such-import"


@pytest.mark.parametrize("path", ["/api/roster/v1/students", "/api/roster/v1/audit", "IMPORT"])
def test_a_huge_offset_is_a_422_not_a_500(embedded: Api, path: str) -> None:
    user = "province" if path.endswith("audit") else "school10403"
    if path == "IMPORT":
        path = f"/api/roster/v1/imports/{_import_id(embedded)}/issues"
    for offset in HUGE:
        response = embedded.get(path, user, params={"offset": offset})
        assert response.status_code == 422, (path, offset, response.status_code, response.text[:200])
        assert response.headers["content-type"] == "application/problem+json"
    for limit in (0, 10**6, 2**63):
        assert embedded.get(path, user, params={"limit": limit}).status_code == 422, (path, limit)
    assert embedded.get(path, user, params={"offset": 10**6}).status_code in (200, 404)


@pytest.mark.parametrize("service", SERVICES)
def test_the_dead_letter_list_of_every_service_is_bounded_too(embedded: Api, service: str) -> None:
    path = f"/api/{service}/v1/admin/dead-letters"
    for offset in HUGE:
        response = embedded.get(path, "platform", params={"offset": offset})
        assert response.status_code == 422, (path, offset, response.status_code, response.text[:200])
        assert response.headers["content-type"] == "application/problem+json"
    assert embedded.get(path, "platform", params={"offset": 10**6}).status_code == 200
