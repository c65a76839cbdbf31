"""The worker runner answers on the UI thread; the banner and touch buttons behave; themes load."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from pos_app.ui.common import TOUCH_MIN_PX, MessageBanner, TaskRunner, touch_button
from pos_app.ui.theme import THEMES, apply_theme, load_stylesheet


def test_runner_delivers_results_and_errors_on_the_ui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner("test")
    ui_thread = threading.get_ident()
    seen: list[tuple[str, object, int]] = []
    worker_threads: list[int] = []

    def work(n: int) -> int:
        worker_threads.append(threading.get_ident())
        return n * 2

    def boom() -> None:
        raise LookupError("no such item")

    for n in range(5):
        runner.submit(lambda n=n: work(n), lambda v: seen.append(("ok", v, threading.get_ident())))
    runner.submit(boom, failed=lambda e: seen.append(("err", str(e), threading.get_ident())))
    assert runner.wait_idle()
    assert [s[1] for s in seen] == [0, 2, 4, 6, 8, "no such item"]  # in submission order
    assert {s[2] for s in seen} == {ui_thread}
    assert ui_thread not in worker_threads
    assert runner.pending() == 0
    runner.shutdown()


def test_banner_and_touch_button(qtbot: QtBot) -> None:
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.show_message("Card declined", "error", "Ask for another card or take cash.")
    assert banner.kind() == "error" and banner.text() == "Card declined"
    banner.clear()
    assert banner.isHidden()
    clicks: list[int] = []
    button = touch_button("Pay", role="primary", shortcut="F12", on_click=lambda: clicks.append(1))
    qtbot.addWidget(button)
    button.click()
    assert clicks == [1]
    assert button.minimumWidth() >= TOUCH_MIN_PX and button.minimumHeight() >= TOUCH_MIN_PX
    assert "F12" in button.toolTip()


def test_themes_load_and_unknown_theme_is_refused(qapp) -> None:  # type: ignore[no-untyped-def]
    for name in THEMES:
        apply_theme(qapp, name)
        assert "QPushButton" in load_stylesheet(name)
    with pytest.raises(ValueError, match="high-contrast"):
        load_stylesheet("neon")
    qapp.setStyleSheet("")  # leave the shared application as other tests expect it
