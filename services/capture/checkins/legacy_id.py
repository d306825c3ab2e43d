"""Legacy check-in by ID number, where the deployment enables it: the number goes to roster (which holds the
numbers) with the photographer's own token, and only the student's pseudonymous key comes back, so capture
still never stores nor logs a full ID number."""

from __future__ import annotations

import httpx

from services.capture.checkins.passes import PassClaims
from services.kernel.errors import TucaiError
from services.kernel.runtime import Runtime


def legacy_disabled() -> TucaiError:
    return TucaiError("legacy_checkin_disabled", "本部署未启用按证件号码签到，请扫描采集凭证",
                      "Check-in by ID number is not enabled in this deployment; scan the capture pass", status=403)


async def identify(runtime: Runtime, authorization: str, id_number: str) -> PassClaims:
    async with runtime.client("roster") as client:
        try:
            response = await client.post("/api/roster/v1/students/identify", json={"id_number": id_number},
                                         headers={"Authorization": authorization})
        except httpx.HTTPError:
            raise TucaiError("roster_unavailable", "暂时无法查询学生名册，请稍后重试或扫描采集凭证",
                             "The roster cannot be reached; retry or scan the capture pass", status=503) from None
    body = response.json() if response.headers.get("content-type", "").endswith("json") else {}
    if response.status_code != 200:
        # Roster's refusal (unknown, not approved, ambiguous, not allowed) is the photographer's answer as is.
        raise TucaiError(str(body.get("code", "roster_refused")), str(body.get("message_zh", "学生名册拒绝了查询")),
                         str(body.get("message_en", "The roster refused the lookup")),
                         status=response.status_code if response.status_code < 500 else 502)
    return PassClaims(subject_key=str(body["subject_key"]), school_code=str(body["school_code"]), province_code=None)
