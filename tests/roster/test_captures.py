"""Roster records captures from capture's PhotoAccepted events, and the review's "captured in an earlier term" flag
reads that record: a student merely approved in an earlier term is no longer flagged as if photographed.
(The HTTP path, a photo uploaded at a station reaching the student's record, is in
tests/capture/test_proofreading.py.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import col, select

from services.capture.events import PhotoAccepted
from services.kernel.events.consumer import apply_batch
from services.kernel.tenancy import unscoped_for_system
from services.roster.captures.consumers import captures_consumer
from services.roster.models import Campaign, ReviewBatch, ReviewItem, Student, StudentCapture, inbox
from services.roster.review import service as review
from tests.support.roster_batches import REVIEWER, roster_context, submitted_batch


def _accepted(student: Student, photo_id: str, version: int) -> PhotoAccepted:
    return PhotoAccepted(photo_id=photo_id, checkin_id="c", station_id="s", school_code=student.school_code,
                         province_code=student.province_code, subject_key=student.subject_key or "", sequence_no=1,
                         version=version, first=version == 1, overridden=False)


def test_photographed_students_are_recorded_and_flagged_in_a_later_term(tmp_path: Path) -> None:
    with roster_context(tmp_path) as ctx:
        first = submitted_batch(ctx, "10999", 3)
        with ctx.transaction() as uow:
            review.decide(uow, REVIEWER, first, "approved", "材料齐全")
        with ctx.transaction() as uow:
            captured, approved_only, new = uow.session.exec(unscoped_for_system(
                select(Student).order_by(col(Student.student_no)))).all()
        envelopes = [_accepted(captured, "p1", 1).envelope(), _accepted(captured, "p2", 2).envelope()]
        late_old_version = _accepted(captured, "p0", 1).envelope()  # a retake's predecessor arriving late
        for batch in (envelopes, envelopes, [late_old_version]):  # redelivered: applied once
            apply_batch(ctx.uow, inbox, captures_consumer, batch)
        with ctx.transaction() as uow:
            [record] = uow.session.exec(unscoped_for_system(select(StudentCapture))).all()
        assert (record.student_id, record.term) == (captured.id, "2026-06")
        assert (record.first_photo_id, record.latest_photo_id, record.latest_version) == ("p1", "p2", 2)

        # Next year the school lists the same students again (a deferred graduation).
        with ctx.transaction() as uow:
            uow.session.add(Campaign(province_code="36", term="2027-06", name="2027届", levels=["本科"],
                                     graduation_from=date(2027, 1, 1), graduation_to=date(2027, 12, 31)))
            batch = ReviewBatch(school_code="10999", province_code="36", term="2027-06", submitted_by="admin",
                                students=3)
            uow.session.add(batch)
            uow.session.flush()
            for student in (captured, approved_only, new):
                uow.session.add(ReviewItem(batch_id=batch.id, student_id=student.id, school_code="10999",
                                           province_code="36", term="2027-06"))
        with ctx.transaction() as uow:
            flags = {line.student.id: [f.code for f in line.flags]
                     for line in review.lines(uow.session, REVIEWER, batch.id)}
        assert "captured_in_earlier_term" in flags[captured.id]
        assert "captured_in_earlier_term" not in flags[approved_only.id]  # approved, never photographed
        assert "captured_in_earlier_term" not in flags[new.id]
        assert not any("approved_in_earlier_term" in codes for codes in flags.values())
