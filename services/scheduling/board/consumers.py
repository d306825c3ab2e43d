"""Keeps the live board's marks from capture's events (check-in opened/closed, photo accepted)."""

from __future__ import annotations

from services.capture.events import CheckinClosed, CheckinOpened, PhotoAccepted
from services.kernel.events.consumer import Consumer
from services.scheduling.board import service

board_consumer = Consumer(name="board", subjects="capture.>", handlers={
    CheckinOpened: service.record_checkin, CheckinClosed: service.record_close, PhotoAccepted: service.record_photo})
