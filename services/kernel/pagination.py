"""Pagination bounds of every list of every service: an offset past any real list is refused with a 422 instead of
reaching the database (an offset of 2**63 overflows SQLite's integer and used to be a 500)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_OFFSET = 10**6
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip (at most 1,000,000)")]
