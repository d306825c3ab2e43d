"""Long jobs, one way for every service: a job table per database, claimed under a lease by any replica,
resumed after a crash, with progress, cancel and a clear failure. See runner.py for how a job runs."""

from services.kernel.jobs.context import (
    JobCancelled,
    JobContext,
    JobHandler,
    JobInterrupted,
    JobKind,
    JobOutcome,
)
from services.kernel.jobs.enqueue import enqueue
from services.kernel.jobs.runner import JobRunner
from services.kernel.jobs.table import JobState, add_job_table

__all__ = ["JobCancelled", "JobContext", "JobHandler", "JobInterrupted", "JobKind", "JobOutcome", "JobRunner",
           "JobState",
           "add_job_table", "enqueue"]
