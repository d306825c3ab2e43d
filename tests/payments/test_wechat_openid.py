"""Inside WeChat, JSAPI pay needs the payer's openid: the student's phone goes to WeChat's authorize page (the
sandbox plays it), comes back with a one-time code, and the payments service exchanges it for the openid, which then
launches a JSAPI payment. Forged, stale, replayed and foreign returns are refused."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.support.api import DEMO_STUDENT, Api

PAY = "/api/payments/v1"


def _go_to_wechat(api: Api, back: str = "/m/pay") -> dict[str, str]:
    """The phone's round trip through WeChat's authorize page: the code and state it brings back."""
    response = api.get(f"{PAY}/wechat/authorize", DEMO_STUDENT, params={"back": back})
    assert response.status_code == 200, response.text
    url = urlsplit(response.json()["url"])
    assert url.fragment == "wechat_redirect" and parse_qs(url.query)["scope"] == ["snsapi_base"]
    authorize = api.client.get(f"{url.path}?{url.query}", follow_redirects=False)
    assert authorize.status_code == 302, authorize.text
    back_to = urlsplit(authorize.headers["location"])
    assert back_to.path == back
    return {k: v[0] for k, v in parse_qs(back_to.query).items()}


def test_the_code_brought_back_from_wechat_gives_the_openid_that_launches_jsapi_pay(embedded: Api) -> None:
    returned = _go_to_wechat(embedded)
    answer = embedded.post(f"{PAY}/wechat/openid", DEMO_STUDENT, json=returned)
    assert answer.status_code == 200, answer.text
    openid = answer.json()["openid"]
    assert openid.startswith("o")
    launched = embedded.post(f"{PAY}/orders/me/pay", DEMO_STUDENT, json={"channel": "wechat_jsapi", "openid": openid})
    assert launched.status_code == 200, launched.text
    jsapi = launched.json()["jsapi"]
    assert jsapi["package"].startswith("prepay_id=") and jsapi["signType"] == "RSA" and jsapi["paySign"]

    replayed = embedded.post(f"{PAY}/wechat/openid", DEMO_STUDENT, json=returned)  # a code works once
    assert replayed.status_code == 502 and replayed.json()["code"] == "wechat_oauth_failed"
    without = embedded.post(f"{PAY}/orders/me/pay", DEMO_STUDENT, json={"channel": "wechat_jsapi"})
    assert without.status_code == 422


def test_a_forged_or_foreign_state_and_a_foreign_return_address_are_refused(embedded: Api) -> None:
    returned = _go_to_wechat(embedded)
    expires, _, mac = returned["state"].partition(".")
    for state in (f"{expires}.{'A' * len(mac)}", f"{int(expires, 16) + 3600:x}.{mac}", "nonsense", "0." + mac,
                  f"{expires}.{'签' * len(mac)}", "\u0017\u00f2.\u00a9"):  # non-ASCII: refused, not a 500
        forged = embedded.post(f"{PAY}/wechat/openid", DEMO_STUDENT, json={**returned, "state": state})
        assert forged.status_code == 422 and forged.json()["code"] == "oauth_state_invalid", state
    for back in ("https://evil.example/x", "//evil.example/x", "/m/../../etc", "m/pay", "/m/pay?x=1"):
        refused = embedded.get(f"{PAY}/wechat/authorize", DEMO_STUDENT, params={"back": back})
        assert refused.status_code == 422, (back, refused.text)
    hostile = embedded.post(f"{PAY}/wechat/openid", DEMO_STUDENT, json={"code": "x" * 500, "state": "y"})
    assert hostile.status_code == 422
    wrong_host = embedded.client.get("/api/payments/sandbox/wechat/connect/oauth2/authorize", params={
        "appid": "wx0000000000000001", "redirect_uri": "https://evil.example/steal", "scope": "snsapi_base",
        "state": "s", "response_type": "code"}, follow_redirects=False)
    assert wrong_host.status_code == 400  # the code never travels to another site


def test_only_a_student_may_start_and_finish_the_round_trip(embedded: Api) -> None:
    returned = _go_to_wechat(embedded)
    for user in ("school10403", "monitor10403", "agency", "province"):
        assert embedded.get(f"{PAY}/wechat/authorize", user).status_code == 403, user
        assert embedded.post(f"{PAY}/wechat/openid", user, json=returned).status_code == 403, user
    assert embedded.client.post(f"{PAY}/wechat/openid", json=returned).status_code == 401
