"""The device page: the register's configured devices (from its hardware profile), their
state and last health, a health check of all of them and a test print. Both wait on devices,
so they run on the runner's background pool: never on the UI thread, and never queued behind
a card payment on the runtime worker."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import TOUCH_MIN_PX, MessageBanner, TaskRunner
from pos_app.ui.i18n import tr
from pos_app.ui.screens_registry import ShotContext, screen
from pos_app.ui.shift_common import ops_button
from pos_app.viewmodels.devices import DeviceRow, DevicesViewModel
from pos_app.viewmodels.shift import Outcome


def _columns() -> list[str]:  # translated when a widget is built
    return [tr("Device"), tr("Kind"), tr("Driver"), tr("State"), tr("Health"), tr("Detail")]


_HEALTH_COLOURS = {"ok": "#1a7f37", "problem": "#b42318"}


class DevicesPage(QWidget):
    def __init__(
        self,
        vm: DevicesViewModel,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("devicesPage")
        self.setWindowTitle(tr("Devices"))
        self.vm = vm
        self.runner = runner or TaskRunner("devices", self)
        self.last_outcome: Outcome[Any] | None = None
        box = QVBoxLayout(self)
        self.banner = MessageBanner(self, auto_hide_ms=0)
        box.addWidget(self.banner)
        self.profile = QLabel(vm.profile_text)
        self.profile.setObjectName("hardwareProfile")
        self.profile.setWordWrap(True)
        box.addWidget(self.profile)
        self.table = QTableWidget(0, len(_columns()))
        self.table.setObjectName("deviceTable")
        self.table.setHorizontalHeaderLabels(_columns())
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(TOUCH_MIN_PX)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.health_button = ops_button(
            tr("Check all devices"), role="primary", shortcut="Ctrl+H", on_click=self.check_health
        )
        self.print_button = ops_button(
            tr("Test print"), shortcut="Ctrl+P", on_click=self.test_print
        )
        row.addWidget(self.health_button)
        row.addWidget(self.print_button)
        box.addLayout(row)
        has_devices = vm.devices is not None
        self.health_button.setEnabled(has_devices)
        self.print_button.setEnabled(has_devices)
        self.show_rows(vm.rows())

    def show_rows(self, rows: list[DeviceRow]) -> None:
        self.table.setRowCount(len(rows))
        for r, d in enumerate(rows):
            cells = (d.device_id, d.category, d.driver, d.state, d.health, d.detail)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                colour = _HEALTH_COLOURS.get(d.health)
                if c == 4 and colour:
                    item.setForeground(QColor(colour))
                self.table.setItem(r, c, item)

    def device_event(self, _event: object) -> None:
        """Connect the window's device bridge here (events arrive on the UI thread): a device
        that goes offline or comes back shows at once, without a health check."""
        self.show_rows(self.vm.rows())

    def _say(self, outcome: Outcome[Any]) -> None:
        self.last_outcome = outcome
        if outcome.message:
            kind = "success" if outcome.ok else "warning"
            self.banner.show_message(outcome.message, kind)

    def _failed(self, exc: BaseException) -> None:
        self.last_outcome = Outcome.problem(str(exc), "error")
        self.banner.show_message(
            f"The device check stopped: {exc}", "error", "Try again; restart the register if it "
            "keeps happening."
        )  # fmt: skip
        self.health_button.setEnabled(True)
        self.print_button.setEnabled(True)

    def check_health(self) -> None:
        self.health_button.setEnabled(False)
        self.banner.show_message("Checking every device…", "info")

        def done(outcome: Outcome[list[DeviceRow]]) -> None:
            self.health_button.setEnabled(True)
            self._say(outcome)
            self.show_rows(outcome.value if outcome.value is not None else self.vm.rows())

        self.runner.background(self.vm.health, done, self._failed)

    def test_print(self) -> None:
        self.print_button.setEnabled(False)

        def done(outcome: Outcome[str]) -> None:
            self.print_button.setEnabled(True)
            self._say(outcome)

        self.runner.background(self.vm.test_print, done, self._failed)


@screen("devices.page")
def _shot(ctx: ShotContext) -> QWidget:
    return DevicesPage(DevicesViewModel(ctx.register.devices), ctx.parent, runner=ctx.runner)
