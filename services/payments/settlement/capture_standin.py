"""A minimal stand-in for capture's photo-accepted event (see the package docstring)."""

from __future__ import annotations

from datetime import datetime

from services.kernel.events.event import Event


class PhotoAccepted(Event):
    """A student's photo passed the checks: they count as photographed for the class settlement."""

    TYPE = "capture.photo.accepted"

    subject_key: str
    province_code: str
    school_code: str
    class_id: str | None
    term: str
    accepted_at: datetime
