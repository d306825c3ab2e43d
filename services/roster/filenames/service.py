"""The delivery file-name join: capture, which knows students only by pseudonym, asks which file name each of its
photos gets in a package named by 身份证号 or 学号. The numbers leave roster only in this answer, to capture's
packaging job, which writes them into the package and nowhere else (not its database, not its logs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.kernel.errors import NotFound
from services.kernel.tenancy import Principal, require_school_access
from services.kernel.uow import UnitOfWork
from services.roster.directory import repository as directory_repo
from services.roster.filenames import repository as repo
from services.roster.models import AuditEntry


class Naming(StrEnum):
    ID_NUMBER = "id_number"  # 身份证号.jpg, CHSI's legacy import
    STUDENT_NO = "student_no"  # 学号.jpg


@dataclass(frozen=True)
class Names:
    stems: dict[str, str]
    unknown: list[str]


def file_names(uow: UnitOfWork, principal: Principal | None, school_code: str, naming: Naming,
               subject_keys: Sequence[str]) -> Names:
    """`principal` None: a signed call of a service (the platform itself); else an agency or platform user, who
    may ask only about schools of their province."""
    school = directory_repo.school_for_system(uow.session, school_code)
    if school is None:
        raise NotFound("school_not_found", "学校不存在", "No such school")
    if principal is not None:
        require_school_access(principal, school_code, school.province_code)
    keys = list(dict.fromkeys(subject_keys))
    stems = {key: (id_number if naming == Naming.ID_NUMBER else student_no)
             for key, student_no, id_number in repo.numbers_of(uow.session, school_code, keys)}
    # Who was given whose numbers is audited (counts only: the audit never repeats the numbers).
    uow.session.add(AuditEntry(school_code=school_code, province_code=school.province_code,
                               actor=principal.username if principal else "capture",
                               actor_role=principal.role.value if principal else "service",
                               action="delivery.file_names", target_type="school", target_id=school_code,
                               details={"naming": naming.value, "asked": len(keys), "named": len(stems)}))
    return Names(stems=stems, unknown=[k for k in keys if k not in stems])
