"""Students: sign-in with a second factor and lockout, seeing only themselves, the capture pass and code,
errata decided by the school with a full history, and make-up certificates the agency can verify."""

from __future__ import annotations

import jwt

from tests.support.api import Api, wait_until

DEMO_STUDENT_NO = "2023090101"


def _record(api: Api, student_no: str = DEMO_STUDENT_NO) -> dict:
    [row] = api.get("/api/roster/v1/students", "school10403", params={"q": student_no}).json()["items"]
    return api.get(f"/api/roster/v1/students/{row['id']}", "school10403").json()


def _student_token(api: Api, secret: str, student_no: str = DEMO_STUDENT_NO):  # type: ignore[no-untyped-def]
    return api.client.post("/api/roster/v1/auth/student-token",
                           json={"school_code": "10403", "student_no": student_no, "secret": secret})


def _as_student(api: Api) -> dict[str, str]:
    record = _record(api)
    response = _student_token(api, record["id_number"][-6:])
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_student_signs_in_and_sees_only_themself(embedded: Api) -> None:
    headers = _as_student(embedded)
    me = embedded.client.get("/api/roster/v1/students/me", headers=headers).json()
    assert me["student_no"] == DEMO_STUDENT_NO and len(me["id_number"]) == 18  # their own full record
    listed = embedded.client.get("/api/roster/v1/students", headers=headers).json()
    assert [s["student_no"] for s in listed["items"]] == [DEMO_STUDENT_NO]
    other = _record(embedded, "2023090102")
    assert embedded.client.get(f"/api/roster/v1/students/{other['id']}", headers=headers).status_code == 403
    assert embedded.client.get(f"/api/roster/v1/students/{other['id']}/history", headers=headers).status_code == 404
    erratum = embedded.client.post(f"/api/roster/v1/students/{other['id']}/errata", headers=headers,
                                   json={"field": "name", "new_value": "张三"})
    assert erratum.status_code == 404
    assert embedded.client.get("/api/roster/v1/imports", headers=headers).json()["total"] == 0
    assert embedded.client.get("/api/roster/v1/coordinators", headers=headers).json()["total"] == 0
    assert embedded.client.get("/api/roster/v1/review/batches", headers=headers).json()["total"] == 0
    for path in ("/api/capture/v1/subjects", "/api/payments/v1/payers"):
        assert embedded.client.get(path, headers=headers).status_code == 403


def test_wrong_second_factor_and_lockout(embedded: Api) -> None:
    student_no = "2023090103"
    record = _record(embedded, student_no)
    for _ in range(5):
        response = _student_token(embedded, "000000", student_no)
        assert response.status_code == 401 and response.json()["code"] == "invalid_student_credentials"
    locked = _student_token(embedded, record["id_number"][-6:], student_no)
    assert locked.status_code == 429 and locked.json()["code"] == "account_locked"
    assert "分钟" in locked.json()["message_zh"] and int(locked.headers["retry-after"]) > 0
    unknown = _student_token(embedded, "123456", "0000000000")
    assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_student_credentials"


def test_the_capture_pass_is_signed_and_no_api_token(embedded: Api) -> None:
    headers = _as_student(embedded)
    capture_pass = embedded.client.get("/api/roster/v1/students/me/pass", headers=headers).json()
    assert capture_pass["subject_key"].startswith("S") and capture_pass["qr_svg"].startswith("<svg")
    keys = embedded.client.get("/api/roster/v1/auth/jwks").json()["keys"]
    claims = jwt.decode(capture_pass["token"], jwt.PyJWK(keys[0]).key, algorithms=["EdDSA"],
                        audience="tucai-capture-pass")
    assert claims["sub"] == capture_pass["subject_key"] and claims["typ"] == "capture_pass"
    assert "360" not in capture_pass["token"].split(".")[1]  # no personal data inside
    assert set(claims) == {"sub", "prov", "sch", "typ", "aud", "iss", "exp"}  # what capture checks, no more
    # Opened again the same day it is the same pass (the QR on a phone's home screen stays the one shown before).
    again = embedded.client.get("/api/roster/v1/students/me/pass", headers=headers).json()
    assert again == capture_pass
    as_bearer = embedded.client.get("/api/roster/v1/me", headers={"Authorization": f"Bearer {capture_pass['token']}"})
    assert as_bearer.status_code == 401


def test_capture_code_reaches_capture_by_pseudonym(embedded: Api) -> None:
    headers = _as_student(embedded)
    response = embedded.client.put("/api/roster/v1/students/me/capture-code", headers=headers,
                                   json={"capture_code": "ab12cd34"})
    assert response.status_code == 200 and response.json()["capture_code"] == "AB12CD34"
    key = embedded.client.get("/api/roster/v1/students/me/pass", headers=headers).json()["subject_key"]
    wait_until(lambda: any(s["subject_key"] == key and s["has_capture_code"] for s in embedded.get(
        "/api/capture/v1/subjects", "photographer", params={"school_code": "10403"}).json()["items"]))


def test_an_erratum_from_proofreading_is_decided_by_the_school(embedded: Api) -> None:
    headers = _as_student(embedded)
    me = embedded.client.get("/api/roster/v1/students/me", headers=headers).json()
    bad = embedded.client.post(f"/api/roster/v1/students/{me['id']}/errata", headers=headers,
                               json={"field": "birth_date", "new_value": "2001-02-30"})
    assert bad.status_code == 422 and bad.json()["code"] == "date_invalid"  # the import's rule code
    filed = embedded.client.post(f"/api/roster/v1/students/{me['id']}/errata", headers=headers,
                                 json={"field": "name", "new_value": "欧阳 明", "reason": "姓名录入错误"})
    assert filed.status_code == 201, filed.text
    erratum = filed.json()
    assert (erratum["source"], erratum["status"], erratum["new_value"]) == ("proofreading", "pending", "欧阳明")
    queue = embedded.get("/api/roster/v1/errata", "school10403", params={"status": "pending"}).json()["items"]
    assert erratum["id"] in {e["id"] for e in queue}
    assert embedded.get("/api/roster/v1/errata", "school10405").json()["total"] == 0
    assert embedded.post(f"/api/roster/v1/errata/{erratum['id']}/decision", "school10405",
                         json={"decision": "approved"}).status_code == 404
    decided = embedded.post(f"/api/roster/v1/errata/{erratum['id']}/decision", "school10403",
                            json={"decision": "approved", "reason": "核对身份证无误"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert embedded.client.get("/api/roster/v1/students/me", headers=headers).json()["name"] == "欧阳明"
    history = embedded.client.get(f"/api/roster/v1/students/{me['id']}/history", headers=headers).json()["items"]
    assert [(h["field"], h["old_value"], h["new_value"], h["source"]) for h in history][-1] == (
        "name", me["name"], "欧阳明", "errata")
    # The approved student's masked name changes downstream too.
    key = embedded.client.get("/api/roster/v1/students/me/pass", headers=headers).json()["subject_key"]
    wait_until(lambda: any(s["subject_key"] == key and s["masked_name"] == "欧*明" for s in embedded.get(
        "/api/capture/v1/subjects", "photographer", params={"school_code": "10403"}).json()["items"]))
    again = embedded.post(f"/api/roster/v1/errata/{erratum['id']}/decision", "school10403",
                          json={"decision": "rejected", "reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "erratum_decided"


def test_a_make_up_certificate_is_issued_printed_and_verified(embedded: Api) -> None:
    record = _record(embedded, "2023090105")
    issued = embedded.post(f"/api/roster/v1/students/{record['id']}/certificates", "school10403")
    assert issued.status_code == 201, issued.text
    number = issued.json()["number"]
    listed = embedded.get(f"/api/roster/v1/students/{record['id']}/certificates", "school10403").json()["items"]
    assert [c["number"] for c in listed] == [number]
    pdf = embedded.get(f"/api/roster/v1/certificates/{number}/pdf", "school10403")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    check = embedded.get(f"/api/roster/v1/certificates/{number}", "agency").json()
    assert check["valid"] and check["school_name"] == "南昌大学" and "*" in check["id_number_masked"]
    assert check["student_name_masked"] != record["name"]
    assert embedded.get(f"/api/roster/v1/certificates/{number}", "school10405").status_code == 404
    # the student sees their own certificate (to bring it to the make-up); another student never does
    own = _student_token(embedded, record["id_number"][-6:], "2023090105").json()["access_token"]
    mine = embedded.client.get("/api/roster/v1/students/me/certificates", headers={"Authorization": f"Bearer {own}"})
    assert mine.status_code == 200 and [c["number"] for c in mine.json()["items"]] == [number]
    others = embedded.client.get("/api/roster/v1/students/me/certificates", headers=_as_student(embedded)).json()
    assert number not in [c["number"] for c in others["items"]]
    assert embedded.get("/api/roster/v1/students/me/certificates", "school10403").status_code == 403
    typo = number[:-1] + ("A" if number[-1] != "A" else "B")
    response = embedded.get(f"/api/roster/v1/certificates/{typo}", "agency")
    assert response.status_code == 422 and response.json()["code"] == "certificate_number_invalid"


def test_the_staff_search_matches_what_was_typed_not_wildcards(embedded: Api) -> None:
    def found(q: str) -> int:
        response = embedded.get("/api/roster/v1/students", "school10403", params={"q": q})
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    assert found("2023090") > 1 and found(DEMO_STUDENT_NO) == 1
    assert found("%") == 0 and found("_") == 0 and found("2023_9") == 0  # no student number holds these
    assert found("\\") == 0
