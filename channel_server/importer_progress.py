"""A plain progress bar on stderr for `tillpoint server import` (no extra dependency).

On a terminal the bar redraws in place at most ten times a second; into a file or pipe only
each phase's closing line is written, so logs stay readable. `Progress(enabled=False)` is
silent (`--quiet`, and the library use).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

_WIDTH = 30
SHOW_FROM = 10_000  # smaller phases get no line unless they are slow


def count_lines(path: Path) -> int:
    """Lines in a file, fast (for the bar's total; quoted multi-line cells make it an
    overestimate, which only makes the bar finish early)."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


class Bar:
    def __init__(self, out: TextIO | None, label: str, total: int, live: bool) -> None:
        self._out = out
        self._label = label
        self._total = total
        self._live = live
        self.done = 0
        self._started = time.monotonic()
        self._drawn = 0.0

    def advance(self, n: int) -> None:
        self.done += n
        if self._live and self._out is not None:
            now = time.monotonic()
            if now - self._drawn >= 0.1 and now - self._started >= 0.3:
                self._drawn = now
                self._draw(now, "\r")

    def _draw(self, now: float, lead: str, end: str = "") -> None:
        assert self._out is not None
        seconds = now - self._started
        if self._total > 0:
            share = min(self.done / self._total, 1.0)
            filled = int(share * _WIDTH)
            bar = f"{share * 100:3.0f}% [{'#' * filled}{'.' * (_WIDTH - filled)}] "
            count = f"{self.done:,}/{self._total:,}"
        else:
            bar, count = "", f"{self.done:,}"
        self._out.write(f"{lead}{self._label:<34} {bar}{count} {seconds:5.1f} s{end}")
        self._out.flush()

    def close(self) -> None:
        """The phase's closing line, for phases worth a line (big, slow, or already drawn)."""
        if self._out is None:
            return
        now = time.monotonic()
        if self._drawn or self._total >= SHOW_FROM or self.done >= SHOW_FROM:
            self._draw(now, "\r" if self._live else "", "\n")
        elif now - self._started >= 1.0:
            self._draw(now, "", "\n")


class Progress:
    """Makes one Bar per phase (reading a file, writing an entity)."""

    def __init__(self, enabled: bool = True, out: TextIO | None = None) -> None:
        self._out = (out or sys.stderr) if enabled else None
        self._live = bool(self._out is not None and self._out.isatty())

    @contextlib.contextmanager
    def bar(self, label: str, total: int) -> Iterator[Bar]:
        bar = Bar(self._out, label, total, self._live)
        try:
            yield bar
        finally:
            bar.close()

    def note(self, text: str) -> None:
        if self._out is not None:
            self._out.write(text + "\n")
            self._out.flush()
