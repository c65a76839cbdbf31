"""`tillpoint screenshots DIR`: every screen and dialog to PNG, in each theme, at 1024x768 and
1920x1080 — for the README, for review, and to catch a layout that breaks at one size.

The register window is rendered in each of its states (sign-in, shift start, the sale, paying,
the paid sale) on a small demo store with a few lines in the cart; every dialog and screen in
`pos_app.ui.screens_registry` (ours and the shift/drawer/report screens) is rendered too, dialogs
centred over the dimmed sale as a cashier sees them.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from pos_app.ui.app import application
from pos_app.ui.i18n import install_translator
from pos_app.ui.main_window import MainWindow
from pos_app.ui.screens_registry import ShotContext, discover
from pos_app.ui.theme import THEMES, apply_theme

SIZES: tuple[tuple[int, int], ...] = ((1024, 768), (1920, 1080))
DEMO_LINES = ("espresso", "cola", "milk", "tshirt")


@dataclass
class ShotReport:
    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _settle(window: MainWindow) -> None:
    app = QApplication.instance()
    window.runner.wait_idle(3_000)  # a screen waiting on a device must not stall the rest
    for _ in range(3):
        if app is not None:
            app.processEvents()


def _prepare_store(db: Path | None, workdir: Path) -> Path:
    if db is not None:
        return db
    from local_db import seed_store

    path = workdir / "screens-store.db"
    seed_store(path, products=2_000)
    return path


def _stage(window: MainWindow) -> None:
    """Signed in, shift open, a few lines in the cart (through the same view models)."""
    from local_db import DEMO_ITEMS

    worker, session, sale = window.worker, window.session, window.sale
    assert worker is not None and session is not None and sale is not None
    worker.op(lambda _a: session.sign_in("1001", "1234"), doing="sign in")
    worker.op(lambda _a: None if not session.needs_shift()
              else session.open_shift(Decimal("150.00")), doing="open the shift")
    for key in DEMO_LINES:
        code = DEMO_ITEMS[key]
        worker.op(lambda _a, c=code: sale.add_code(c), doing="add")
    worker.op(lambda _a: sale.set_quantity("L2", Decimal(6)), doing="quantity")
    _settle(window)
    window.status.refresh()
    _settle(window)


def _grab(widget: QWidget, size: tuple[int, int]) -> QPixmap:
    widget.resize(*size)
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    return widget.grab()


def _over(background: QPixmap, dialog: QWidget, size: tuple[int, int]) -> QPixmap:
    """The dialog at its natural size (at most the screen's), centred on the dimmed window."""
    hint = dialog.sizeHint().expandedTo(dialog.size())
    width = min(max(hint.width(), 420), size[0] - 40)
    height = min(max(hint.height(), 200), size[1] - 40)
    dialog.resize(width, height)
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    front = dialog.grab()
    canvas = QPixmap(background)
    painter = QPainter(canvas)
    painter.fillRect(canvas.rect(), QColor(0, 0, 0, 110))
    painter.drawPixmap(QPoint((canvas.width() - front.width()) // 2,
                              (canvas.height() - front.height()) // 2), front)
    painter.end()
    return canvas


def render_all(out_dir: Path, *, db: Path | None = None, themes: Sequence[str] = THEMES,
               sizes: Sequence[tuple[int, int]] = SIZES, locale: str = "en_US",
               only: str = "", log: Callable[[str], None] = print) -> ShotReport:
    """Render every screen and dialog; returns what was written and what failed (with why)."""
    from pos_app.composition import open_register

    out_dir.mkdir(parents=True, exist_ok=True)
    app = application()
    install_translator(app, locale)
    report = ShotReport()
    with tempfile.TemporaryDirectory() as tmp:
        store = _prepare_store(db, Path(tmp))
        register = open_register(store, "R1", extensions=[])
        window = MainWindow(locale)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        window.show()
        window.attach(register)
        _stage(window)
        entries = [e for e in discover() if only in e.name]
        try:
            for theme in themes:
                apply_theme(app, theme)
                for size in sizes:
                    _window_states(window, theme, size, out_dir, report, only)
                    window.show_screen(window.transaction)
                    background = _grab(window, size)
                    for entry in entries:
                        name = f"{entry.name}-{theme}-{size[0]}x{size[1]}.png"
                        try:
                            ctx = ShotContext(register, window.runner, window,
                                              {"worker": window.worker, "window": window})
                            widget = entry.factory(ctx)
                            widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
                            if isinstance(widget, QDialog) or entry.kind == "dialog":
                                widget.show()
                                _settle(window)
                                pixmap = _over(background, widget, size)
                            else:
                                widget.show()
                                _settle(window)
                                pixmap = _grab(widget, size)
                            widget.close()
                            widget.deleteLater()
                            _save(pixmap, out_dir / name, report)
                        except Exception as exc:  # noqa: BLE001 - one broken screen, not all
                            report.failed.append(f"{name}: {exc}")
                            log(f"FAILED {name}: {exc}\n{traceback.format_exc()}")
        finally:
            window.close()
    log(f"{len(report.written)} screenshots in {out_dir}; {len(report.failed)} failed")
    return report


def _window_states(window: MainWindow, theme: str, size: tuple[int, int], out_dir: Path,
                   report: ShotReport, only: str) -> None:
    states: list[tuple[str, Callable[[], None]]] = [
        ("window.sign_in", lambda: window.show_screen(window.sign_in)),
        ("window.shift_start", lambda: window.show_screen(window.shift_start)),
        ("window.transaction", lambda: window.show_screen(window.transaction)),
        ("window.tender", lambda: window.show_screen(window.tender)),
        ("window.tender_card", lambda: _card_waiting(window)),
        ("window.tender_paid", lambda: _paid(window)),
    ]
    for name, show in states:
        if only not in name:
            continue
        window.banner.clear()
        show()
        if name == "window.transaction":
            window.banner.show_message("Red Wine Merlot 0.75l needs an age check.", "warning",
                                       "Check the customer's ID, then confirm the age check.")
        _settle(window)
        _save(_grab(window, size), out_dir / f"{name}-{theme}-{size[0]}x{size[1]}.png", report)
    window.banner.clear()
    window.tender.progress.hide()
    window.tender.done_panel.hide()


def _card_waiting(window: MainWindow) -> None:
    """The tender screen while the terminal works (shown as the real flow shows it)."""
    window.show_screen(window.tender)
    window.tender._card_started()
    window.tender.card_busy = False  # only the look: nothing is waiting


def _paid(window: MainWindow) -> None:
    window.show_screen(window.tender)
    window.tender._card_ended()
    window.tender.change.setText("Change due €17.47")
    window.tender.receipt_state.setText("Receipt printed.")
    window.tender.done_panel.show()


def _save(pixmap: QPixmap, path: Path, report: ShotReport) -> None:
    if pixmap.isNull() or not pixmap.save(str(path), "PNG"):
        report.failed.append(f"{path.name}: could not render or save")
        return
    report.written.append(path)
