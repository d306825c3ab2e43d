"""Sign-in for staff accounts and who the caller is."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from services.kernel.auth import TokenIssuer, hash_password, verify_password
from services.kernel.errors import TucaiError, Unauthorized
from services.kernel.ratelimit import FailureLock, account_locked
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
    principal: Principal  # whom it was issued for (the refresh token is issued for the same)


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


# Staff accounts lock after this many failures within STAFF_LOCK_SECONDS, whatever the address (issue 7, part 4).
STAFF_MAX_FAILURES = 10
STAFF_LOCK_SECONDS = 15 * 60


def staff_locks() -> FailureLock:
    return FailureLock(STAFF_MAX_FAILURES, STAFF_LOCK_SECONDS, STAFF_LOCK_SECONDS)


def sign_in(session: Session, issuer: TokenIssuer, username: str, password: str, demo_mode: bool,
            locks: FailureLock) -> IssuedToken:
    key = "staff:" + username.strip().casefold()
    if wait := locks.retry_after(key):
        raise account_locked(wait)
    user = repo.user_by_username(session, username.strip())
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        locks.failed(key)  # unknown names lock too: the lock tells nobody which accounts exist
        raise _invalid()
    if not verify_password(user.password_hash, password):
        locks.failed(key)
        raise _invalid()
    locks.succeeded(key)
    if user.is_demo and not demo_mode:
        raise TucaiError("demo_login_disabled", "演示账号仅在演示模式下可用",
                         "Demo accounts work only in demo mode", status=403)
    principal = Principal(subject=user.id, role=Role(user.role), username=user.username,
                          province=user.province_code, school=user.school_code, college=user.college_id,
                          klass=user.class_id)
    return IssuedToken(access_token=issuer.issue(principal), expires_in=issuer.ttl_seconds, principal=principal)


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


# Student sign-in: school + 学号 + a second factor the school chooses. Failures lock the 学号 (known or not) for
# everyone, whatever the address; a lock is also written on the record so that every replica honours it.
MAX_FAILURES = 5
LOCK_MINUTES = 15
# What an unknown 学号 is compared against: the same work as a real one, never a match.
_NO_FACTOR = "\x00" * 6


def student_locks() -> FailureLock:
    return FailureLock(MAX_FAILURES, LOCK_MINUTES * 60, LOCK_MINUTES * 60)


def student_sign_in(uow: UnitOfWork, issuer: TokenIssuer, school_code: str, student_no: str, secret: str,
                    locks: FailureLock) -> IssuedToken:
    session = uow.session
    key = f"student:{school_code}:{student_no.strip().casefold()}"
    student = repo.student_for_signin(session, school_code, student_no.strip())
    now = datetime.now(UTC)
    wait = locks.retry_after(key)
    if student is not None and student.locked_until and student.locked_until > now:
        wait = max(wait, int((student.locked_until - now).total_seconds()) + 1)
    if wait:
        raise account_locked(wait)
    school = directory_repo.school_for_system(session, school_code)
    expected = _second_factor(student, school.student_second_factor if school else "id_last6") if student else ""
    given = secret.strip().upper().encode()
    matches = hmac.compare_digest(given, (expected or _NO_FACTOR).upper().encode())
    if student is None or not expected or not matches:
        locked_for = locks.failed(key)
        if student is not None and locked_for:
            student.locked_until, student.failed_logins = now + timedelta(seconds=locked_for), 0
            session.add(student)
        # the lock must be kept even though this sign-in fails
        raise _student_invalid(keep_changes=student is not None and bool(locked_for))
    locks.succeeded(key)
    student.failed_logins, student.locked_until = 0, None
    session.add(student)
    principal = Principal(subject=student.id, role=Role.STUDENT, username=student.student_no,
                          province=student.province_code, school=student.school_code,
                          subject_key=student.subject_key if student.review_status == "approved" else None)
    return IssuedToken(access_token=issuer.issue(principal), expires_in=issuer.ttl_seconds, principal=principal)


def _second_factor(student: Student, kind: str) -> str:
    if kind == "birth_date":
        return student.birth_date.strftime("%Y%m%d") if student.birth_date else ""
    if kind == "exam_no_last6":
        return (student.exam_no or "")[-6:]
    return student.id_number[-6:]


def _student_invalid(*, keep_changes: bool = False) -> Unauthorized:
    return Unauthorized("invalid_student_credentials", "学号或验证信息错误", "Wrong student number or secret",
                        headers={"WWW-Authenticate": "Bearer"}, keep_changes=keep_changes)
