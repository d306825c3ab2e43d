"""Signing in and the tokens every service accepts."""

from __future__ import annotations

from pathlib import Path

import jwt
from fastapi.testclient import TestClient

from services.gateway.app import create_gateway
from tests.conftest import embedded_settings
from tests.support.api import Api


def test_demo_logins_work_and_identify_the_account(embedded: Api) -> None:
    expected = {
        "agency": ("agency_admin", "36", None),
        "photographer": ("photographer", "36", None),
        "province": ("province_reviewer", "36", None),
        "school10403": ("school_admin", "36", "10403"),
        "school10405": ("school_admin", "36", "10405"),
    }
    for username, (role, province, school) in expected.items():
        me = embedded.get("/api/roster/v1/me", username).json()
        assert (me["role"], me["province_code"], me["school_code"]) == (role, province, school), username
    me = embedded.get("/api/roster/v1/me", "school10403").json()
    assert me["school_name"] == "南昌大学" and me["province_name"] == "江西省" and me["role_label"] == "学校管理员"


def test_wrong_password_is_refused_with_a_chinese_message(embedded: Api) -> None:
    for username in ("school10403", "nobody"):
        response = embedded.client.post("/api/roster/v1/auth/token",
                                        data={"username": username, "password": "wrong"})
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "invalid_credentials" and body["message_zh"] == "用户名或密码错误"


def test_every_service_accepts_a_roster_token_and_refuses_a_forged_one(embedded: Api) -> None:
    token = embedded.token("school10403")
    assert embedded.client.get("/api/scheduling/v1/colleges",
                               headers={"Authorization": f"Bearer {token}"}).status_code == 200
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["role"] == "school_admin" and claims["sch"] == "10403"
    forged = jwt.encode({**claims, "sch": "10405"}, "not-the-real-signing-key-of-tucai", algorithm="HS256")
    for path in ("/api/roster/v1/colleges", "/api/scheduling/v1/colleges"):
        response = embedded.client.get(path, headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401 and response.json()["code"] == "invalid_token"


def test_tokens_are_ed25519_signed_with_the_published_key(embedded: Api) -> None:
    keys = embedded.client.get("/api/roster/v1/auth/jwks").json()["keys"]
    assert keys and keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519" and "d" not in keys[0]
    token = embedded.token("province")
    claims = jwt.decode(token, jwt.PyJWK(keys[0]).key, algorithms=["EdDSA"], audience="tucai")
    assert claims["role"] == "province_reviewer"


def test_demo_accounts_are_refused_outside_demo_mode(tmp_path: Path) -> None:
    with TestClient(create_gateway(embedded_settings(tmp_path))) as client:
        assert client.post("/api/roster/v1/auth/token",
                           data={"username": "province", "password": "tucai-demo"}).status_code == 200
    with TestClient(create_gateway(embedded_settings(tmp_path, demo=False))) as client:
        response = client.post("/api/roster/v1/auth/token", data={"username": "province", "password": "tucai-demo"})
        assert response.status_code == 403 and response.json()["code"] == "demo_login_disabled"


def test_the_login_page_learns_of_demo_accounts_only_in_demo_mode(embedded: Api, tmp_path: Path) -> None:
    options = embedded.client.get("/api/roster/v1/auth/options").json()
    assert options["demo"] and options["demo_password"] == "tucai-demo"
    assert {"agency", "province", "school10403"} <= {a["username"] for a in options["demo_accounts"]}
    student = options["demo_student"]
    signed_in = embedded.client.post("/api/roster/v1/auth/student-token", json=student)
    assert signed_in.status_code == 200
    with TestClient(create_gateway(embedded_settings(tmp_path, demo=False))) as client:
        assert client.get("/api/roster/v1/auth/options").json() == {
            "demo": False, "demo_password": None, "demo_accounts": [], "demo_student": None}
