"""Errata (勘误): a correction to a student's data, requested while proofreading or by the school, decided by
the school; an approved erratum changes the record, leaves a history entry and is announced downstream."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from services.kernel.errors import Conflict, Forbidden, NotFound, TucaiError
from services.kernel.tenancy import Principal, Role, require_school_access
from services.kernel.uow import UnitOfWork
from services.roster.errata import repository as repo
from services.roster.events import ErratumRequested
from services.roster.models import AuditEntry, Erratum
from services.roster.rules.codes import DEFAULT as DEFAULT_CODES
from services.roster.rules.codes import CodeTables
from services.roster.students import repository as students_repo
from services.roster.students.service import (
    EDITABLE_FIELDS,
    apply_change,
    as_text,
    check_changes,
    refresh_warnings,
    student_in_scope,
)


def request(uow: UnitOfWork, principal: Principal, student_id: str, field: str, new_value: str, reason: str,
            codes: CodeTables = DEFAULT_CODES) -> Erratum:
    if principal.role not in {Role.STUDENT, Role.SCHOOL_ADMIN, Role.PLATFORM_ADMIN}:
        raise Forbidden("role_not_allowed", "当前角色无权提交勘误", "Your role may not file errata")
    student = student_in_scope(uow.session, principal, student_id)
    if field not in EDITABLE_FIELDS:
        raise TucaiError("field_not_correctable", f"字段「{field}」不能通过勘误修改",
                         f"Field {field} cannot be corrected by an erratum", status=422)
    # The record the correction would leave behind goes through the import's row rules (422 with the rule's code).
    value = check_changes(student, {field: new_value.strip()}, codes=codes).values[field]
    old = as_text(getattr(student, field))
    if old == as_text(value):
        raise TucaiError("erratum_no_change", "新值与现有信息相同", "The new value equals the current one", status=422)
    erratum = Erratum(student_id=student.id, school_code=student.school_code, province_code=student.province_code,
                      field=field, old_value=old, new_value=as_text(value), reason=reason.strip(),
                      source="proofreading" if principal.role == Role.STUDENT else "school",
                      requested_by=principal.username)
    uow.session.add(erratum)
    uow.emit(ErratumRequested(erratum_id=erratum.id, subject_key=student.subject_key, school_code=student.school_code,
                              province_code=student.province_code, field=field, source=erratum.source))
    return erratum


def decide(uow: UnitOfWork, principal: Principal, erratum_id: str, decision: str, reason: str,
           codes: CodeTables = DEFAULT_CODES) -> Erratum:
    if principal.role not in {Role.SCHOOL_ADMIN, Role.PLATFORM_ADMIN}:
        raise Forbidden("role_not_allowed", "只有学校管理员可以处理勘误", "Only the school decides errata")
    erratum = repo.erratum(uow.session, principal, erratum_id)
    if erratum is None:
        raise NotFound("erratum_not_found", "勘误申请不存在", "No such erratum")
    require_school_access(principal, erratum.school_code, erratum.province_code)
    if erratum.status != "pending":
        raise Conflict("erratum_decided", "该勘误已处理", "This erratum has already been decided")
    if decision == "rejected" and not reason.strip():
        raise TucaiError("reason_required", "驳回时必须填写原因", "A rejection needs a reason", status=422)
    student = student_in_scope(uow.session, principal, erratum.student_id)
    now = datetime.now(UTC)
    if decision == "approved":
        if as_text(getattr(student, erratum.field)) != erratum.old_value:
            raise Conflict("erratum_stale", "该字段在申请后已被修改，请重新提交勘误",
                           "The field changed after this request; file it again")
        # Checked again: the rest of the record may have changed since it was filed.
        checked = check_changes(student, {erratum.field: erratum.new_value}, codes=codes)
        if apply_change(uow, student, checked.values, source="errata", actor=principal.username,
                        reference=erratum.id):
            refresh_warnings(student, checked)
    erratum.status, erratum.decided_by, erratum.decided_at = decision, principal.username, now
    erratum.decision_reason = reason.strip()
    uow.session.add(erratum)
    uow.session.add(AuditEntry(school_code=erratum.school_code, province_code=erratum.province_code,
                               actor=principal.username, actor_role=principal.role.value,
                               action=f"erratum.{decision}", target_type="erratum", target_id=erratum.id,
                               reason=erratum.decision_reason, details={"field": erratum.field}))
    return erratum


@dataclass(frozen=True)
class ErratumView:
    erratum: Erratum
    student_no: str
    student_name: str
    field_label: str


def views(session: Session, errata: Sequence[Erratum]) -> list[ErratumView]:
    """Errata with who they are about (the students loaded in one query)."""
    students = students_repo.students_for_system(session, [e.student_id for e in errata])
    result = []
    for erratum in errata:
        student = students.get(erratum.student_id)
        result.append(ErratumView(erratum, student.student_no if student else "", student.name if student else "",
                                  EDITABLE_FIELDS.get(erratum.field, erratum.field)))
    return result


def in_scope(session: Session, principal: Principal, status: str | None, student_id: str | None) -> list[Erratum]:
    return repo.errata(session, principal, status, student_id)
