"""Scanning anywhere: an application-level event filter feeding the keyboard-wedge detector.

A wedge scanner "types" into whatever has focus. This filter sees every key press first: printable
keys and Enter go to `peripherals.scanner_wedge.WedgeDetector`; a fast burst ending in the
suffix is a scan (emitted as `scanned(code)` and never typed anywhere, so a scan cannot land in
the search box), anything slower was a person, and those keys are replayed, in order, into the
widget that has focus. Key presses with Ctrl/Alt/Meta (shortcuts) and non-text keys (F-keys,
arrows) pass untouched. While a modal dialog is open, or the filter is disabled, keys pass too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from peripherals.scanner_wedge import WedgeDetector, WedgeSettings

_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
              | Qt.KeyboardModifier.MetaModifier)


def _key_for(char: str) -> int:
    if char in ("\r", "\n"):
        return int(Qt.Key.Key_Return)
    if char == "\t":
        return int(Qt.Key.Key_Tab)
    code = ord(char.upper())
    return code if 0x20 <= code <= 0x7E else int(Qt.Key.Key_unknown)


class ScanFilter(QObject):
    """Install with `QApplication.instance().installEventFilter(filter)`.

    `active` decides per key whether the current screen listens for scans (e.g. the transaction
    and sign-in screens); `scanned(code)` is emitted on the UI thread.
    """

    scanned = Signal(str)

    def __init__(self, settings: WedgeSettings | None = None,
                 active: Callable[[], bool] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._wedge: WedgeDetector | None = None  # built on the first key: off the start-up
        self._active = active or (lambda: True)
        self._replaying = False
        self._target: QWidget | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._poll)
        self.scans = 0  # counted for the tests and the probe
        self.enabled = True

    @property
    def settings(self) -> WedgeSettings:
        return self._detector.settings

    @property
    def _detector(self) -> WedgeDetector:
        if self._wedge is None:
            from peripherals.scanner_wedge import WedgeDetector, WedgeSettings

            self._wedge = WedgeDetector(self._settings or WedgeSettings())
        return self._wedge

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or self._replaying or not self.enabled:
            return False
        assert isinstance(event, QKeyEvent)
        if not isinstance(watched, QWidget):
            return False  # the QWindow sees the press before its focus widget does
        focus = QApplication.focusWidget()
        if focus is not None and watched is not focus:
            return False  # a press propagating to the parents was judged at the focus widget
        char = self._char(event)
        if char is None:
            return False
        if QApplication.activeModalWidget() is not None or not self._active():
            if self._detector.pending:  # flush anything held back before passing on
                self._flush_human()
            return False
        self._target = QApplication.focusWidget()
        code = self._detector.feed(char, time.monotonic())
        self._flush_human()
        if code is not None:
            self._emit(code)
        self._arm()
        return True  # held back (or part of a scan); a person's keys are replayed

    def _char(self, event: QKeyEvent) -> str | None:
        if event.modifiers() & _MODIFIERS:
            return None
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return "\r"
        if key == Qt.Key.Key_Tab and self.settings.suffix == "\t":
            return "\t"
        text = event.text()
        if len(text) == 1 and text.isprintable():
            return text
        return None

    def _arm(self) -> None:
        deadline = self._detector.deadline()
        if deadline is None:
            self._timer.stop()
            return
        self._timer.start(max(1, int((deadline - time.monotonic()) * 1000) + 2))

    def _poll(self) -> None:
        code = self._detector.poll(time.monotonic())
        self._flush_human()
        if code is not None:
            self._emit(code)
        self._arm()

    def _emit(self, code: str) -> None:
        self.scans += 1
        self.scanned.emit(code)

    def _flush_human(self) -> None:
        keys = self._detector.take_human_keys()
        if not keys:
            return
        target = QApplication.focusWidget() or self._target
        if target is None:
            return
        self._replaying = True
        try:
            for char in keys:
                press = QKeyEvent(QEvent.Type.KeyPress, _key_for(char),
                                  Qt.KeyboardModifier.NoModifier, char)
                QApplication.sendEvent(target, press)
                release = QKeyEvent(QEvent.Type.KeyRelease, _key_for(char),
                                    Qt.KeyboardModifier.NoModifier, char)
                QApplication.sendEvent(target, release)
        finally:
            self._replaying = False

    def flush(self) -> None:
        """Hand anything held back to the focused widget now (tests, screen changes)."""
        if self._wedge is not None:
            self._wedge.poll(time.monotonic() + 1.0)
            self._flush_human()
