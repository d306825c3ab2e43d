"""Request and response bodies of the delivery file-name join."""

from __future__ import annotations

from pydantic import BaseModel, Field

from services.roster.filenames.service import Naming

# A school's whole graduating class in one call; capture sends larger lists in chunks.
MAX_KEYS = 5000


class FileNamesIn(BaseModel):
    school_code: str = Field(pattern=r"^\d{5}$")
    naming: Naming
    subject_keys: list[str] = Field(max_length=MAX_KEYS, description="capture's pseudonymous keys")


class FileName(BaseModel):
    subject_key: str
    stem: str = Field(description="the file name without .jpg, exactly as roster holds the value")


class FileNamesOut(BaseModel):
    names: list[FileName]
    unknown: list[str] = Field(description="keys that are not (or no longer) approved students of the school")
