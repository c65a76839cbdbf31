"""The status strip: sync (online/offline, unsent sales and the oldest one's age), device health,
operator and shift. Refreshed from the background pool every few seconds and after each sale;
it never reads the database on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from pos_app.ui.common import TaskRunner
from pos_app.ui.i18n import tr
from pos_app.viewmodels.views import StatusSnapshot

if TYPE_CHECKING:
    from pos_app.viewmodels.status import StatusViewModel

REFRESH_MS = 5000


class StatusStrip(QFrame):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusStrip")
        self.runner = runner
        self.vm: StatusViewModel | None = None
        self.sync = QLabel(tr("Sync: …"))
        self.sync.setObjectName("syncStatus")
        self.unsent = QLabel("")
        self.unsent.setObjectName("unsentStatus")
        self.devices = QLabel("")
        self.devices.setObjectName("deviceStatus")
        self.operator = QLabel("")
        self.operator.setObjectName("operatorStatus")
        self.shift = QLabel("")
        self.shift.setObjectName("shiftStatus")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        for label in (self.sync, self.unsent, self.devices):
            row.addWidget(label)
        row.addStretch(1)
        row.addWidget(self.operator)
        row.addWidget(self.shift)
        self.setMinimumHeight(32)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._busy = False

    def attach(self, vm: StatusViewModel) -> None:
        self.vm = vm
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()
        self.vm = None

    def refresh(self) -> None:
        vm = self.vm
        if vm is None or self._busy:
            return
        self._busy = True

        def done(snapshot: StatusSnapshot) -> None:
            self._busy = False
            self.show_status(snapshot)

        def failed(exc: BaseException) -> None:
            self._busy = False
            self.sync.setText(tr("Status unavailable: ") + str(exc))

        self.runner.background(vm.snapshot, done, failed)

    def show_status(self, s: StatusSnapshot) -> None:
        self._state(self.sync, s.sync_state)
        self.sync.setText(tr(s.sync_text))
        if s.unsent:
            text = tr("%1 unsent").replace("%1", str(s.unsent))
            if s.oldest_age:
                text += " · " + tr("oldest %1").replace("%1", s.oldest_age)
            self.unsent.setText(text)
        else:
            self.unsent.setText(tr("All sent"))
        if not s.devices:
            self.devices.setText(tr("No devices"))
            self._state(self.devices, "warn")
        elif s.devices_ok:
            self.devices.setText(tr("Devices OK (%1)").replace("%1", str(len(s.devices))))
            self._state(self.devices, "ok")
        else:
            bad = ", ".join(d.device_id for d in s.devices if not d.ok)
            self.devices.setText(tr("Device problem: ") + bad)
            self.devices.setToolTip("\n".join(f"{d.device_id}: {d.detail}" for d in s.devices))
            self._state(self.devices, "error")
        self.operator.setText(s.operator or tr("Nobody signed in"))
        self.shift.setText(tr("Shift ") + s.shift if s.shift else tr("No shift"))

    @staticmethod
    def _state(label: QLabel, state: str) -> None:
        label.setProperty("state", state)
        label.style().unpolish(label)
        label.style().polish(label)
