"""The register's way into the shift/drawer, returns, journal and devices screens (built beside
this one): a menu on the transaction screen (Ctrl+M) and a direct shortcut for each.

Each opens with the window's runner (so its calls queue behind the sale's on the runtime thread)
and the register's override dialog; when it closes, the sale is re-read, because a return adds
lines and a drawer operation changes the shift.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QWidget

from pos_app.ui.dialogs import ChoiceDialog
from pos_app.ui.i18n import tr

if TYPE_CHECKING:
    from pos_app.ui.main_window import MainWindow

# key, label, shortcut
ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("shift", "Shift and drawer", "Ctrl+H"),
    ("returns", "Return", "Ctrl+E"),
    ("journal", "Electronic journal", "Ctrl+J"),
    ("devices", "Devices", "Ctrl+Shift+D"),
)


def _build(window: MainWindow, key: str) -> QWidget:
    register = window.register
    assert register is not None
    rt, devices, runner = register.runtime, register.devices, window.runner
    if key == "shift":
        from pos_app.ui.shift_dialog import ShiftDialog
        from pos_app.viewmodels.shift import ShiftViewModel

        return ShiftDialog(ShiftViewModel(rt, devices=devices), window, runner=runner)
    if key == "returns":
        from pos_app.ui.return_dialog import ReturnDialog
        from pos_app.viewmodels.returns import ReturnsViewModel

        return ReturnDialog(ReturnsViewModel(rt, devices=devices), window, runner=runner)
    if key == "journal":
        from pos_app.ui.journal_dialog import JournalDialog
        from pos_app.viewmodels.journal import JournalViewModel

        return JournalDialog(JournalViewModel(rt, devices=devices), window, runner=runner)
    from pos_app.ui.devices_page import DevicesPage
    from pos_app.viewmodels.devices import DevicesViewModel

    page = DevicesPage(DevicesViewModel(devices), None, runner=runner)
    page.setWindowTitle(tr("Devices"))
    page.resize(900, 600)
    return page


class BackOffice:
    def __init__(self, window: MainWindow, host: QWidget) -> None:
        self.window = window
        self.open_widget: QWidget | None = None
        for key, _label, shortcut in ENTRIES:
            action = QShortcut(QKeySequence(shortcut), host)  # live while the sale shows
            action.activated.connect(lambda k=key: self.open(k))
        menu = QShortcut(QKeySequence("Ctrl+M"), host)
        menu.activated.connect(self.menu)
        button = getattr(host, "menu_button", None)
        if button is not None:
            button.clicked.connect(lambda _c=False: self.menu())

    def menu(self) -> None:
        items = [(key, f"{tr(label)}   ({shortcut})") for key, label, shortcut in ENTRIES]
        dialog = ChoiceDialog(tr("Menu"), items, "", self.window)
        dialog.chosen.connect(self.open)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def open(self, key: str) -> None:
        window = self.window
        if window.register is None:
            return
        try:
            widget = _build(window, key)
        except Exception as exc:  # noqa: BLE001 - a broken screen must not take the till down
            window.banner.show_message(tr("Could not open that screen: ") + str(exc), "error",
                                       tr("Carry on selling; tell the manager."))
            return
        self.open_widget = widget
        done: Callable[[], None] = self._closed
        if isinstance(widget, QDialog):
            widget.finished.connect(lambda _r: done())
            widget.open()
        else:
            widget.destroyed.connect(lambda _o=None: done())
            widget.show()

    def _closed(self) -> None:
        self.open_widget = None
        window = self.window
        window.activateWindow()
        if window.worker is not None:
            window.worker.refresh()  # a return added lines, a drawer operation moved cash
        window.status.refresh()
