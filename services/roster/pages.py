"""The envelope of a paged list response, shared by the feature modules' schemas."""

from __future__ import annotations

from pydantic import BaseModel


class Page(BaseModel):
    total: int
    offset: int = 0
    limit: int = 0
