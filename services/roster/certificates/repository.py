"""Make-up certificates' SQL."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from services.kernel.db import table_of, upsert_insert
from services.kernel.errors import register_conflict
from services.kernel.queries import get_scoped, list_scoped
from services.kernel.tenancy import Principal
from services.roster.models import Certificate, CertificateCounter

# The counter makes numbers unique; should a number still collide (a counter reset by hand), it is a 409.
register_conflict("certificate", "certificate_number_taken", "证明编号已被占用，请重试",
                  "The certificate number is taken; try again")


def certificate(session: Session, principal: Principal, number: str) -> Certificate | None:
    return get_scoped(session, principal, Certificate, number=number)


def student_certificates(session: Session, principal: Principal, student_id: str) -> list[Certificate]:
    return list_scoped(session, principal, Certificate, Certificate.issued_at, student_id=student_id)


def next_sequence(session: Session, school_code: str, province_code: str, year: int) -> int:
    """The school's next certificate sequence for the year, race-free: the counter row is created if missing
    (ON CONFLICT DO NOTHING, so two first certificates at once both succeed) and then incremented by one
    UPDATE … RETURNING, which the database serialises per row; COUNT+1 would hand two requests one number."""
    table = table_of(CertificateCounter)
    session.execute(upsert_insert(session, table).values(school_code=school_code, year=year,
                                                         province_code=province_code, value=0)
                    .on_conflict_do_nothing())
    value = session.execute(update(table).where(table.c.school_code == school_code, table.c.year == year)
                            .values(value=table.c.value + 1).returning(table.c.value)).scalar_one()
    return int(value)
