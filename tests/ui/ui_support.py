"""Helpers for the register UI flows: open a real register (SQLite copy of the seeded store,
optionally with virtual devices) in a real MainWindow offscreen, and count the cashier's input."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pos_app.composition import open_register
from pos_app.ui.main_window import MainWindow

WAIT_MS = 15_000


@dataclass
class Input:
    """Counts what the cashier does: key presses (a scan is one trigger pull) and taps."""

    qtbot: QtBot
    window: QWidget | None = None
    keys: int = 0
    taps: int = 0
    scans: int = 0
    log: list[str] = field(default_factory=list)

    def _window(self) -> object:
        """Keys go in where the system puts them: the active (modal) window's QWindow, so
        shortcuts, the scan filter and focus handling all see them as a keyboard's."""
        top = QApplication.activeModalWidget() or self.window
        assert top is not None, "no window to type into"
        handle = top.windowHandle()
        assert handle is not None
        return handle

    def type(self, text: str, *, enter: bool = True) -> None:
        """A person typing into the focused widget (slower than a scanner)."""
        for char in text:
            QTest.keyClick(self._window(), char)
            self.keys += 1
            self.qtbot.wait(70)  # beyond the wedge gap: a person, not a scanner
        if enter:
            self.key(Qt.Key.Key_Return)

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
            ) -> None:
        QTest.keyClick(self._window(), key, modifier)
        self.keys += 1
        self.qtbot.wait(70)  # let a held-back key reach its widget

    def scan(self, code: str) -> None:
        """A keyboard-wedge scanner: the code's keys in a burst and Enter, into whatever has
        focus (the scan filter must catch it)."""
        window = self._window()
        for char in code:
            QTest.keyClick(window, char)
        QTest.keyClick(window, Qt.Key.Key_Return)
        self.scans += 1

    def tap(self, button: QPushButton | QWidget) -> None:
        assert isinstance(button, QPushButton)
        assert button.isEnabled(), f"{button.objectName() or button.text()} is disabled"
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        self.taps += 1

    def report(self, flow: str) -> str:
        line = (f"[input] {flow}: {self.scans} scans, {self.keys} keystrokes, "
                f"{self.taps} taps")
        print(line)
        return line


def wait_until(qtbot: QtBot, check: Callable[[], bool], timeout: int = WAIT_MS,
               window: MainWindow | None = None) -> None:
    try:
        qtbot.waitUntil(check, timeout=timeout)
    except Exception:
        if window is not None:
            print("banner:", window.banner.text(), "| screen:", window.current().objectName())
        raise


def idle(window: MainWindow) -> None:
    assert window.runner.wait_idle(WAIT_MS)


def open_window(qtbot: QtBot, db: Path, *, devices: bool = False,
                locale: str = "en_US") -> MainWindow:
    window = MainWindow(locale)
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)

    def opener(sink: object) -> object:
        return open_register(db, "R1", extensions=[], devices=devices,
                             device_events=sink)  # type: ignore[arg-type]

    with qtbot.waitSignal(window.register_ready, timeout=WAIT_MS):
        window.open_register(opener)  # type: ignore[arg-type]
    idle(window)
    return window


def copy_store(seeded: Path, tmp: Path) -> Path:
    db = tmp / "register.db"
    shutil.copy(seeded, db)
    return db


def close(window: MainWindow) -> Iterator[None]:
    yield
    window.close()


def sign_in(window: MainWindow, user: Input, operator: str = "1001", secret: str = "1234") -> None:
    window.sign_in.reset()
    user.type(operator)
    user.type(secret)
    idle(window)


def settle(seconds: float) -> None:
    time.sleep(seconds)
