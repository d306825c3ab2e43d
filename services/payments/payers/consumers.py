"""Keeps payments' payers from roster's events: roster's approved-student projection and nothing more (yet).
It listens to all of roster ("roster.>") so that college and class renames reach the payer rows; widening the
filter updates the durable in place, keeping its position."""

from __future__ import annotations

from services.kernel.events.consumer import Consumer
from services.payments.models import Payer
from services.roster.projection import approved_students_handlers

payers_consumer = Consumer(name="payers", subjects="roster.>", handlers=approved_students_handlers(Payer))
