"""All of the file-name join's SQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlmodel import Session, col, select

from services.kernel.tenancy import unscoped_for_system
from services.roster.models import Student

CHUNK = 500  # below SQLite's bound-parameter limit


def numbers_of(session: Session, school_code: str, subject_keys: Sequence[str]
               ) -> Iterator[tuple[str, str, str]]:
    """(subject_key, 学号, ID number) of the school's students among the keys. A system read: the caller's right
    to the school was checked before (the agency by province, a service by its signature)."""
    for start in range(0, len(subject_keys), CHUNK):
        chunk = list(subject_keys[start:start + CHUNK])
        stmt = (select(Student.subject_key, Student.student_no, Student.id_number)
                .where(col(Student.school_code) == school_code, col(Student.subject_key).in_(chunk)))
        for key, student_no, id_number in session.execute(unscoped_for_system(stmt)):
            if key is not None:
                yield key, student_no, id_number
