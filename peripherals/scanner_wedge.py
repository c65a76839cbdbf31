"""Keyboard-wedge scanners: telling a scanner's keystroke burst from a person typing.

A wedge scanner "types" its code into whichever widget has focus, ending with a suffix key
(Enter by default). The Qt layer feeds every key press to `WedgeDetector.feed(char, time)`:
a burst whose keys all come within `max_gap_s` of each other and that ends with the suffix,
at least `min_length` characters long, is a scan; anything else was a person, and those keys
are handed back in order (`take_human_keys`) for the focused widget. A single key cannot be
judged until the next one comes or the gap runs out, so the Qt layer also calls `poll(now)`
when `deadline()` passes (a single-shot QTimer); a typed key is thus held back at most one gap.

`WedgeScanner` is the device (driver "wedge") around the detector: while enabled, a completed
burst is parsed with the store's layouts and emitted as DataEvent(ScanResult); while disabled
every key goes straight back to the widget, as if no scanner were listening.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from peripherals.config import DeviceConfig
from peripherals.device import Device
from peripherals.events import DataEvent, DeviceCategory, DeviceState, EventSink
from peripherals.scan_parse import ScanResult, parse_scan
from peripherals.scan_parse_layouts import BarcodeLayout

DEFAULT_MAX_GAP_S = 0.05  # scanners type a key every 1-20 ms; people rarely beat 50 ms
DEFAULT_MIN_LENGTH = 4
MAX_BURST = 256  # a burst longer than this without a suffix is not a scan


@dataclass(frozen=True, slots=True)
class WedgeSettings:
    """suffix: what the scanner types after a code ("\\r" Enter, "\\t" Tab, "" for none: the
    burst then ends when the keys stop). max_gap_s: the longest pause between two keys of one
    scan. min_length: shorter bursts are a person (a quick "12" + Enter goes to the widget)."""

    suffix: str = "\r"
    max_gap_s: float = DEFAULT_MAX_GAP_S
    min_length: int = DEFAULT_MIN_LENGTH

    def __post_init__(self) -> None:
        if not 0 < self.max_gap_s <= 1:
            raise ValueError(
                f"the wedge key gap must be between 0 and 1 second, not {self.max_gap_s}"
            )
        if self.min_length < 1:
            raise ValueError(f"the wedge minimum length must be at least 1, not {self.min_length}")


class WedgeDetector:
    """Pure logic: characters with timestamps (seconds, monotonic) in, scans and human keys out."""

    def __init__(self, settings: WedgeSettings | None = None) -> None:
        self.settings = settings or WedgeSettings()
        self._burst: list[str] = []
        self._last: float | None = None
        self._human: list[str] = []

    def feed(self, char: str, timestamp: float) -> str | None:
        """One key press; returns the scanned code (without its suffix) when a scan completes."""
        scan = self.poll(timestamp)
        if scan is not None:  # a suffix-less scan ended by this key's gap; this key starts anew
            self._start(char, timestamp)
            return scan
        self._start(char, timestamp)
        suffix = self.settings.suffix
        text = "".join(self._burst)
        if suffix and text.endswith(suffix):
            code = text[: -len(suffix)]
            if len(code) >= self.settings.min_length and len(self._burst) > len(suffix):
                self._reset()
                return code
            self._to_human()  # a person pressed Enter (or a short burst ended): the widget's
        elif len(self._burst) > MAX_BURST:
            self._to_human()
        return None

    def poll(self, now: float) -> str | None:
        """Close a burst whose gap has run out: a suffix-less scan is returned, keys a person
        typed move to `take_human_keys`."""
        if self._last is None or now - self._last <= self.settings.max_gap_s:
            return None
        text = "".join(self._burst)
        if not self.settings.suffix and len(text) >= self.settings.min_length:
            self._reset()
            return text
        self._to_human()
        return None

    def deadline(self) -> float | None:
        """When `poll` should next be called, or None while nothing is held back."""
        return None if self._last is None else self._last + self.settings.max_gap_s

    def take_human_keys(self) -> str:
        """The keys a person typed, in order, for the focused widget (drained)."""
        keys = "".join(self._human)
        self._human.clear()
        return keys

    @property
    def pending(self) -> str:
        """Keys held back while it is not yet known who typed them."""
        return "".join(self._burst)

    # ------------------------------------------------------------------ internals
    def _start(self, char: str, timestamp: float) -> None:
        if self._last is not None and timestamp - self._last > self.settings.max_gap_s:
            self._to_human()
        self._burst.append(char)
        self._last = timestamp

    def _to_human(self) -> None:
        self._human.extend(self._burst)
        self._reset()

    def _reset(self) -> None:
        self._burst.clear()
        self._last = None


class WedgeScanner(Device):
    """A keyboard-wedge scanner: the Qt layer feeds its key presses, it emits parsed scans.

    Options: max_gap_ms (default 50), min_length (default 4). The suffix is the profile's
    `scanner_suffix`. Layouts for in-store codes come from `set_layouts` (store data).
    """

    category: ClassVar[DeviceCategory] = DeviceCategory.SCANNER
    driver_name: ClassVar[str] = "wedge"

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        super().__init__(config, sink)
        self.settings = wedge_settings(config)
        self._detector = WedgeDetector(self.settings)
        self._layouts: tuple[BarcodeLayout, ...] = ()
        self._feed_lock = threading.Lock()
        self._passthrough: list[str] = []

    def set_layouts(self, layouts: Sequence[BarcodeLayout]) -> None:
        """The store's in-store price/weight layouts, used for every following scan."""
        self._layouts = tuple(layouts)

    def feed(self, char: str, timestamp: float) -> ScanResult | None:
        """A key press from the UI; returns (and emits) the scan it completes, if any."""
        with self._feed_lock:
            if self.state is not DeviceState.ENABLED:
                self._passthrough.extend(self._detector.pending + self._detector.take_human_keys())
                self._detector = WedgeDetector(self.settings)
                self._passthrough.append(char)
                return None
            code = self._detector.feed(char, timestamp)
        return self._deliver(code)

    def poll(self, now: float) -> ScanResult | None:
        """Call at `deadline()`: hands held-back keys to the widget or ends a suffix-less scan."""
        with self._feed_lock:
            code = self._detector.poll(now)
        return self._deliver(code)

    def deadline(self) -> float | None:
        with self._feed_lock:
            return self._detector.deadline()

    def take_human_keys(self) -> str:
        """Keys to type into the focused widget (a person's, or everything while disabled)."""
        with self._feed_lock:
            keys = "".join(self._passthrough) + self._detector.take_human_keys()
            self._passthrough.clear()
            return keys

    def _deliver(self, code: str | None) -> ScanResult | None:
        if code is None:
            return None
        result = parse_scan(code, self._layouts)
        self.emit(DataEvent(self.device_id, result))
        return result

    def _do_health(self) -> str:
        return f"keyboard wedge, {self.state.value}, suffix {self.settings.suffix!r}"


def wedge_settings(config: DeviceConfig) -> WedgeSettings:
    """Detector settings from a device config; a bad option is a clear configuration error."""
    try:
        gap_ms = float(config.option("max_gap_ms", str(DEFAULT_MAX_GAP_S * 1000)))
        min_length = int(config.option("min_length", str(DEFAULT_MIN_LENGTH)))
    except ValueError as exc:
        raise ValueError(
            f"{config.device_id}: max_gap_ms and min_length must be numbers ({exc})"
        ) from None
    return WedgeSettings(config.scanner_suffix, gap_ms / 1000, min_length)
