"""A roster with batches to review, built through roster's own service functions: shared by the query-count
tests and the approval benchmark."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from services.kernel.service import ServiceContext
from services.kernel.settings import Settings
from services.kernel.tenancy import Principal, Role
from services.roster.app import create_app
from services.roster.directory import service as directory
from services.roster.models import Campaign, Province, Student
from services.roster.review import service as review
from services.roster.rules.idcard import check_digit

TERM = "2026-06"
REVIEWER = Principal(subject="r", role=Role.PROVINCE_REVIEWER, username="province", province="36")


@contextmanager
def roster_context(data_dir: Path, **settings: object) -> Iterator[ServiceContext]:
    """A started roster (migrated, its relay running) with 江西 and its 2026 campaign, no demo data."""
    app = create_app(Settings(data_dir=data_dir, demo=False, **settings))  # type: ignore[arg-type]
    with TestClient(app):
        context: ServiceContext = app.state.ctx
        with context.transaction() as uow:
            uow.session.add(Province(code="36", name="江西省"))
            uow.session.flush()
            uow.session.add(Campaign(province_code="36", term=TERM, name="2026届", levels=["本科"],
                                     graduation_from=date(2026, 1, 1), graduation_to=date(2026, 12, 31)))
        yield context


def submitted_batch(ctx: ServiceContext, school_code: str, students: int) -> str:
    """A school with two colleges of two classes each and `students` students, all submitted in one batch."""
    with ctx.transaction() as uow:
        directory.register_school(uow, school_code, f"学校{school_code}", "36")
        uow.session.flush()
        classes = []
        for c in range(2):
            college = directory.create_college(uow, directory.SYSTEM, f"C{c}", f"学院{c}", school_code)
            classes += [directory.create_class(uow, school_code, "36", college.id, f"{school_code}-{c}{k}", "班")
                        for k in range(2)]
        for n in range(students):
            first17 = f"3601{school_code[-2:]}{date(2000, 1, 1) + timedelta(days=n // 900):%Y%m%d}{n % 900 + 100}"
            klass = classes[n % len(classes)]
            uow.session.add(Student(
                school_code=school_code, province_code="36", college_id=klass.college_id, class_id=klass.id,
                student_no=f"{school_code}{n:05d}", name="王小明", sex="男", id_number=first17 + check_digit(first17),
                level="本科", study_mode="全日制" if n % 7 else "函授", expected_graduation=date(2026, 6, 30)))
        uow.session.flush()
        admin = Principal(subject="a", role=Role.SCHOOL_ADMIN, username="admin", province="36", school=school_code)
        return review.submit(uow, admin, TERM, None, school_code).id


