"""Typed, versioned events. One class per (type, version); every class registers itself, so a consumer turns
an envelope back into the publisher's class. A publisher's `events.py` holds its classes: its public contract."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from services.kernel.events.envelope import Envelope, Tenant


class UnknownEvent(LookupError):
    """No class is registered for an envelope's type and version (a newer publisher, or a typo)."""


class Event(BaseModel):
    """Subclasses set TYPE (dotted, owner first: "roster.student.approved") and, when the payload changes
    incompatibly, a new VERSION in a new class. Fields named province_code / school_code give the tenant."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "TYPE" in cls.__dict__:
            register(cls)

    def tenant(self) -> Tenant:
        return Tenant(province=getattr(self, "province_code", None), school=getattr(self, "school_code", None))

    def envelope(self) -> Envelope:
        return Envelope(type=self.TYPE, version=self.VERSION, tenant=self.tenant(),
                        payload=self.model_dump(mode="json"))


_REGISTRY: dict[tuple[str, int], type[Event]] = {}


def register(cls: type[Event]) -> None:
    key = (cls.TYPE, cls.VERSION)
    existing = _REGISTRY.get(key)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise ValueError(f"event {key} is already registered by {existing.__module__}.{existing.__qualname__}")
    _REGISTRY[key] = cls


def event_class(type_: str, version: int = 1) -> type[Event]:
    try:
        return _REGISTRY[(type_, version)]
    except KeyError:
        raise UnknownEvent(f"no event class for {type_} v{version}") from None


def parse(envelope: Envelope) -> Event:
    """The typed event an envelope carries; raises UnknownEvent or a pydantic ValidationError."""
    return event_class(envelope.type, envelope.version).model_validate(envelope.payload)
