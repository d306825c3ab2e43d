"""Renames in roster reach the read models of scheduling, capture and payments (through the outbox and the
bus, in the embedded mode). Class renames have no roster endpoint yet: that test emits roster's ClassUpdated
through roster's own unit of work inside the embedded gateway, as the coming endpoint will."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from services.kernel.tenancy import unscoped_for_system
from services.payments.models import Payer
from services.roster.events import ClassUpdated
from tests.support.api import Api, wait_until

SCHOOL = "10403"


def _subjects(api: Api) -> list[dict[str, Any]]:
    return list(api.get("/api/capture/v1/subjects", "agency", params={"school_code": SCHOOL}).json()["items"])


def _payers(api: Api) -> list[dict[str, Any]]:
    return list(api.get("/api/payments/v1/payers", "agency", params={"school_code": SCHOOL}).json()["items"])


def _payer_rows(api: Api, keys: set[str]) -> list[Payer]:
    # payments' list does not show college names (its API stays as the SPA knows it): read its table.
    ctx = api.client.app.apps["payments"].state.ctx  # type: ignore[union-attr]
    with ctx.sessions() as session:
        return list(session.exec(unscoped_for_system(select(Payer).where(col(Payer.subject_key).in_(keys)))))


def _patch(api: Api, path: str, user: str, body: dict[str, Any]) -> Any:
    return api.client.patch(path, headers=api.as_user(user), json=body)


def test_a_school_rename_reaches_scheduling(embedded: Api) -> None:
    response = _patch(embedded, f"/api/roster/v1/schools/{SCHOOL}", "school10403", {"name": "南昌大学（新名）"})
    assert response.status_code == 200, response.text
    # .get: until the school reaches scheduling after a fresh start, the summary is a 404 problem
    wait_until(lambda: embedded.get(f"/api/scheduling/v1/schools/{SCHOOL}/summary", "school10403").json().get(
        "name") == "南昌大学（新名）")


def test_a_college_rename_reaches_scheduling_capture_and_payments(embedded: Api) -> None:
    subjects = wait_until(lambda: _subjects(embedded))
    old = subjects[0]["college_name"]
    keys = {s["subject_key"] for s in subjects if s["college_name"] == old}
    [college] = [c for c in embedded.get("/api/roster/v1/colleges", "school10403").json()["items"]
                 if c["name"] == old]
    before = embedded.get(f"/api/scheduling/v1/schools/{SCHOOL}/summary", "school10403").json()["colleges"]

    response = _patch(embedded, f"/api/roster/v1/colleges/{college['id']}", "school10403", {"name": "图采更名学院"})
    assert response.status_code == 200, response.text

    wait_until(lambda: {c["name"] for c in embedded.get("/api/scheduling/v1/colleges", "school10403").json()[
        "items"] if c["id"] == college["id"]} == {"图采更名学院"})
    wait_until(lambda: {s["college_name"] for s in _subjects(embedded) if s["subject_key"] in keys}
               == {"图采更名学院"})
    wait_until(lambda: {p.college_name for p in _payer_rows(embedded, keys)} == {"图采更名学院"})
    assert {s["college_name"] for s in _subjects(embedded) if s["subject_key"] not in keys} <= {
        s["college_name"] for s in subjects if s["subject_key"] not in keys}  # other colleges untouched
    # A rename is no new college: the count (which the system tier uses to catch double application) stays.
    assert embedded.get(f"/api/scheduling/v1/schools/{SCHOOL}/summary", "school10403").json()["colleges"] == before


def test_a_class_rename_reaches_scheduling_capture_and_payments(embedded: Api) -> None:
    subjects = wait_until(lambda: _subjects(embedded))
    old = subjects[-1]["class_no"]
    keys = {s["subject_key"] for s in subjects if s["class_no"] == old}
    [klass] = [c for c in embedded.get("/api/roster/v1/classes", "school10403",
                                       params={"school_code": SCHOOL}).json()["items"] if c["code"] == old]
    counted = {c["id"]: c["approved_students"]
               for c in embedded.get("/api/scheduling/v1/classes", "school10403").json()["items"]}
    assert counted[klass["id"]] == len(keys)

    roster = embedded.client.app.apps["roster"]  # type: ignore[union-attr]
    with roster.state.ctx.transaction() as uow:
        uow.emit(ClassUpdated(class_id=klass["id"], college_id=klass["college_id"], school_code=SCHOOL,
                              province_code="36", code=f"{old}R", name="更名班级"))

    def scheduling_class() -> dict[str, Any] | None:
        return next((c for c in embedded.get("/api/scheduling/v1/classes", "school10403").json()["items"]
                     if c["id"] == klass["id"] and c["code"] == f"{old}R"), None)

    renamed = wait_until(scheduling_class)
    assert (renamed["name"], renamed["approved_students"]) == ("更名班级", len(keys))
    wait_until(lambda: {s["class_no"] for s in _subjects(embedded) if s["subject_key"] in keys} == {f"{old}R"})
    wait_until(lambda: {p["class_no"] for p in _payers(embedded) if p["subject_key"] in keys} == {f"{old}R"})
    assert {p.class_name for p in _payer_rows(embedded, keys)} == {"更名班级"}
