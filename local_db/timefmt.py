"""Times in the database: fixed-width ISO 8601 UTC text, so text order is time order."""

from __future__ import annotations

import datetime as dt


def format_utc(value: dt.datetime) -> str:
    """`2025-03-01T09:30:00.000000Z`; refuses naive datetimes (all times are aware UTC)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: times inside Tillpoint are timezone-aware UTC")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
