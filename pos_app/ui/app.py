"""Starting the register: the Qt application, theme, translations and the main window, with the
register opened on the worker (so the sign-in screen is up before the store is loaded).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from pos_app.ui.i18n import install_translator
from pos_app.ui.main_window import MainWindow
from pos_app.ui.theme import DEFAULT_THEME, apply_theme

if TYPE_CHECKING:
    from peripherals.events import DeviceEvent

STARTED = time.perf_counter()  # module import time: the probe measures start to sign-in


def application(argv: Sequence[str] | None = None) -> QApplication:
    """The one QApplication (created on first use)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("Tillpoint")
    app.setOrganizationName("Tillpoint")
    font = app.font()
    font.setPointSizeF(max(font.pointSizeF(), 11.0))
    app.setFont(font)
    return app


def default_locale() -> str:
    raw = os.environ.get("TILLPOINT_LOCALE") or os.environ.get("LANG", "en_US")
    return raw.split(".")[0] or "en_US"


def build_window(
    opener: Callable[[Callable[[DeviceEvent], None]], object],
    *,
    theme: str = DEFAULT_THEME,
    locale: str | None = None,
) -> tuple[QApplication, MainWindow]:
    """Application + window, the register opening in the background (`opener(sink)`)."""
    app = application()
    locale = locale or default_locale()
    apply_theme(app, theme)
    install_translator(app, locale)
    window = MainWindow(locale)
    window.open_register(opener)  # type: ignore[arg-type]
    return app, window


def run_register(
    db_path: Path,
    register_id: str,
    *,
    theme: str = DEFAULT_THEME,
    locale: str | None = None,
    devices: bool = True,
    size: tuple[int, int] | None = None,
) -> int:
    """Run the cashier register until its window closes; returns the exit code."""
    from pos_app.composition import open_register

    def opener(sink: Callable[[DeviceEvent], None]) -> object:
        return open_register(db_path, register_id, devices=devices, device_events=sink,
                             freeze=True)

    app, window = build_window(opener, theme=theme, locale=locale)
    if size is not None:
        window.resize(*size)
        window.show()
    else:
        window.showMaximized()
    return app.exec()
