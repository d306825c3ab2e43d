"""Publish events on the embedded system's bus from a test, as another service would (replays, forged
payloads, events a producer does not send yet)."""

from __future__ import annotations

from services.kernel.events.envelope import Envelope
from services.kernel.events.event import Event
from tests.support.api import Api


def publish(api: Api, event: Event | Envelope) -> Envelope:
    envelope = event if isinstance(event, Envelope) else event.envelope()
    portal = api.client.portal  # type: ignore[union-attr]
    portal.call(api.client.app.runtime.bus.publish, envelope)  # type: ignore[union-attr]
    return envelope
