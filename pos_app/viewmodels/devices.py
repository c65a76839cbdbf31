"""The device page: the devices of the register's hardware profile, their state, a health check
of all of them side by side, and a test print. Health checks and prints wait on devices, so
the UI runs `health` and `test_print` on a worker."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pos_app.viewmodels.reports import print_document
from pos_app.viewmodels.shift import Outcome, failure
from runtime.receipt import Align, BarcodeBlock, ReceiptDocument, Separator, TextRow

HEALTH_WAIT_S = 10.0


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    category: str
    driver: str
    state: str
    health: str  # "ok", "problem", or "not checked"
    detail: str

    @property
    def ok(self) -> bool:
        return self.health == "ok"


def _category(value: str) -> str:
    return value.replace("_", " ").capitalize()


class DevicesViewModel:
    """`devices` is the register's pos_app.register_devices.RegisterDevices, or None."""

    def __init__(self, devices: Any = None) -> None:
        self.devices = devices
        self._last: dict[str, DeviceRow] = {}

    @property
    def profile_text(self) -> str:
        profile = None if self.devices is None else self.devices.manager.profile
        if profile is None:
            return (
                "This register has no hardware profile: no devices are set up. Ask the back "
                "office to assign one, or run `tillpoint devices virtual` for a demo."
            )
        return f"Hardware profile {profile.profile_id} ({profile.name})"

    def rows(self) -> list[DeviceRow]:
        """The configured devices as last seen (state now, health from the last check)."""
        if self.devices is None:
            return []
        rows = []
        for device in self.devices.manager.devices:
            last = self._last.get(device.device_id)
            reason = getattr(device, "reason", "")  # a null device says why it stands in
            rows.append(
                DeviceRow(
                    device.device_id,
                    _category(device.category.value),
                    device.driver_name,
                    device.state.value,
                    last.health if last else ("problem" if reason else "not checked"),
                    last.detail if last else (f"not available: {reason}" if reason else ""),
                )
            )
        return rows

    def health(self) -> Outcome[list[DeviceRow]]:
        """Health-check every device side by side (waits up to HEALTH_WAIT_S per device)."""
        if self.devices is None:
            return Outcome.problem(self.profile_text, "no_devices")
        try:
            reports = self.devices.manager.health(HEALTH_WAIT_S)
        except Exception as exc:  # noqa: BLE001
            return failure(exc, "check the devices")
        for r in reports:
            self._last[r.device_id] = DeviceRow(
                r.device_id,
                _category(r.category.value),
                r.driver,
                r.state.value,
                "ok" if r.ok else "problem",
                r.detail,
            )
        rows = self.rows()
        bad = [r.device_id for r in rows if not r.ok]
        if bad:
            said = (
                f"{len(bad)} device(s) need attention: {', '.join(bad)}. Check their cables and "
                "power, then run the check again."
            )
            return Outcome(rows, said, "devices_unhealthy")
        return Outcome.done(rows, f"All {len(rows)} devices answered.")

    def test_print(self) -> Outcome[str]:
        document = ReceiptDocument(
            "test",
            header=(TextRow("Tillpoint test print", align=Align.CENTER, bold=True),),
            lines=(TextRow("Euro and accents: € äöü ß é", "1.00"), Separator()),
            footer=(BarcodeBlock("TEST-0001"),),
            receipt_number="TEST-0001",
        )
        return print_document(
            self.devices, document, f"test-{time.time_ns()}", "Test print", queue=False
        )
