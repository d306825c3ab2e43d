"""Sign-in for staff accounts and who the caller is."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from services.kernel.auth import TokenIssuer, hash_password, verify_password
from services.kernel.errors import TucaiError, Unauthorized
from services.kernel.ratelimit import account_locked
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


@dataclass(frozen=True)
class LockPolicy:
    """An account locks after `failures` failed sign-ins within `window`, for `lock`, whatever the address."""

    failures: int
    window: timedelta
    lock: timedelta


STAFF_LOCK = LockPolicy(10, timedelta(minutes=15), timedelta(minutes=15))  # issue 7, part 4
STUDENT_LOCK = LockPolicy(5, timedelta(minutes=15), timedelta(minutes=15))


def _account_key(kind: str, *parts: str) -> str:
    # Hashed: what someone typed as a username is neither stored nor bounded by its length.
    return hashlib.sha256("\x1f".join((kind, *parts)).encode()).hexdigest()


def _locked_for(session: Session, key: str, now: datetime) -> int:
    """Seconds until `key` may try again; 0 when it is not locked."""
    row = repo.sign_in_failure(session, key)
    if row is None or row.locked_until is None or row.locked_until <= now:
        return 0
    return int((row.locked_until - now).total_seconds()) + 1


def _failed(session: Session, key: str, policy: LockPolicy, now: datetime) -> None:
    """Count a failure (every replica counts in the same row); the limit-th one starts the lock."""
    repo.prune_sign_in_failures(session, now - policy.window - policy.lock)
    if repo.count_sign_in_failure(session, key, now, now - policy.window) >= policy.failures:
        repo.lock_sign_in(session, key, now + policy.lock)


def sign_in(session: Session, issuer: TokenIssuer, username: str, password: str, demo_mode: bool) -> IssuedToken:
    key, now = _account_key("staff", username.strip().casefold()), datetime.now(UTC)
    if wait := _locked_for(session, key, now):
        raise account_locked(wait)
    user = repo.user_by_username(session, username.strip())
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        _failed(session, key, STAFF_LOCK, now)  # unknown names lock too: the lock tells nobody which accounts exist
        raise _invalid()
    if not verify_password(user.password_hash, password):
        _failed(session, key, STAFF_LOCK, now)
        raise _invalid()
    repo.clear_sign_in_failures(session, key)
    if user.is_demo and not demo_mode:
        raise TucaiError("demo_login_disabled", "演示账号仅在演示模式下可用",
                         "Demo accounts work only in demo mode", status=403)
    principal = Principal(subject=user.id, role=Role(user.role), username=user.username,
                          province=user.province_code, school=user.school_code, college=user.college_id,
                          klass=user.class_id)
    return IssuedToken(access_token=issuer.issue(principal), expires_in=issuer.ttl_seconds, principal=principal)


def _invalid() -> Unauthorized:
    # The failure just counted must be kept although the sign-in fails.
    return Unauthorized("invalid_credentials", "用户名或密码错误", "Wrong username or password",
                        headers={"WWW-Authenticate": "Bearer"}, keep_changes=True)


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
# everyone, whatever the address and whichever replica answers.
# What an unknown 学号 is compared against: the same work as a real one, never a match.
_NO_FACTOR = "\x00" * 6


def student_sign_in(uow: UnitOfWork, issuer: TokenIssuer, school_code: str, student_no: str, secret: str
                    ) -> IssuedToken:
    session = uow.session
    key, now = _account_key("student", school_code, student_no.strip().casefold()), datetime.now(UTC)
    if wait := _locked_for(session, key, now):
        raise account_locked(wait)
    student = repo.student_for_signin(session, school_code, student_no.strip())
    school = directory_repo.school_for_system(session, school_code)
    expected = _second_factor(student, school.student_second_factor if school else "id_last6") if student else ""
    given = secret.strip().upper().encode()
    matches = hmac.compare_digest(given, (expected or _NO_FACTOR).upper().encode())
    if student is None or not expected or not matches:
        _failed(session, key, STUDENT_LOCK, now)
        raise _student_invalid()
    repo.clear_sign_in_failures(session, key)
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


def _student_invalid() -> Unauthorized:
    return Unauthorized("invalid_student_credentials", "学号或验证信息错误", "Wrong student number or secret",
                        headers={"WWW-Authenticate": "Bearer"}, keep_changes=True)
