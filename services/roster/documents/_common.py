"""Helpers shared by the documents: Beijing time and the printed width of Chinese text."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    SHANGHAI: timezone | ZoneInfo = ZoneInfo("Asia/Shanghai")
except ZoneInfoNotFoundError:  # slim images ship no tz database; China has kept UTC+8 without DST since 1991
    SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def in_shanghai(moment: datetime) -> datetime:
    """A UTC instant (naive means UTC) in Asia/Shanghai."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI)


def minute_text(moment: datetime | None) -> str:
    """``YYYY-MM-DD HH:mm`` in Asia/Shanghai, or an empty string."""
    return "" if moment is None else in_shanghai(moment).strftime("%Y-%m-%d %H:%M")


def date_text_zh(moment: datetime) -> str:
    local = in_shanghai(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def display_width(text: str) -> int:
    """Columns the text takes in a fixed-width sense: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
