"""What each school and class owes and has paid. Expected is the photographed count × the school's fee (what a
class settles, and what students paying ahead owe once photographed); net is paid − refunded; outstanding is
what is still to collect, overpaid what is still to give back. Integer fen throughout."""

from __future__ import annotations

from dataclasses import dataclass

from services.kernel.tenancy import Principal
from services.kernel.uow import UnitOfWork
from services.payments.reports import repository as repo


@dataclass(frozen=True)
class ReportLine:
    school_code: str
    class_id: str | None
    class_no: str | None
    class_name: str | None
    payer_mode: str | None
    fee_fen: int | None
    students: int
    photographed: int
    expected_fen: int
    paid_fen: int
    refunded_fen: int

    @property
    def net_fen(self) -> int:
        return self.paid_fen - self.refunded_fen

    @property
    def outstanding_fen(self) -> int:
        return max(self.expected_fen - self.net_fen, 0)

    @property
    def overpaid_fen(self) -> int:
        return max(self.net_fen - self.expected_fen, 0)


def report(uow: UnitOfWork, principal: Principal, by_class: bool, school_code: str | None = None) -> list[ReportLine]:
    session = uow.session
    students = repo.payers(session, principal, by_class, school_code)
    shot = repo.photographed(session, principal, by_class, school_code)
    paid = repo.paid(session, principal, by_class, school_code)
    refunded = repo.refunded(session, principal, by_class, school_code)
    names = repo.classes(session, principal, school_code) if by_class else {}
    fees = repo.fees(session, principal, school_code)
    lines = []
    for key in sorted(set(students) | set(shot) | set(paid) | set(refunded), key=lambda k: (k[0], k[1] or "")):
        school, klass = key
        profile = fees.get(school)
        class_no, class_name = names.get(key, (None, None))
        fee = profile.amount_fen if profile else None
        lines.append(ReportLine(school_code=school, class_id=klass, class_no=class_no, class_name=class_name,
                                payer_mode=profile.payer_mode if profile else None, fee_fen=fee,
                                students=students.get(key, 0), photographed=shot.get(key, 0),
                                expected_fen=shot.get(key, 0) * (fee or 0), paid_fen=paid.get(key, 0),
                                refunded_fen=refunded.get(key, 0)))
    return lines
