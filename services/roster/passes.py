"""Capture passes: a signed QR code the student shows on their phone (or on paper) at check-in. It carries
only the pseudonymous subject key, signed by roster, so capture can verify it with the published key. Its
own audience keeps it from ever working as an API token."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import segno

from services.kernel.auth import TokenIssuer
from services.kernel.errors import Conflict
from services.kernel.tenancy import Principal, Role
from services.roster.models import Student
from services.roster.schemas import CapturePass

PASS_DAYS = 366


def capture_pass(issuer: TokenIssuer, student: Student) -> CapturePass:
    if student.review_status != "approved" or not student.subject_key:
        raise Conflict("not_approved", "资格审查通过后才能获取采集凭证", "A capture pass is issued after approval")
    expires = datetime.now(UTC) + timedelta(days=PASS_DAYS)
    principal = Principal(subject=student.subject_key, role=Role.STUDENT, username="",
                          province=student.province_code, school=student.school_code)
    claims = {"typ": "capture_pass", "aud": "tucai-capture-pass", "exp": int(expires.timestamp())}
    token = issuer.issue(principal, extra=claims)
    buffer = io.BytesIO()
    segno.make(token, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return CapturePass(subject_key=student.subject_key, token=token, qr_svg=buffer.getvalue().decode(),
                       expires_at=expires)
