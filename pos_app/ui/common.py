"""Small building blocks every register screen uses: a worker runner, a calm message banner and
touch-sized buttons.

Why a worker runner: the runtime is not thread-safe and its calls touch SQLite, devices and the
payment terminal, so the UI thread must never call it directly. `TaskRunner` runs callables on one
ordered worker thread (the register's "runtime thread") and delivers each result on the UI thread
through a Qt signal. `background()` runs independent reads (device health, outbox figures) on a
small pool so a blocking card payment never delays them.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

TOUCH_MIN_PX = 44  # the smallest touch target we allow (WCAG 2.5.5 / platform guidance)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class TaskRunner(QObject):
    """Runs callables off the UI thread and answers on the UI thread.

    `submit(fn, done, failed)` queues `fn` on this runner's single worker thread (calls run in
    submission order, one at a time — right for the runtime, which is not thread-safe); `done`
    gets the return value and `failed` the exception, both called on the thread that owns the
    runner (the UI thread). Without `failed`, errors are reported through the `error` signal.

    `busy_changed(bool)` tells screens when to show a progress hint; `wait_idle()` lets tests and
    the screenshot tool drain the queue while still processing Qt events.
    """

    busy_changed = Signal(bool)
    error = Signal(str)
    # only the job id crosses threads: PySide 6.12 miscounts references of Python objects
    # (None, True...) carried by queued `object` arguments and aborts the process later
    _finished = Signal(int)

    def __init__(self, name: str = "runtime", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._serial = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"tp-{name}")
        self._pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix=f"tp-{name}-bg")
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Done | None, Failed | None]] = {}
        self._results: dict[int, tuple[object, BaseException | None]] = {}
        self._lock = threading.Lock()
        self._pending = 0
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(self, fn: Callable[[], Any], done: Done | None = None,
               failed: Failed | None = None) -> int:
        """Queue `fn` on the ordered worker thread; returns a job id."""
        return self._start(self._serial, fn, done, failed)

    def background(self, fn: Callable[[], Any], done: Done | None = None,
                   failed: Failed | None = None) -> int:
        """Run `fn` on the unordered pool (for reads that must not wait behind a card payment)."""
        return self._start(self._pool, fn, done, failed)

    def pending(self) -> int:
        """How many submitted jobs have not yet been delivered."""
        return self._pending

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        """Process Qt events until every job is delivered (tests, screenshots). False on timeout."""
        app = QApplication.instance()
        deadline = timeout_ms / 1000
        import time

        start = time.monotonic()
        while self._pending:
            if time.monotonic() - start > deadline:
                return False
            if app is not None:
                app.processEvents()
            time.sleep(0.001)
        if app is not None:
            app.processEvents()
        return True

    def shutdown(self) -> None:
        """Stop accepting work and wait for running jobs (on close); later submits are dropped."""
        self._closed = True
        self._serial.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # ---- internals ------------------------------------------------------------------------

    def _start(self, executor: ThreadPoolExecutor, fn: Callable[[], Any], done: Done | None,
               failed: Failed | None) -> int:
        if self._closed:  # the window is closing: a late timer's request has nobody to answer
            return 0
        job = next(self._ids)
        with self._lock:
            self._callbacks[job] = (done, failed)
            self._pending += 1
            first = self._pending == 1
        if first:
            self.busy_changed.emit(True)

        def run() -> None:
            try:
                answer: tuple[object, BaseException | None] = (fn(), None)
            except BaseException as exc:  # delivered to the UI thread, never swallowed
                exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
                answer = (None, exc)
            with self._lock:
                self._results[job] = answer
            self._finished.emit(job)

        executor.submit(run)
        return job

    def _deliver(self, job: int) -> None:
        with self._lock:
            done, failed = self._callbacks.pop(job, (None, None))
            value, exc = self._results.pop(job, (None, None))
        try:
            if isinstance(exc, BaseException):
                if failed is not None:
                    failed(exc)
                else:
                    self.error.emit(f"{type(exc).__name__}: {exc}")
            elif done is not None:
                done(value)
        finally:
            with self._lock:
                self._pending -= 1
                idle = self._pending == 0
            if idle:
                self.busy_changed.emit(False)


class MessageBanner(QFrame):
    """A calm one-line message with an optional "what to do next" hint and a dismiss button.

    `show_message(text, kind, hint)` with kind in info/success/warning/error; the QSS styles it by
    the dynamic property `kind`. Info and success fade out after `auto_hide_ms`; warnings and
    errors stay until dismissed or replaced, so a cashier who looked away still sees them.
    """

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None, auto_hide_ms: int = 6000) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self._auto_hide_ms = auto_hide_ms
        self._text = QLabel()
        self._text.setObjectName("bannerText")
        self._text.setWordWrap(True)
        self._hint = QLabel()
        self._hint.setObjectName("bannerHint")
        self._hint.setWordWrap(True)
        close = QToolButton()
        close.setText("×")
        close.setObjectName("bannerClose")
        close.setMinimumSize(TOUCH_MIN_PX, TOUCH_MIN_PX)
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(self.clear)
        texts = QVBoxLayout()
        texts.setContentsMargins(0, 0, 0, 0)
        texts.setSpacing(2)
        texts.addWidget(self._text)
        texts.addWidget(self._hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        row.addLayout(texts, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.hide()

    def show_message(self, text: str, kind: str = "info", hint: str = "") -> None:
        """Show `text` (and `hint`, the next step) styled as `kind`."""
        self._text.setText(text)
        self._hint.setText(hint)
        self._hint.setVisible(bool(hint))
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
        self._timer.stop()
        if kind in ("info", "success") and self._auto_hide_ms > 0:
            self._timer.start(self._auto_hide_ms)

    def text(self) -> str:
        """The message shown now ('' when hidden)."""
        return self._text.text() if self.isVisible() or not self.isHidden() else ""

    def kind(self) -> str:
        return str(self.property("kind") or "")

    def clear(self) -> None:
        self._timer.stop()
        self._text.setText("")
        self.hide()
        self.dismissed.emit()


def touch_button(
    text: str,
    *,
    role: str = "secondary",
    shortcut: str | QKeySequence | None = None,
    on_click: Callable[[], None] | None = None,
    name: str | None = None,
    parent: QWidget | None = None,
) -> QPushButton:
    """A push button at least 44 px each way, styled by `role` (primary/secondary/danger/quick).

    With `shortcut` the key clicks the button while it is visible and enabled in the active
    window, and the key is appended to the tooltip, so the cashier can learn it. Focus stays
    off the button (focus policy TabFocus), so a scan or typing never lands on it by accident.
    """
    button = QPushButton(text, parent)
    button.setMinimumSize(TOUCH_MIN_PX, TOUCH_MIN_PX)
    button.setProperty("role", role)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    button.setAutoDefault(False)  # in a dialog, Enter belongs to the field, not the first key
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    if name:
        button.setObjectName(name)
    if shortcut is not None:
        seq = shortcut if isinstance(shortcut, QKeySequence) else QKeySequence(shortcut)
        # a QShortcut clicks at once (a button's own shortcut animates the click for 100 ms);
        # like any widget shortcut it is live only while the button is visible and enabled
        key = QShortcut(seq, button)
        key.setContext(Qt.ShortcutContext.WindowShortcut)
        key.activated.connect(button.click)
        button.setProperty("shortcutText", seq.toString(QKeySequence.SequenceFormat.NativeText))
        label = seq.toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{text.replace(chr(10), ' ')} ({label})")
    if on_click is not None:
        button.clicked.connect(lambda _checked=False: on_click())
    return button
