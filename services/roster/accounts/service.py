"""Sign-in for staff accounts and who the caller is."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from services.kernel.auth import TokenIssuer, hash_password, verify_password
from services.kernel.errors import TucaiError, Unauthorized
from services.kernel.tenancy import ROLE_LABELS, Principal, Role
from services.kernel.uow import UnitOfWork
from services.roster.accounts import repository as repo
from services.roster.directory import repository as directory_repo
from services.roster.models import Student

# Verifying against a fixed hash when the user is unknown keeps response times alike (no user probing).
_DUMMY_HASH = hash_password("no-such-user")


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int  # seconds


@dataclass(frozen=True)
class Account:
    """Who the caller is, with the names of their province and school."""

    username: str
    display_name: str
    role: str
    role_label: str
    province_code: str | None
    province_name: str | None
    school_code: str | None
    school_name: str | None


def sign_in(session: Session, issuer: TokenIssuer, username: str, password: str, demo_mode: bool) -> IssuedToken:
    user = repo.user_by_username(session, username.strip())
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        raise _invalid()
    if not verify_password(user.password_hash, password):
        raise _invalid()
    if user.is_demo and not demo_mode:
        raise TucaiError("demo_login_disabled", "演示账号仅在演示模式下可用",
                         "Demo accounts work only in demo mode", status=403)
    principal = Principal(subject=user.id, role=Role(user.role), username=user.username,
                          province=user.province_code, school=user.school_code, college=user.college_id,
                          klass=user.class_id)
    return IssuedToken(access_token=issuer.issue(principal), expires_in=issuer.ttl_seconds)


def _invalid() -> Unauthorized:
    return Unauthorized("invalid_credentials", "用户名或密码错误", "Wrong username or password",
                        headers={"WWW-Authenticate": "Bearer"})


def me(session: Session, principal: Principal) -> Account:
    if principal.role == Role.STUDENT:
        student = repo.student(session, principal, principal.subject)
        display = student.name if student else principal.username
    else:
        user = repo.user_by_id(session, principal, principal.subject)
        display = user.display_name if user else principal.username
    province = directory_repo.province(session, principal.province) if principal.province else None
    school = directory_repo.school(session, principal, principal.school) if principal.school else None
    return Account(
        username=principal.username,
        display_name=display,
        role=principal.role.value,
        role_label=ROLE_LABELS[principal.role],
        province_code=principal.province,
        province_name=province.name if province else None,
        school_code=principal.school,
        school_name=school.name if school else None,
    )


# Student sign-in: school + 学号 + a second factor the school chooses. Repeated failures lock the record.
MAX_FAILURES = 5
LOCK_MINUTES = 15


def student_sign_in(uow: UnitOfWork, issuer: TokenIssuer, school_code: str, student_no: str,
                    secret: str) -> IssuedToken:
    session = uow.session
    student = repo.student_for_signin(session, school_code, student_no.strip())
    now = datetime.now(UTC)
    if student is None:
        raise _student_invalid()
    if student.locked_until and student.locked_until > now:
        minutes = max(1, int((student.locked_until - now).total_seconds() // 60) + 1)
        raise TucaiError("account_locked", f"尝试次数过多，请 {minutes} 分钟后再试",
                         f"Too many attempts; try again in {minutes} minutes", status=429,
                         headers={"Retry-After": str(minutes * 60)})
    school = directory_repo.school_for_system(session, school_code)
    expected = _second_factor(student, school.student_second_factor if school else "id_last6")
    if not expected or not hmac.compare_digest(secret.strip().upper(), expected.upper()):
        student.failed_logins += 1
        if student.failed_logins >= MAX_FAILURES:
            student.locked_until, student.failed_logins = now + timedelta(minutes=LOCK_MINUTES), 0
        session.add(student)
        raise _student_invalid(keep_changes=True)  # the failure must count even though this sign-in fails
    student.failed_logins, student.locked_until = 0, None
    session.add(student)
    principal = Principal(subject=student.id, role=Role.STUDENT, username=student.student_no,
                          province=student.province_code, school=student.school_code,
                          subject_key=student.subject_key if student.review_status == "approved" else None)
    return IssuedToken(access_token=issuer.issue(principal), expires_in=issuer.ttl_seconds)


def _second_factor(student: Student, kind: str) -> str:
    if kind == "birth_date":
        return student.birth_date.strftime("%Y%m%d") if student.birth_date else ""
    if kind == "exam_no_last6":
        return (student.exam_no or "")[-6:]
    return student.id_number[-6:]


def _student_invalid(*, keep_changes: bool = False) -> Unauthorized:
    return Unauthorized("invalid_student_credentials", "学号或验证信息错误", "Wrong student number or secret",
                        headers={"WWW-Authenticate": "Bearer"}, keep_changes=keep_changes)
