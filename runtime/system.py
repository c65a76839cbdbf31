"""Production implementations of the clock and id ports (tests pass fixed ones)."""

from __future__ import annotations

import datetime as dt
import uuid


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class UuidIds:
    def new_id(self) -> str:
        return uuid.uuid4().hex


class FixedClock:
    """A clock that stands still until moved: for tests, demos and scenario replays."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware time")
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, delta: dt.timedelta) -> None:
        self.at = self.at + delta


class SequentialIds:
    """Deterministic ids (prefix-000001, ...) for tests and replays."""

    def __init__(self, prefix: str = "id") -> None:
        self.prefix = prefix
        self.counter = 0

    def new_id(self) -> str:
        self.counter += 1
        return f"{self.prefix}-{self.counter:06d}"
