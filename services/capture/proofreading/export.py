"""The reminder list as CSV (UTF-8 with BOM, so Excel opens Chinese correctly): who still has to proofread their
photo, with masked name and ID number only. Every cell goes through the one export rule
(services/kernel/inert.py): a college or class named like a formula stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from services.capture.proofreading.service import ProofView
from services.kernel.inert import inert

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = ["院校代码", "学院", "班级", "序号", "姓名", "证件号码", "照片版本", "校对截止"]


def reminders_csv(views: Iterable[ProofView]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for v in views:
        s, photo = v.subject, v.photo
        assert s is not None and photo is not None
        deadline = v.deadline.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if v.deadline else ""
        writer.writerow([inert(cell) for cell in (
            s.school_code, s.college_name or "", s.class_name or s.class_no or "", s.roster_order, s.masked_name,
            s.masked_id_number, photo.version, deadline)])
    return ("\ufeff" + buffer.getvalue()).encode()
