"""The job table every service database has (added beside the outbox by `add_event_tables`)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table, Text

from services.kernel.db import UTCDateTime

JOB_TABLE = "job"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})


def add_job_table(metadata: MetaData) -> Table:
    return Table(
        JOB_TABLE, metadata,
        Column("id", String(32), primary_key=True),
        Column("kind", String(80), nullable=False),
        # Named like TenantScoped tables' columns so the kernel's scoping rule applies unchanged.
        Column("province_code", String(2)),
        Column("school_code", String(5)),
        Column("payload", JSON, nullable=False),
        Column("state", String(12), nullable=False, index=True),
        Column("progress_done", Integer, nullable=False, default=0),
        Column("progress_total", Integer),
        Column("message", String(400)),
        Column("error_code", String(80)),
        Column("error_zh", Text),
        Column("error_en", Text),
        Column("result", JSON),
        Column("attempts", Integer, nullable=False, default=0),
        Column("max_attempts", Integer, nullable=False),
        Column("lease_owner", String(64)),
        # While running: when the lease runs out. While queued: not before (a retry's back-off); NULL = now.
        Column("lease_until", UTCDateTime()),
        Column("cancel_requested", Boolean, nullable=False, default=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("started_at", UTCDateTime()),
        Column("finished_at", UTCDateTime()),
        Column("updated_at", UTCDateTime(), nullable=False),
    )
