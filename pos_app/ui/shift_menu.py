"""One call for the register window to open a back-office screen (shift and drawer, returns,
journal, devices) over its register and runner, each with its view model built the same way.

    from pos_app.ui.shift_menu import open_ops
    open_ops("journal", register, window.runner, window, locale)

The dialog opens window-modal (`open()`, no nested event loop) and is returned for tests.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from pos_app.ui.common import TaskRunner

OPS = ("shift", "drawer", "returns", "journal", "devices")


def build_ops(
    name: str, register: Any, runner: TaskRunner, parent: QWidget | None, locale: str = "en_US"
) -> QWidget:
    """The widget for `name` (one of OPS) over `register` (pos_app.composition.Register)."""
    rt, devices = register.runtime, register.devices
    if name == "shift":
        from pos_app.ui.shift_dialog import ShiftDialog
        from pos_app.viewmodels.shift import ShiftViewModel

        return ShiftDialog(
            ShiftViewModel(rt, devices=devices, locale=locale), parent, runner=runner
        )
    if name == "drawer":
        from pos_app.ui.drawer_dialog import DrawerDialog
        from pos_app.viewmodels.drawer import DrawerViewModel

        vm = DrawerViewModel(rt, devices=devices, locale=locale)
        return DrawerDialog(vm, parent, runner=runner)
    if name == "returns":
        from pos_app.ui.return_dialog import ReturnDialog
        from pos_app.viewmodels.returns import ReturnsViewModel

        vm_r = ReturnsViewModel(rt, devices=devices, locale=locale)
        return ReturnDialog(vm_r, parent, runner=runner)
    if name == "journal":
        from pos_app.ui.journal_dialog import JournalDialog
        from pos_app.viewmodels.journal import JournalViewModel

        vm_j = JournalViewModel(rt, devices=devices, locale=locale)
        return JournalDialog(vm_j, parent, runner=runner)
    if name == "devices":
        from pos_app.ui.devices_page import DevicesPage
        from pos_app.viewmodels.devices import DevicesViewModel

        page = DevicesPage(DevicesViewModel(devices), parent, runner=runner)
        page.setWindowFlag(Qt.WindowType.Window)  # its own window, not a child of the sale
        return page
    raise ValueError(f"no back-office screen {name!r}; choose one of {', '.join(OPS)}")


def open_ops(
    name: str, register: Any, runner: TaskRunner, parent: QWidget | None, locale: str = "en_US"
) -> QWidget:
    widget = build_ops(name, register, runner, parent, locale)
    if hasattr(widget, "open"):
        widget.open()
    else:
        widget.show()
    return widget
