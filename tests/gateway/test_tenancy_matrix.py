"""Every endpoint of every service is checked for tenant isolation: a school sees only its own data, a
province only its schools, a student only themself. A new endpoint without an entry here fails the test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from services.kernel.settings import SERVICES
from tests.support.api import Api, wait_until

PUBLIC = {"/v1/auth/token", "/v1/auth/student-token", "/v1/auth/jwks", "/v1/auth/options", "/v1/auth/refresh",
          "/v1/auth/logout", "/healthz", "/readyz", "/metrics",
          "/v1/notify/wechat", "/v1/notify/alipay"}  # payments: the providers call these, signed (no token)
JIANGXI = {"10403", "10404", "10405"}

# Lists: (service, path) -> the users who may call it; each must see only rows of their own tenant.
LISTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("roster", "/v1/me"): ("school10405", "province"),
    ("roster", "/v1/provinces"): ("school10405", "province"),
    ("roster", "/v1/agencies"): ("school10405", "agency"),
    ("roster", "/v1/schools"): ("school10405", "province", "agency"),
    ("roster", "/v1/colleges"): ("school10405", "province"),
    ("roster", "/v1/campuses"): ("school10405", "province"),
    ("roster", "/v1/classes"): ("school10405", "province"),
    ("roster", "/v1/coordinators"): ("school10405", "province"),
    ("roster", "/v1/students"): ("school10405", "province"),
    ("roster", "/v1/errata"): ("school10405", "province"),
    ("roster", "/v1/imports"): ("school10405", "province"),
    ("roster", "/v1/campaigns"): ("school10405", "province"),
    ("roster", "/v1/review/batches"): ("school10405", "province"),
    ("roster", "/v1/review/submittable"): ("school10405",),
    ("roster", "/v1/stats/schools"): ("school10405", "province", "agency"),
    ("roster", "/v1/audit"): ("school10405", "province"),
    ("scheduling", "/v1/colleges"): ("school10405", "province"),
    ("scheduling", "/v1/classes"): ("school10405", "province"),
    ("scheduling", "/v1/capture-days"): ("school10405", "province", "agency"),
    ("scheduling", "/v1/makeup/windows"): ("school10405", "agency"),
    ("capture", "/v1/subjects"): ("school10405", "agency", "photographer"),
    ("capture", "/v1/stations"): ("school10405", "agency", "photographer"),
    ("capture", "/v1/anomalies"): ("school10405", "agency"),
    ("capture", "/v1/deliveries"): ("school10405", "agency", "province"),
    ("capture", "/v1/proofreading"): ("school10405", "agency", "photographer"),
    ("capture", "/v1/proofreading/summary"): ("school10405", "agency"),
    ("payments", "/v1/payers"): ("school10405", "agency"),
    ("payments", "/v1/fee-profiles"): ("school10405", "agency"),
    ("payments", "/v1/orders"): ("school10405", "agency"),
    ("payments", "/v1/reconciliation/runs"): ("agency",),
    ("payments", "/v1/reconciliation/discrepancies"): ("school10405", "agency"),
    ("payments", "/v1/reports/schools"): ("school10405", "agency"),
    ("payments", "/v1/reports/classes"): ("school10405", "agency"),
}


def _allowed_schools(user: str) -> set[str]:
    return {"10405"} if user == "school10405" else JIANGXI


def _check_rows(body: Any, user: str) -> None:
    rows = body.get("items", [body]) if isinstance(body, dict) else body
    for row in rows:
        school = row.get("school_code") or (row.get("code") if "province_code" in row else None)
        if school:
            assert school in _allowed_schools(user), (user, row)
        if row.get("province_code"):
            assert row["province_code"] == "36", (user, row)


# Endpoints on one object: (method, service, path) -> a probe that finds an object of 南昌大学 (10403) and
# returns the concrete path and body; 东华理工大学's admin and a student of 10403 must be refused it.
Probe = Callable[[Api], tuple[str, dict[str, Any] | None]]


def _first(api: Api, path: str, user: str = "school10403", **params: Any) -> dict[str, Any]:
    items = api.get(path, user, params=params).json()["items"]
    assert items, path
    return items[0]


def _student(api: Api) -> str:
    return _first(api, "/api/roster/v1/students", review_status="approved")["id"]


def _college(api: Api) -> str:
    return _first(api, "/api/roster/v1/colleges")["id"]


def _class(api: Api) -> str:
    return _first(api, "/api/roster/v1/classes")["id"]


def _batch(api: Api) -> str:
    return _first(api, "/api/roster/v1/review/batches")["id"]


def _import_job(api: Api) -> str:
    from tests.support.rosters import student_row, xlsx

    jobs = api.get("/api/roster/v1/imports", "school10403").json()["items"]
    if jobs:
        return jobs[0]["id"]
    job = api.post("/api/roster/v1/imports", "school10403",
                   files={"file": ("m.xlsx", xlsx([student_row(90, klass="MX01")]))}).json()
    wait_until(lambda: api.get(f"/api/roster/v1/imports/{job['id']}", "school10403").json()["status"] != "validating")
    return job["id"]


def _erratum(api: Api) -> str:
    student = _student(api)
    return api.post(f"/api/roster/v1/students/{student}/errata", "school10403",
                    json={"field": "major_name", "new_value": "矩阵测试专业"}).json()["id"]


def _certificate(api: Api) -> str:
    student = _student(api)
    return api.post(f"/api/roster/v1/students/{student}/certificates", "school10403").json()["number"]


def _coordinator(api: Api) -> str:
    college = _college(api)
    return api.post("/api/roster/v1/coordinators", "school10403", json={
        "college_id": college, "kind": "college_teacher", "name": "李老师", "phone": "13800138000"}).json()["id"]


def _day(api: Api) -> str:
    from tests.scheduling.helpers import create_day

    return str(create_day(api)["id"])


def _plan(api: Api) -> dict[str, Any]:
    from tests.scheduling.helpers import create_plan

    return create_plan(api)


def _scheduling_probes() -> dict[tuple[str, str, str], Probe]:
    from tests.scheduling.helpers import day_body, publish_day

    def move(api: Api) -> tuple[str, dict[str, Any]]:
        plan = _plan(api)
        first = plan["assignments"][0]
        return (f"/v1/plans/{plan['id']}/assignments/{first['class_id']}",
                {"room": first["room"], "date": first["date"], "start": "15:00"})

    return {
        ("GET", "scheduling", "/v1/capture-days/{day_id}"): lambda api: (f"/v1/capture-days/{_day(api)}", None),
        ("PUT", "scheduling", "/v1/capture-days/{day_id}"): lambda api: (
            f"/v1/capture-days/{_day(api)}", day_body()),
        ("PUT", "scheduling", "/v1/capture-days/{day_id}/preferences"): lambda api: (
            f"/v1/capture-days/{_day(api)}/preferences", {"items": []}),
        ("POST", "scheduling", "/v1/capture-days/{day_id}/plan"): lambda api: (
            f"/v1/capture-days/{_day(api)}/plan", None),
        ("GET", "scheduling", "/v1/capture-days/{day_id}/plans"): lambda api: (
            f"/v1/capture-days/{_day(api)}/plans", None),
        ("GET", "scheduling", "/v1/plans/{plan_id}"): lambda api: (f"/v1/plans/{_plan(api)['id']}", None),
        ("POST", "scheduling", "/v1/plans/{plan_id}/publish"): lambda api: (
            f"/v1/plans/{_plan(api)['id']}/publish", None),
        ("PUT", "scheduling", "/v1/plans/{plan_id}/assignments/{class_id}"): move,
        ("GET", "scheduling", "/v1/capture-days/{day_id}/timetable.xlsx"): lambda api: (
            f"/v1/capture-days/{publish_day(api)[0]['id']}/timetable.xlsx", None),
        ("GET", "scheduling", "/v1/capture-days/{day_id}/timetable.pdf"): lambda api: (
            f"/v1/capture-days/{publish_day(api)[0]['id']}/timetable.pdf", None),
        ("GET", "scheduling", "/v1/capture-days/{day_id}/board"): lambda api: (
            f"/v1/capture-days/{publish_day(api)[0]['id']}/board", None),
        # The stream refuses before it starts streaming (tests/scheduling/test_board_stream.py: query tokens).
        ("GET", "scheduling", "/v1/capture-days/{day_id}/board/stream"): lambda api: (
            f"/v1/capture-days/{publish_day(api)[0]['id']}/board/stream", None),
        ("GET", "scheduling", "/v1/makeup/windows/{window_id}/bookings"): lambda api: (
            f"/v1/makeup/windows/{_makeup_window(api)}/bookings", None),
    }


def _makeup_window(api: Api) -> str:
    from datetime import date, timedelta

    day = date.today() + timedelta(days=30 + len(api.get("/api/scheduling/v1/makeup/windows", "agency").json()[
        "items"]))
    response = api.post("/api/scheduling/v1/makeup/windows", "agency", json={"date": day.isoformat(),
                                                                             "period": "am", "seats": 2})
    return str(response.json()["id"])


def _job(api: Api, service: str) -> str:
    """A queued job of 南昌大学, of a kind no runner claims (so it stays there to be read and cancelled)."""
    from services.kernel.jobs import enqueue

    with api.client.app.apps[service].state.ctx.transaction() as uow:  # type: ignore[attr-defined]
        return enqueue(uow, "matrix.probe", {}, province="36", school="10403")


_capture: dict[int, dict[str, str]] = {}


def _capture_objects(api: Api) -> dict[str, str]:
    """A station, an open check-in with a photo, and an anomaly of 南昌大学, made once per system."""
    if id(api) in _capture:
        return _capture[id(api)]
    from tests.capture.support import jpeg

    token = api.get(f"/api/roster/v1/students/{_student(api)}/pass", "school10403").json()["token"]
    one, two = (s["id"] for s in api.get("/api/capture/v1/stations", "photographer").json()["items"])
    checkin = wait_until(lambda: api.post("/api/capture/v1/checkins", "photographer",
                                          json={"station": one, "pass": token}).json().get("id"))
    api.post("/api/capture/v1/checkins", "photographer", json={"station": two, "pass": token})  # an anomaly
    photo = api.post(f"/api/capture/v1/checkins/{checkin}/photos", "photographer",
                     files={"file": ("a.jpg", jpeg(7), "image/jpeg")}).json()["id"]
    anomaly = api.get("/api/capture/v1/anomalies", "agency").json()["items"][0]["id"]
    _capture[id(api)] = {"station": one, "checkin": checkin, "photo": photo, "anomaly": anomaly}
    return _capture[id(api)]


def _delivery(api: Api) -> str:
    """A delivery package of 南昌大学 (made once per system; its content does not matter here)."""
    if "delivery" not in _capture.setdefault(-id(api), {}):
        response = api.post("/api/capture/v1/deliveries", "school10403",
                            json={"school_code": "10403", "term": "2026-06", "naming": "capture_key"})
        _capture[-id(api)]["delivery"] = response.json()["id"]
    return _capture[-id(api)]["delivery"]


def _capture_probes() -> dict[tuple[str, str, str], Probe]:
    def obj(kind: str, suffix: str = "", body: dict[str, Any] | None = None) -> Probe:
        return lambda api: (f"/v1/{kind}s/{_capture_objects(api)[kind]}{suffix}", body)

    return {
        ("POST", "capture", "/v1/capture-days"): lambda api: ("/v1/capture-days", {
            "school_code": "10403", "day": "2031-01-02", "rooms": ["A"],
            "stations": [{"room": "A", "name": "1", "photographer": "photographer"}]}),
        ("GET", "capture", "/v1/stations/{station_id}"): obj("station"),
        ("POST", "capture", "/v1/checkins"): lambda api: (
            "/v1/checkins", {"station": _capture_objects(api)["station"], "capture_code": "ABCD1234"}),
        ("POST", "capture", "/v1/checkins/{checkin_id}/close"): obj("checkin", "/close", {"reason": "越权"}),
        ("POST", "capture", "/v1/checkins/{checkin_id}/void"): obj("checkin", "/void", {"reason": "越权"}),
        ("POST", "capture", "/v1/checkins/{checkin_id}/photos"): obj("checkin", "/photos"),
        ("GET", "capture", "/v1/photos/{photo_id}"): obj("photo"),
        ("POST", "capture", "/v1/photos/{photo_id}/override"): obj("photo", "/override", {"reason": "越权"}),
        ("POST", "capture", "/v1/anomalies/{anomaly_id}/resolve"): obj("anomaly", "/resolve", {"resolution": "越权"}),
        ("POST", "capture", "/v1/deliveries"): lambda api: (
            "/v1/deliveries", {"school_code": "10403", "term": "2026-06", "naming": "id_number"}),
        ("GET", "capture", "/v1/deliveries/{package_id}"): lambda api: (f"/v1/deliveries/{_delivery(api)}", None),
        ("GET", "capture", "/v1/deliveries/{package_id}/download"): lambda api: (
            f"/v1/deliveries/{_delivery(api)}/download", None),
        ("GET", "capture", "/v1/progress"): lambda api: ("/v1/progress?school_code=10403", None),
        # roster's file-name join: a signed service call or the agency; schools and students never
        ("POST", "roster", "/v1/delivery/file-names"): lambda api: (
            "/v1/delivery/file-names", {"school_code": "10403", "naming": "id_number", "subject_keys": []}),
        ("PUT", "capture", "/v1/proofreading/deadline"): lambda api: ("/v1/proofreading/deadline", {
            "school_code": "10403", "term": "2026-06", "deadline": "2031-01-01T00:00:00+08:00"}),
    }


def _job_probes() -> dict[tuple[str, str, str], Probe]:
    probes: dict[tuple[str, str, str], Probe] = {}
    for service in SERVICES:
        probes[("GET", service, "/v1/jobs/{job_id}")] = lambda api, s=service: (f"/v1/jobs/{_job(api, s)}", None)
        probes[("POST", service, "/v1/jobs/{job_id}/cancel")] = lambda api, s=service: (
            f"/v1/jobs/{_job(api, s)}/cancel", None)
    return probes


OBJECTS: dict[tuple[str, str, str], Probe] = {
    ("PATCH", "roster", "/v1/schools/{school_code}"): lambda api: ("/v1/schools/10403", {"contact_recipient": "x"}),
    ("PATCH", "roster", "/v1/colleges/{college_id}"): lambda api: (f"/v1/colleges/{_college(api)}", {"name": "x"}),
    ("POST", "roster", "/v1/colleges"): lambda api: ("/v1/colleges", {"code": "ZZ9", "name": "x",
                                                                       "school_code": "10403"}),
    ("POST", "roster", "/v1/campuses"): lambda api: ("/v1/campuses", {"name": "前湖校区", "school_code": "10403"}),
    ("POST", "roster", "/v1/classes"): lambda api: ("/v1/classes", {"college_id": _college(api), "code": "ZZ9"}),
    ("PATCH", "roster", "/v1/classes/{class_id}"): lambda api: (f"/v1/classes/{_class(api)}", {"name": "x"}),
    ("POST", "roster", "/v1/coordinators"): lambda api: ("/v1/coordinators", {
        "college_id": _college(api), "kind": "college_teacher", "name": "x", "phone": "13800138000"}),
    ("DELETE", "roster", "/v1/coordinators/{coordinator_id}"): lambda api: (
        f"/v1/coordinators/{_coordinator(api)}", None),
    ("GET", "roster", "/v1/students/{student_id}"): lambda api: (f"/v1/students/{_student(api)}", None),
    ("PATCH", "roster", "/v1/students/{student_id}"): lambda api: (
        f"/v1/students/{_student(api)}", {"changes": {"major_name": "越权"}}),
    ("GET", "roster", "/v1/students/{student_id}/pass"): lambda api: (f"/v1/students/{_student(api)}/pass", None),
    ("GET", "roster", "/v1/students/{student_id}/history"): lambda api: (
        f"/v1/students/{_student(api)}/history", None),
    ("POST", "roster", "/v1/students/{student_id}/errata"): lambda api: (
        f"/v1/students/{_student(api)}/errata", {"field": "major_name", "new_value": "越权"}),
    ("GET", "roster", "/v1/students/{student_id}/certificates"): lambda api: (
        f"/v1/students/{_student(api)}/certificates", None),
    ("POST", "roster", "/v1/students/{student_id}/certificates"): lambda api: (
        f"/v1/students/{_student(api)}/certificates", None),
    ("POST", "roster", "/v1/errata/{erratum_id}/decision"): lambda api: (
        f"/v1/errata/{_erratum(api)}/decision", {"decision": "approved"}),
    ("GET", "roster", "/v1/certificates/{number}"): lambda api: (f"/v1/certificates/{_certificate(api)}", None),
    ("GET", "roster", "/v1/certificates/{number}/pdf"): lambda api: (
        f"/v1/certificates/{_certificate(api)}/pdf", None),
    ("GET", "roster", "/v1/imports/{job_id}"): lambda api: (f"/v1/imports/{_import_job(api)}", None),
    ("GET", "roster", "/v1/imports/{job_id}/issues"): lambda api: (f"/v1/imports/{_import_job(api)}/issues", None),
    ("GET", "roster", "/v1/imports/{job_id}/annotated.xlsx"): lambda api: (
        f"/v1/imports/{_import_job(api)}/annotated.xlsx", None),
    ("POST", "roster", "/v1/imports/{job_id}/commit"): lambda api: (f"/v1/imports/{_import_job(api)}/commit", {}),
    ("DELETE", "roster", "/v1/imports/{job_id}"): lambda api: (f"/v1/imports/{_import_job(api)}", None),
    ("GET", "roster", "/v1/review/batches/{batch_id}"): lambda api: (f"/v1/review/batches/{_batch(api)}", None),
    ("GET", "roster", "/v1/review/batches/{batch_id}/items"): lambda api: (
        f"/v1/review/batches/{_batch(api)}/items", None),
    ("GET", "roster", "/v1/class-lists.xlsx"): lambda api: ("/v1/class-lists.xlsx?school_code=10403", None),
    ("GET", "roster", "/v1/classes/{class_id}/passes.pdf"): lambda api: (f"/v1/classes/{_class(api)}/passes.pdf",
                                                                         None),
    ("GET", "roster", "/v1/reviewed-list.xlsx"): lambda api: (
        "/v1/reviewed-list.xlsx?term=2026-06&school_code=10403", None),
    ("GET", "scheduling", "/v1/schools/{school_code}/summary"): lambda api: ("/v1/schools/10403/summary", None),
    # the school's prepayment (tests/payments/test_school_prepayment.py: the province, the agency, strangers)
    ("GET", "payments", "/v1/schools/{school_code}/prepayment"): lambda api: ("/v1/schools/10403/prepayment", None),
    ("POST", "payments", "/v1/schools/{school_code}/prepayment/pay"): lambda api: (
        "/v1/schools/10403/prepayment/pay", {"channel": "alipay_page"}),
    ("POST", "payments", "/v1/schools/{school_code}/prepayment/check"): lambda api: (
        "/v1/schools/10403/prepayment/check", None),
    **_job_probes(),
    **_scheduling_probes(),
    **_capture_probes(),
}

# Endpoints only some roles reach at all (checked in their own tests): listed so the matrix stays complete.
ROLE_ONLY = {
    ("POST", "roster", "/v1/provinces"), ("POST", "roster", "/v1/agencies"), ("POST", "roster", "/v1/schools"),
    ("POST", "roster", "/v1/campaigns"), ("POST", "roster", "/v1/review/batches"),
    ("POST", "roster", "/v1/review/batches/{batch_id}/decisions"), ("POST", "roster", "/v1/imports"),
    ("GET", "roster", "/v1/students/me"), ("GET", "roster", "/v1/students/me/pass"),
    ("PUT", "roster", "/v1/students/me/capture-code"), ("POST", "scheduling", "/v1/capture-days"),
    # the student's own make-up certificates (tests/roster/test_students.py)
    ("GET", "roster", "/v1/students/me/certificates"),
    # photographers only, in their province (tests/capture/test_legacy_checkin.py)
    ("POST", "roster", "/v1/students/identify"),
    # the agency assigns a station's photographer (tests/capture/test_planned_days.py)
    ("PUT", "capture", "/v1/stations/{station_id}/photographer"),
    # the agency, on the day (tests/scheduling/test_defer.py)
    ("POST", "scheduling", "/v1/plans/{plan_id}/assignments/{class_id}/defer"),
    ("GET", "scheduling", "/v1/slots/me"), ("POST", "scheduling", "/v1/makeup/windows"),
    ("GET", "scheduling", "/v1/makeup/bookings/me"), ("PUT", "scheduling", "/v1/makeup/bookings/me"),
    ("DELETE", "scheduling", "/v1/makeup/bookings/me"),
    # The kernel's dead letters, on every service: platform admin only (tests/kernel/test_dead_letters.py).
    *((method, service, path) for service in SERVICES for method, path in (
        ("GET", "/v1/admin/dead-letters"), ("POST", "/v1/admin/dead-letters/{letter_id}/replay"))),
    # payments (tests/payments/test_payments_scope.py): agency-only writes, the student's own order, the monitor's
    # own class
    ("PUT", "payments", "/v1/fee-profiles"), ("GET", "payments", "/v1/orders/me"),
    ("POST", "payments", "/v1/orders/me/pay"), ("POST", "payments", "/v1/orders/me/check"),
    ("GET", "payments", "/v1/classes/me/settlement"), ("POST", "payments", "/v1/classes/me/settlement/pay"),
    ("POST", "payments", "/v1/classes/me/settlement/check"),
    # the student's own WeChat round trip (tests/payments/test_wechat_openid.py)
    ("GET", "payments", "/v1/wechat/authorize"), ("POST", "payments", "/v1/wechat/openid"),
    # capture (tests/capture/test_proofreading.py): the student's own proofreading; the reminders CSV (another
    # school gets an empty list there)
    ("GET", "capture", "/v1/proofreading/me"), ("POST", "capture", "/v1/proofreading/me/confirm"),
    ("POST", "capture", "/v1/proofreading/me/report"), ("GET", "capture", "/v1/proofreading/reminders.csv"),
    # payments reconciliation (tests/payments/test_reconciliation.py, which also reads a 10403 discrepancy as
    # 10405's admin and gets 404): runs and resolutions are the agency's alone
    ("POST", "payments", "/v1/reconciliation/runs"), ("GET", "payments", "/v1/reconciliation/runs/{run_id}"),
    ("GET", "payments", "/v1/reconciliation/discrepancies/{discrepancy_id}"),
    ("POST", "payments", "/v1/reconciliation/discrepancies/{discrepancy_id}/resolve"),
    # the reports' files: agency and school admins only, each its own scope (test_reconciliation.py)
    ("GET", "payments", "/v1/reports/schools/export"), ("GET", "payments", "/v1/reports/classes/export"),
    # the daily takings need a date range: the agency and the province see province 36's schools and not 37's,
    # a school itself, students, monitors, coordinators and photographers nothing (tests/payments/test_takings.py)
    ("GET", "payments", "/v1/reports/takings"), ("GET", "payments", "/v1/reports/takings/export"),
}


def _routes(api: Api) -> set[tuple[str, str, str]]:
    found = set()
    for service in SERVICES:
        for path, operations in api.client.get(f"/api/{service}/openapi.json").json()["paths"].items():
            local = path.removeprefix(f"/api/{service}")
            if local not in PUBLIC:
                found |= {(method.upper(), service, local) for method in operations}
    return found


def test_every_endpoint_has_a_tenancy_check(embedded: Api) -> None:
    listed = {("GET", s, p) for s, p in LISTS} | set(OBJECTS) | ROLE_ONLY
    assert _routes(embedded) - listed == set(), "add the new endpoints to the tenancy matrix"
    assert listed - _routes(embedded) == set(), "the matrix names endpoints that no longer exist"


@pytest.mark.parametrize(("service", "path"), sorted(LISTS))
def test_lists_show_only_the_callers_tenant(embedded: Api, service: str, path: str) -> None:
    for user in LISTS[(service, path)]:
        response = embedded.get(f"/api/{service}{path}", user)
        assert response.status_code == 200, (user, response.text)
        assert response.headers["cache-control"] == "no-store"  # tenants' data: kept by no cache
        _check_rows(response.json(), user)


_student_tokens: dict[int, dict[str, str]] = {}


def _student_headers(api: Api) -> dict[str, str]:
    # Signed in once per system: every probe signing in anew would run into the sign-in rate limit.
    if id(api) not in _student_tokens:
        _student_tokens[id(api)] = _sign_in_student(api)
    return _student_tokens[id(api)]


def _sign_in_student(api: Api) -> dict[str, str]:
    [row] = api.get("/api/roster/v1/students", "school10403", params={"q": "2023090110"}).json()["items"]
    record = api.get(f"/api/roster/v1/students/{row['id']}", "school10403").json()
    token = api.client.post("/api/roster/v1/auth/student-token", json={
        "school_code": "10403", "student_no": "2023090110", "secret": record["id_number"][-6:]}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


@pytest.mark.parametrize("key", sorted(OBJECTS), ids=lambda k: f"{k[0]} {k[1]}{k[2]}")
def test_another_schools_objects_are_refused(embedded: Api, key: tuple[str, str, str]) -> None:
    method, service, _ = key
    path, body = OBJECTS[key](embedded)
    url = f"/api/{service}{path}"
    for headers in (embedded.as_user("school10405"), _student_headers(embedded)):
        response = embedded.client.request(method, url, headers=headers, json=body)
        assert response.status_code in {403, 404}, (method, url, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
