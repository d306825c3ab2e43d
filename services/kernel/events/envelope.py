"""The event envelope every service publishes: the public shape of an event on the bus."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from services.kernel.ids import new_id


class Tenant(BaseModel):
    """Whose data an event is about; consumers scope their read models with it."""

    province: str | None = None
    school: str | None = None


class Envelope(BaseModel):
    id: str = Field(default_factory=new_id)
    type: str  # dotted, owner first: "roster.college.created"
    version: int = 1
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    tenant: Tenant = Field(default_factory=Tenant)
    payload: dict[str, Any] = Field(default_factory=dict)

    @property
    def service(self) -> str:
        return self.type.split(".", 1)[0]

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Envelope:
        return cls.model_validate_json(data)
